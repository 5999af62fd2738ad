/**
 * 0021 — refresh tokens of the token API (core/auth/tokens.ts). Every login
 * through `/api/v1/auth/token` starts a family; each refresh spends one row
 * (`used_at`) and adds the next one to the same family. A spent row presented
 * again means the token was copied: the whole family is revoked. Only a
 * SHA-256 of the token is kept (the token is a credential). `session_version`
 * is the user's version at login, so a password change or "log out
 * everywhere" ends the family even before its rows are marked.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE refresh_tokens (
     id              text PRIMARY KEY,
     user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     family_id       text NOT NULL,
     token_hash      text NOT NULL UNIQUE,
     session_version integer NOT NULL,
     expires_at      timestamptz NOT NULL,
     used_at         timestamptz,
     revoked_at      timestamptz,
     created_at      timestamptz NOT NULL DEFAULT now(),
     user_agent      text
   )`,
  `CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`,
  // Revoking every family of a user touches only the live rows.
  `CREATE INDEX refresh_tokens_user_live_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL`,
  // Expired rows are pruned by expiry.
  `CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE refresh_tokens`).execute(db);
}
