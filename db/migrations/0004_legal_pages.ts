/**
 * 0004 — legal pages (privacy policy, terms, consent to personal data
 * processing) as Markdown per language, edited by an admin in the ops
 * console. No rows at first: until an admin saves a page, the default text
 * in core/legal/defaults.ts is shown, so a fresh install has complete pages.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(
    `CREATE TABLE legal_pages (
       slug text NOT NULL CHECK (slug IN ('privacy', 'terms', 'consent')),
       locale text NOT NULL CHECK (locale IN ('ru', 'en')),
       body text NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
       updated_at timestamptz NOT NULL DEFAULT now(),
       updated_by text REFERENCES users (id) ON DELETE SET NULL,
       PRIMARY KEY (slug, locale)
     )`,
  ).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE legal_pages`).execute(db);
}
