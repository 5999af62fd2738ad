/**
 * The process crash.test.ts kills with SIGKILL. Its two jobs stop at the two
 * interesting points on the first run:
 *
 * - `after-effect`: its `ctx.once` effect has committed; it hangs before "done".
 * - `inside-effect`: it hangs inside its `ctx.once` transaction (the insert is
 *   made, not committed).
 *
 * On the second run (PHASE=second) the same jobs, redelivered by KV, finish,
 * and the process prints the records and the effect rows, then exits.
 * Lines for the parent start with "@@".
 */
import { z } from "zod";
import { sql } from "kysely";
import { openDatabase } from "@/db/connection.ts";
import { migrateToLatest } from "@/db/migrate.ts";
import { configureLog } from "@/platform/log.ts";
import { defineJob } from "@/queues/define.ts";
import { JobRuntime } from "@/queues/runtime.ts";
import type { Services } from "@/core/services.ts";

configureLog({ level: "error" });
const env = (k: string) => Deno.env.get(k) ?? "";
const first = env("PHASE") === "first";
const say = (line: string) => console.log(`@@ ${line}`);

const handle = await openDatabase({
  databaseUrl: env("CHILD_DATABASE_URL") || undefined,
  dataDir: env("CHILD_DATA_DIR"),
  databasePoolMax: 4,
});
await migrateToLatest(handle.db, { log: false });
await sql`CREATE TABLE IF NOT EXISTS test_effects (job_id text NOT NULL, what text NOT NULL)`
  .execute(handle.db);

const committed = Promise.withResolvers<void>();
const hang = () => new Promise<never>(() => {});

const afterEffect = defineJob({
  name: "after-effect",
  queue: "push",
  schema: z.object({}),
  retry: [],
  async handler(_p, ctx) {
    // Reporting progress marks the record active now (not after activeAfterMs),
    // so the kill below always finds it active.
    await ctx.progress(10);
    await ctx.once("effect", async (trx) => {
      await sql`INSERT INTO test_effects VALUES (${ctx.job.id}, 'after')`.execute(trx);
    });
    committed.resolve();
    if (first) {
      say(`after-effect committed ${ctx.job.id}`);
      await hang();
    }
  },
});

const insideEffect = defineJob({
  name: "inside-effect",
  queue: "push",
  schema: z.object({}),
  retry: [],
  async handler(_p, ctx) {
    await ctx.progress(10);
    // PGlite has one connection: let the other job commit before this one holds it.
    if (first) await committed.promise;
    await ctx.once("effect", async (trx) => {
      await sql`INSERT INTO test_effects VALUES (${ctx.job.id}, 'inside')`.execute(trx);
      if (first) {
        say(`inside-effect in transaction ${ctx.job.id}`);
        await hang();
      }
    });
  },
});

const kv = await Deno.openKv(env("CHILD_KV_PATH"));
const rt = new JobRuntime({
  kv,
  definitions: [afterEffect, insideEffect],
  services: () => ({ db: handle.db }) as Services,
  heartbeatMs: 200,
});
rt.start();

if (first) {
  const a = await rt.enqueue("after-effect", {});
  const b = await rt.enqueue("inside-effect", {});
  say(`enqueued ${a} ${b}`);
  await hang();
} else {
  const [a, b] = env("JOB_IDS").split(",");
  const t0 = Date.now();
  say("restarted");
  while (true) {
    const [ja, jb] = [await rt.get(a), await rt.get(b)];
    if (ja?.state === "done" && jb?.state === "done") break;
    if (Date.now() - t0 > 90_000) {
      say(`timeout ${JSON.stringify([ja?.state, jb?.state])}`);
      Deno.exit(2);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const { rows } = await sql<{ job_id: string; what: string }>`
    SELECT job_id, what FROM test_effects ORDER BY what
  `.execute(handle.db);
  say(`redelivered after ${Date.now() - t0} ms`);
  say(`result ${JSON.stringify({ a: await rt.get(a), b: await rt.get(b), rows })}`);
  await rt.stop();
  kv.close();
  await handle.close();
  Deno.exit(0);
}
