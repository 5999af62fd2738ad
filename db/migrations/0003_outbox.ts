/**
 * 0003 — the push outbox on `notifications`.
 *
 * A notification is written in the same transaction as the change it tells
 * about (a timer's completion, an exam review), so a crash cannot keep one
 * and lose the other. Its Web Push cannot go in that transaction (the job
 * queue is Deno KV), so the row says `push_pending` until its push jobs are
 * enqueued; whoever comes next (the caller after commit, a retried job, the
 * push sweeper) enqueues them, deduplicated per notification and device.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(
    `ALTER TABLE notifications ADD COLUMN push_pending boolean NOT NULL DEFAULT false`,
  ).execute(db);
  await sql.raw(
    `CREATE INDEX notifications_push_pending ON notifications (user_id, created_at)
       WHERE push_pending`,
  ).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP INDEX notifications_push_pending`).execute(db);
  await sql.raw(`ALTER TABLE notifications DROP COLUMN push_pending`).execute(db);
}
