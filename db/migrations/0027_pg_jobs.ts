/**
 * 0027 — jobs on PostgreSQL (JOBS_BACKEND=postgres, queues/pg/): our record
 * of every job, the same record the KV backend keeps in KV (queues/records.ts),
 * so the status page, /metrics and the CLI read the same things on both.
 * graphile-worker (the engine that delivers the jobs) keeps its own schema,
 * `graphile_worker`, which it installs and migrates itself at start: nothing
 * of it is here, so PGlite (which never runs the postgres backend) never needs it.
 *
 * - job_records: the record as JSON (`rec`) plus the columns we select and
 *   order by: state index (queue, state, idx_ts, id) for lists, counts and
 *   latency; `dedupe_slot` (unique per job name while the job holds its
 *   dedupe key); `heartbeat_at` and `owner` (who runs it, for takeover).
 * - job_queues_paused: a row per paused queue (every instance reads it).
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE job_records (
     id text PRIMARY KEY,
     name text NOT NULL,
     queue text NOT NULL,
     state text NOT NULL,
     idx_ts bigint NOT NULL,
     token text NOT NULL,
     dedupe_slot text,
     owner text,
     heartbeat_at bigint,
     rec jsonb NOT NULL
   )`,
  `CREATE INDEX job_records_state_idx ON job_records (queue, state, idx_ts, id)`,
  `CREATE UNIQUE INDEX job_records_dedupe_idx ON job_records (name, dedupe_slot)
     WHERE dedupe_slot IS NOT NULL`,
  `CREATE TABLE job_queues_paused (
     queue text PRIMARY KEY,
     paused_at timestamptz NOT NULL DEFAULT now()
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const stmt of [`DROP TABLE job_queues_paused`, `DROP TABLE job_records`]) {
    await sql.raw(stmt).execute(db);
  }
}
