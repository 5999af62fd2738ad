/**
 * 0015 — the notification outbox covers every channel.
 *
 * `push_pending` (0003) meant "this row's push jobs are not enqueued yet".
 * A notification now also leaves by Telegram and email, so the flag becomes
 * `delivery_pending`: the row's fan-out (push jobs, its Telegram message,
 * its email — each enqueued with a dedupe key) has not been fully enqueued.
 * Whoever comes next (the caller after commit, a retried job, the sweeper)
 * runs the fan-out again; the dedupe keys keep every channel single.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER TABLE notifications RENAME COLUMN push_pending TO delivery_pending`)
    .execute(db);
  await sql.raw(`ALTER INDEX notifications_push_pending RENAME TO notifications_delivery_pending`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER INDEX notifications_delivery_pending RENAME TO notifications_push_pending`)
    .execute(db);
  await sql.raw(`ALTER TABLE notifications RENAME COLUMN delivery_pending TO push_pending`)
    .execute(db);
}
