/**
 * 0014 — each user's notification choices per category and channel
 * (core/notification_prefs.ts reads and writes them). One row per user who
 * changed anything; `prefs` maps "category.channel" to true/false, and a
 * missing entry means the default, so a new category needs no migration.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE notification_prefs (
     user_id    text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
     prefs      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(prefs) = 'object'),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE notification_prefs`).execute(db);
}
