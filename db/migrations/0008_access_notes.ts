/**
 * 0008 — a trainer's notes about their learners.
 *
 * A note (title, tags) belongs to its author and is about one or more users
 * (`learner_note_users`); it holds dated entries, each of which the author
 * may mark visible to the learners the note is about (they see it on their
 * profile). Private access to courses needs no new table: `course_access`
 * (0001) already records who granted it and when.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE learner_notes (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     author_id  text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
     tags       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX learner_notes_author_idx ON learner_notes (author_id, updated_at DESC)`,
  `CREATE TABLE learner_note_users (
     note_id text NOT NULL REFERENCES learner_notes (id) ON DELETE CASCADE,
     user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     PRIMARY KEY (note_id, user_id)
   )`,
  `CREATE INDEX learner_note_users_user_idx ON learner_note_users (user_id)`,
  `CREATE TABLE learner_note_entries (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     note_id    text NOT NULL REFERENCES learner_notes (id) ON DELETE CASCADE,
     body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
     visible    boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX learner_note_entries_note_idx ON learner_note_entries (note_id, created_at)`,
  // updated_at kept by the trigger of 0001, like every other table.
  ...["learner_notes", "learner_note_entries"].map((table) =>
    `CREATE TRIGGER ${table}_touch_updated_at BEFORE UPDATE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION gafus_touch_updated_at()`
  ),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE learner_note_entries`).execute(db);
  await sql.raw(`DROP TABLE learner_note_users`).execute(db);
  await sql.raw(`DROP TABLE learner_notes`).execute(db);
}
