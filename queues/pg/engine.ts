/**
 * What we use of graphile-worker (the engine, docs/jobs-on-postgres.md): its
 * schema (it installs and migrates `graphile_worker` itself), its delivery
 * (`add_job` in any transaction; LISTEN/NOTIFY wakes a worker at once;
 * `SKIP LOCKED` gives each message to one worker of one instance), and its
 * `forbiddenFlags` (a queue that is paused or full here is skipped).
 *
 * A message is `{ id, token }` of one of our records (queues/pg/store.ts),
 * exactly like the KV backend's messages: the record says what runs and
 * when, a message whose token is not the record's is stale and does nothing.
 * Retries, timeouts, cancel and history are ours; graphile's own retries
 * (`max_attempts`) only cover a failure of the runtime itself.
 *
 * A graphile task only takes the job: it marks our record active (owner,
 * heartbeat) and returns, and the handler runs on in this process under
 * our per-queue slots. So a few graphile workers serve every queue (each
 * idle worker polls; NOTIFY wakes them at once), and a job whose process
 * died is found by its stale heartbeat (queues/pg/recovery.ts), not by
 * graphile's 4-hour lock expiry.
 */
import pg from "pg";
import { Logger, run, runMigrations, type Runner, type Task } from "graphile-worker";
import { type Kysely, sql } from "kysely";
import type { Database } from "@/db/schema.ts";
import { log } from "@/platform/log.ts";
import type { QueueName } from "../define.ts";

/** One task identifier per queue: the flag and the identifier name the queue. */
export const taskOf = (q: QueueName) => `gafus:${q}`;

/** A failure of our own delivery code is retried by graphile this many times. */
const ENGINE_ATTEMPTS = 10;
/** Each idle worker polls (for delayed jobs) every `pollMs`; NOTIFY wakes them for new ones. */
const WORKERS = 4;

export interface Message {
  id: string;
  token: string;
}

export function isMessage(v: unknown): v is Message {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  return typeof m.id === "string" && typeof m.token === "string";
}

/**
 * Adds the message of a record, in the executor's transaction (or on its
 * own), due `delayMs` from the database's now (instances' clocks may differ).
 */
export async function addMessage(
  db: Kysely<Database>,
  m: Message & { queue: QueueName },
  delayMs: number,
): Promise<void> {
  await sql`SELECT graphile_worker.add_job(
    identifier => ${taskOf(m.queue)}::text,
    payload => ${JSON.stringify({ id: m.id, token: m.token })}::json,
    run_at => now() + ${Math.max(0, Math.round(delayMs))}::int * interval '1 millisecond',
    max_attempts => ${ENGINE_ATTEMPTS}::int,
    flags => ARRAY[${m.queue}]::text[]
  )`.execute(db);
}

/** Wakes idle workers (every instance): after a resume, or when a full queue has room. */
export async function nudge(db: Kysely<Database>, count = 1): Promise<void> {
  await sql`SELECT pg_notify('jobs:insert', ${JSON.stringify({ count })})`.execute(db);
}

/** graphile-worker logs every job at info; ours logs what matters. */
const quietLogger = new Logger(() => (level, message, meta) => {
  if (level === "error") log.error("graphile-worker", { message, meta });
  else if (level === "warning") log.warn("graphile-worker", { message });
});

export interface EngineOptions {
  connectionString: string;
  /** graphile workers here (they only take jobs; handlers run under our slots). */
  workers?: number;
  /** Flags (queue names) no worker here may take now. */
  forbidden: () => string[];
  /** Takes one message; throws only when the runtime itself failed. */
  handle: (m: Message) => Promise<void>;
  pollMs?: number;
}

/** The engine's connection pool, schema and (once started) its runner. */
export class Engine {
  private readonly pool: pg.Pool;
  private migrated: Promise<void> | null = null;
  private runner: Runner | null = null;

  constructor(private readonly opts: EngineOptions) {
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      // The LISTEN connection, plus room for fetching and completing jobs.
      max: (opts.workers ?? WORKERS) + 2,
      application_name: "gafus-jobs",
      // A connection that cannot be had (server gone, pool exhausted) is an
      // error the caller sees, never a wait without end.
      connectionTimeoutMillis: 10_000,
    });
    // An idle client whose server went away (restart, DROP DATABASE in tests).
    this.pool.on("error", (err) => log.warn("jobs pool: idle connection lost", { err }));
    this.pool.on("connect", (client) => {
      client.on("error", (err) => log.warn("jobs pool: connection lost", { err }));
    });
  }

  /** Installs or migrates graphile-worker's schema (once per process). */
  ready(): Promise<void> {
    this.migrated ??= runMigrations({ pgPool: this.pool, logger: quietLogger }).catch((err) => {
      this.migrated = null;
      throw err;
    });
    return this.migrated;
  }

  async start(queues: readonly QueueName[]): Promise<void> {
    await this.ready();
    const task: Task = async (payload, helpers) => {
      if (!isMessage(payload)) {
        log.warn("job message that is not ours; dropped", { id: helpers.job.id });
        return;
      }
      await this.opts.handle(payload);
    };
    this.runner = await run({
      pgPool: this.pool,
      concurrency: this.opts.workers ?? WORKERS,
      noHandleSignals: true,
      pollInterval: this.opts.pollMs ?? 2_000,
      logger: quietLogger,
      crontab: "",
      forbiddenFlags: () => this.opts.forbidden(),
      taskList: Object.fromEntries(queues.map((q) => [taskOf(q), task])),
    });
  }

  /** Stops taking messages (the tasks are short: they only take the job). */
  async stopRunner(): Promise<void> {
    const r = this.runner;
    this.runner = null;
    await r?.stop();
  }

  async close(): Promise<void> {
    await this.migrated?.catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
