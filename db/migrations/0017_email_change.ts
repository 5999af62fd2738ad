/**
 * 0017 — confirming a new email address before it replaces the old one
 * (core/auth/email_change.ts). A row per pending change: the address asked
 * for, the SHA-256 of the link's token (the token itself is never stored),
 * when it stops working and when it was used. The address is not reserved
 * here: uniqueness is checked again (case-insensitively) when the link is
 * opened, against `users_email_lower_key`.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE email_change_tokens (
     id         text PRIMARY KEY,
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     new_email  text NOT NULL CHECK (length(new_email) <= 254 AND position('@' IN new_email) > 1),
     token_hash text NOT NULL UNIQUE,
     expires_at timestamptz NOT NULL,
     used_at    timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX email_change_tokens_user_idx ON email_change_tokens (user_id, created_at DESC)`,
  `CREATE INDEX email_change_tokens_expires_idx ON email_change_tokens (expires_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE email_change_tokens`).execute(db);
}
