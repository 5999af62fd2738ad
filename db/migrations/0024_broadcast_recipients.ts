/**
 * 0024 — broadcasts survive a crash (core/broadcasts.ts):
 *
 * - broadcast_recipients: one row per learner a broadcast reached, written in
 *   the same transaction as their notification and the cursor's move, so a
 *   batch is all done or not at all, and the primary key refuses a second
 *   copy even when two runs overlap.
 * - broadcasts.progress_at: when the send last moved (confirmation, then each
 *   batch). A broadcast `sending` without a move for a few minutes has lost
 *   its job (a crash between the confirmation and the enqueue, retries used
 *   up): the `broadcast` job's sweeper starts it again from its cursor.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE broadcast_recipients (
     broadcast_id    text NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
     user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     created_at      timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (broadcast_id, user_id)
   )`,
  // Erasing a user deletes their rows by user id.
  `CREATE INDEX broadcast_recipients_user_idx ON broadcast_recipients (user_id)`,
  `ALTER TABLE broadcasts ADD COLUMN progress_at timestamptz`,
  `UPDATE broadcasts SET progress_at = coalesce(finished_at, confirmed_at)
     WHERE confirmed_at IS NOT NULL`,
  // The sweeper looks only at the few broadcasts still sending.
  `CREATE INDEX broadcasts_sending_idx ON broadcasts (progress_at) WHERE status = 'sending'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (
    const stmt of [
      `DROP INDEX broadcasts_sending_idx`,
      `ALTER TABLE broadcasts DROP COLUMN progress_at`,
      `DROP TABLE broadcast_recipients`,
    ]
  ) await sql.raw(stmt).execute(db);
}
