/**
 * 0005 — a simple checklist for PRACTICE and THEORY steps (the studio's step
 * editor): a list of short items the learner goes through. `checklist` holds
 * an EXAMINATION's test questions and keeps that one meaning; these items
 * are plain strings.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(
    `ALTER TABLE steps ADD COLUMN checklist_items jsonb NOT NULL DEFAULT '[]'
       CHECK (jsonb_typeof(checklist_items) = 'array' AND jsonb_array_length(checklist_items) <= 50)`,
  ).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER TABLE steps DROP COLUMN checklist_items`).execute(db);
}
