/**
 * 0002 — job effect markers for `ctx.once(key, fn)` (queues/define.ts).
 *
 * A handler's effect and its marker commit in one transaction, so a job that
 * KV delivers again after a crash sees the marker and skips the effect: the
 * effect happens once. Markers are pruned by the maintenance job after the
 * failed-job retention (the job record, and so any redelivery, is gone by then).
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(
    `CREATE TABLE job_effects (
       job_id text NOT NULL,
       key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
       result jsonb,
       created_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (job_id, key)
     )`,
  ).execute(db);
  await sql.raw(`CREATE INDEX job_effects_created_at ON job_effects (created_at)`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE job_effects`).execute(db);
}
