/**
 * Idempotency keys: each learner action sent with an `Idempotency-Key` is
 * done once per user and key (table `idempotency_keys`, migration 0020).
 *
 * - The first request claims the key (with a hash of what it asks) and,
 *   once answered, stores the answer's status and body.
 * - A replay with the same request gets the stored answer back and changes
 *   nothing; the same key with a different request is refused (422).
 * - A replay while the first request still runs is asked to retry (409
 *   `idempotency_in_progress`, Retry-After); a claim left unanswered (the
 *   process died) is taken over once it is `STALE_CLAIM_MS` old.
 * - Answers worth repeating are stored: successes and refusals (4xx); a
 *   server error or a rate limit releases the key so a retry runs again.
 * - Keys are per user (another user's identical key is unrelated) and kept
 *   `KEY_TTL_DAYS` days; the maintenance job deletes older ones.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { JsonValue } from "@/db/schema.ts";
import { json } from "@/db/connection.ts";
import type { Services } from "../services.ts";
import { AppError } from "../app_error.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const KEY_TTL_DAYS = 7;
export const STALE_CLAIM_MS = 60_000;

/** A uuid, or any client's token of 8–100 URL-safe characters. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, {
  error: "offline.error.key",
});

export type Claim =
  | { kind: "run" }
  | { kind: "replay"; status: number; body: JsonValue };

/** Sorted keys at every level, so two serializations of one request hash the same. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>).sort().map((
        k,
      ) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** The fingerprint of a request: what it addresses and its JSON body. */
export async function requestHash(target: string, body: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(`${target}\n${JSON.stringify(canonical(body))}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Claims `key` for a request of `userId` (see the rules above): `run` when
 * this request is to do the work, `replay` with the stored answer otherwise.
 */
export async function claimKey(
  s: Pick<Services, "db">,
  userId: string,
  key: string,
  hash: string,
  now = new Date(),
): Promise<Claim> {
  const inserted = await s.db.insertInto("idempotency_keys")
    .values({ user_id: userId, key, request_hash: hash, response: null, locked_at: now })
    .onConflict((oc) => oc.columns(["user_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  if (inserted) return { kind: "run" };
  const row = await s.db.selectFrom("idempotency_keys")
    .select(["request_hash", "status", "response", "locked_at"])
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .executeTakeFirst();
  // Deleted between our insert and select (released after a server error): claim again.
  if (!row) return await claimKey(s, userId, key, hash, now);
  if (row.request_hash !== hash) {
    throw new AppError(422, "idempotency_key_reused", "offline.error.keyReused");
  }
  if (row.status !== null) return { kind: "replay", status: row.status, body: row.response };
  // Unanswered: still running, or left behind by a process that died.
  const taken = await s.db.updateTable("idempotency_keys")
    .set({ locked_at: now })
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .where("status", "is", null)
    .where("locked_at", "<", new Date(now.getTime() - STALE_CLAIM_MS))
    .returning("key")
    .executeTakeFirst();
  if (taken) return { kind: "run" };
  throw new AppError(409, "idempotency_in_progress", "offline.error.inProgress", {
    headers: { "retry-after": "1" },
  });
}

/** Stores the answer of a claimed key: replays get exactly this back. */
export async function storeAnswer(
  s: Pick<Services, "db">,
  userId: string,
  key: string,
  status: number,
  body: JsonValue,
): Promise<void> {
  await s.db.updateTable("idempotency_keys")
    .set({ status, response: json(body), completed_at: new Date() })
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .execute();
}

/** Gives a claimed key up (the request failed on our side): a retry runs again. */
export async function releaseKey(
  s: Pick<Services, "db">,
  userId: string,
  key: string,
): Promise<void> {
  await s.db.deleteFrom("idempotency_keys")
    .where("user_id", "=", userId)
    .where("key", "=", key)
    .where("status", "is", null)
    .execute();
}

/** Deletes keys older than `KEY_TTL_DAYS` (maintenance); returns how many. */
export async function pruneIdempotencyKeys(
  s: Pick<Services, "db">,
  now = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - KEY_TTL_DAYS * 24 * 3600_000);
  const { rows } = await sql<{ n: number }>`
    WITH d AS (DELETE FROM idempotency_keys WHERE created_at < ${cutoff} RETURNING 1)
    SELECT count(*)::int AS n FROM d
  `.execute(s.db);
  return rows[0]?.n ?? 0;
}
