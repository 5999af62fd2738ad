/**
 * 0022 — the admin's web console (core/audit.ts, core/broadcasts.ts):
 *
 * - audit_log: who (actor id and name, kept as text: the actor may be
 *   deleted later and the entry must still say who it was), what (`action`,
 *   `details`), about whom (`target_user_id`, no foreign key for the same
 *   reason: the entry of a deletion outlives the user), and when.
 * - broadcasts: a message to a segment of learners, its texts per language,
 *   and its progress (`cursor`: the last user id sent to, so a restarted job
 *   resumes there; `sent` of `total`).
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE audit_log (
     id text PRIMARY KEY,
     actor_id text,
     actor_name text NOT NULL,
     action text NOT NULL CHECK (length(action) <= 64),
     target_user_id text,
     details jsonb NOT NULL DEFAULT '{}'::jsonb,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX audit_log_target_idx ON audit_log (target_user_id, id DESC)`,

  `CREATE TABLE broadcasts (
     id text PRIMARY KEY,
     created_by text REFERENCES users (id) ON DELETE SET NULL,
     segment jsonb NOT NULL,
     title_ru text,
     body_ru text,
     title_en text,
     body_en text,
     url text,
     status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'done')),
     total integer NOT NULL DEFAULT 0,
     sent integer NOT NULL DEFAULT 0,
     cursor text NOT NULL DEFAULT '',
     created_at timestamptz NOT NULL DEFAULT now(),
     confirmed_at timestamptz,
     finished_at timestamptz,
     CHECK (title_ru IS NOT NULL OR title_en IS NOT NULL)
   )`,
  `CREATE INDEX broadcasts_created_idx ON broadcasts (created_at DESC)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const stmt of [`DROP TABLE broadcasts`, `DROP TABLE audit_log`]) {
    await sql.raw(stmt).execute(db);
  }
}
