/**
 * The process-wide dependencies core/ works with: configuration, the
 * database, Deno KV and caches. Routes get them as `ctx.state.services`;
 * jobs, the bot and the CLI receive the same object, so every entry point
 * calls core/ the same way.
 *
 * Only the shape lives here: opening them (and creating the job runtime,
 * which runs core/ code) is `openServices` in the root services.ts, above
 * core, so core/ never imports the queues that import it.
 */
import type { Kysely } from "kysely";
import type { Config } from "@/platform/config.ts";
import type { Database } from "@/db/schema.ts";
import type { Cache } from "@/platform/cache.ts";
import type { SharedKv } from "@/platform/shared_kv.ts";
import type { Storage } from "./storage/mod.ts";
import type { Jobs } from "@/queues/types.ts";

export interface Services {
  config: Config;
  db: Kysely<Database>;
  dbKind: "pglite" | "postgres";
  /**
   * State every instance must share (rate limits, revocations, once-only
   * claims, the bot's lease): the local Deno KV, or PostgreSQL with
   * `JOBS_BACKEND=postgres` (platform/shared_kv.ts).
   */
  kv: SharedKv;
  cache: Cache;
  /** Files (avatars, photos, exam videos…): `DATA_DIR/media` or S3, see core/storage/. */
  storage: Storage;
  /**
   * Background jobs on Deno KV (queues/): `enqueue(name, payload, {delay, dedupeKey})`,
   * `cancel(id)`, and the ops API. Enqueue works everywhere; jobs run only in a
   * process that called `jobs.start()` (the server; tests call it themselves).
   */
  jobs: Jobs;
  startedAt: Date;
  /** Throws when the database does not answer. */
  pingDb(): Promise<void>;
  close(): Promise<void>;
}
