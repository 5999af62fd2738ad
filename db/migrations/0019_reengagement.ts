/**
 * 0019 — what re-engagement campaigns need beyond the tables of 0001
 * (core/reengagement/):
 *
 * - campaigns: `ended_at` and `end_reason` (returned, finished, unsubscribed,
 *   opted_out, disabled). The end time decides whether a learner may get a
 *   new campaign: only for activity after the previous one ended.
 * - messages: the recipient (`user_id`, so "never the same variant twice for
 *   one user" is a unique index across campaigns), the in-app notification
 *   it became, and the opaque `click_token` of its tracking link.
 *   One message per campaign and level (a job run twice sends once).
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `ALTER TABLE reengagement_campaigns ADD COLUMN ended_at timestamptz`,
  `ALTER TABLE reengagement_campaigns ADD COLUMN end_reason text
     CHECK (end_reason IN ('returned', 'finished', 'unsubscribed', 'opted_out', 'disabled'))`,
  // The no-restart rule reads a learner's campaigns newest first.
  `CREATE INDEX reengagement_campaigns_user_idx ON reengagement_campaigns (user_id, created_at DESC)`,

  `ALTER TABLE reengagement_notifications ADD COLUMN user_id text
     REFERENCES users (id) ON DELETE CASCADE`,
  `UPDATE reengagement_notifications n SET user_id = c.user_id
     FROM reengagement_campaigns c WHERE c.id = n.campaign_id`,
  `ALTER TABLE reengagement_notifications ALTER COLUMN user_id SET NOT NULL`,
  `ALTER TABLE reengagement_notifications ADD COLUMN notification_id text
     REFERENCES notifications (id) ON DELETE SET NULL`,
  `ALTER TABLE reengagement_notifications ADD COLUMN click_token text
     CHECK (length(click_token) <= 64)`,
  `CREATE UNIQUE INDEX reengagement_notifications_level_key
     ON reengagement_notifications (campaign_id, level)`,
  `CREATE UNIQUE INDEX reengagement_notifications_variant_key
     ON reengagement_notifications (user_id, variant_id)`,
  `CREATE UNIQUE INDEX reengagement_notifications_click_key
     ON reengagement_notifications (click_token)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (
    const stmt of [
      `DROP INDEX reengagement_notifications_click_key`,
      `DROP INDEX reengagement_notifications_variant_key`,
      `DROP INDEX reengagement_notifications_level_key`,
      `ALTER TABLE reengagement_notifications DROP COLUMN click_token`,
      `ALTER TABLE reengagement_notifications DROP COLUMN notification_id`,
      `ALTER TABLE reengagement_notifications DROP COLUMN user_id`,
      `DROP INDEX reengagement_campaigns_user_idx`,
      `ALTER TABLE reengagement_campaigns DROP COLUMN end_reason`,
      `ALTER TABLE reengagement_campaigns DROP COLUMN ended_at`,
    ]
  ) await sql.raw(stmt).execute(db);
}
