/**
 * 0025 — the daily clean-up deletes refresh tokens some days after they
 * expired or were revoked (core/auth/tokens.ts `pruneRefreshTokens`, run by
 * the `maintenance` job). Expiry has its index (0021); this one finds the
 * revoked rows without reading the live ones.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(
    `CREATE INDEX refresh_tokens_revoked_idx ON refresh_tokens (revoked_at)
       WHERE revoked_at IS NOT NULL`,
  ).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP INDEX refresh_tokens_revoked_idx`).execute(db);
}
