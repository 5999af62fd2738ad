/**
 * The token API's credentials (for mobile and other non-browser clients).
 *
 * - An **access token** is a jose-signed JWT (HS256, a key derived from
 *   SESSION_SECRET but not the session key) that lives 15 minutes and names
 *   the user, the user's session version, the login it belongs to (its
 *   family) and its type. Checking one needs no database row of its own:
 *   the user's current version and state (`currentSessionUser`, the same
 *   check cookie sessions get) and a KV marker of revoked families.
 * - A **refresh token** is an opaque random string, stored only as a hash
 *   (`refresh_tokens`, migration 0021). Each one is good for one refresh,
 *   which spends it and hands out the next pair in the same family. A spent
 *   token presented again means two parties hold it: the whole family is
 *   revoked and the caller refused, so a stolen token works at most until
 *   the rightful app refreshes.
 *
 * Logout revokes the family; a password change or reset, "log out
 * everywhere" and disabling an account bump the session version, which
 * refuses every access token and refresh token issued before.
 */
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "./session_user.ts";
import { AppError } from "../app_error.ts";
import { currentSessionUser } from "./session.ts";
import { enforce, RATE_RULES } from "../rate_limit.ts";
import { randomToken, sha256Hex } from "@/platform/encoding.ts";
import { newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";

export const ACCESS_TTL_SEC = 15 * 60;
export const REFRESH_TTL_SEC = 30 * 24 * 3600;
const ISSUER = "gafus";
const AUDIENCE = "gafus-api";
const ACCESS_TYP = "access";

/** A bearer token that is missing its mark: bad signature, expired, revoked (→ 401). */
export class InvalidTokenError extends AppError {
  constructor() {
    super(401, "invalid_token", "api.token.invalid", {
      // RFC 6750: tells the client to refresh (or sign in again).
      headers: { "www-authenticate": 'Bearer error="invalid_token"' },
      message: "invalid or expired access token",
    });
    this.name = "InvalidTokenError";
  }
}

/** A refresh token that cannot be exchanged: unknown, spent, expired, revoked (→ 401). */
export class InvalidRefreshTokenError extends AppError {
  constructor(why: string) {
    super(401, "invalid_grant", "api.refresh.invalid", { message: `refresh refused: ${why}` });
    this.name = "InvalidRefreshTokenError";
  }
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The access-token key, imported once per secret (a different label than sessions'). */
function accessKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(`api-access:${secret}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

export interface AccessClaims {
  userId: string;
  sessionVersion: number;
  /** The login (refresh-token family) the token was issued for. */
  familyId: string;
  issuedAt: number;
  expiresAt: number;
}

export async function signAccessToken(
  s: Services,
  claims: { userId: string; sessionVersion: number; familyId: string },
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return await new SignJWT({ sv: claims.sessionVersion, fid: claims.familyId, typ: ACCESS_TYP })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TTL_SEC)
    .sign(await accessKey(s.config.secrets.session));
}

/**
 * Signatures already checked, per secret: a mobile app sends the same token
 * for 15 minutes, and the check is a pure function of token and secret.
 * Expiry is compared on every use. Oldest entries leave first.
 */
const verified = new Map<string, Map<string, AccessClaims>>();
const MAX_VERIFIED = 10_000;

/** The claims of a well-signed, unexpired access token, or null. */
export async function verifyAccessToken(
  s: Services,
  token: string,
  now = Date.now(),
): Promise<AccessClaims | null> {
  const secret = s.config.secrets.session;
  let known = verified.get(secret);
  if (!known) verified.set(secret, known = new Map());
  let claims = known.get(token);
  if (!claims) {
    const checked = await verifyJwt(secret, token, now);
    if (!checked) return null;
    claims = checked;
    if (known.size >= MAX_VERIFIED) known.delete(known.keys().next().value!);
    known.set(token, claims);
  }
  return claims.expiresAt * 1000 > now ? claims : null;
}

async function verifyJwt(secret: string, token: string, now: number): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await accessKey(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
      currentDate: new Date(now),
    });
    if (
      payload.typ !== ACCESS_TYP || typeof payload.sub !== "string" ||
      typeof payload.sv !== "number" || typeof payload.fid !== "string"
    ) return null;
    return {
      userId: payload.sub,
      sessionVersion: payload.sv,
      familyId: payload.fid,
      issuedAt: payload.iat ?? 0,
      expiresAt: payload.exp ?? 0,
    };
  } catch {
    return null;
  }
}

/** KV marker of a revoked family: it only has to outlive the family's last access token. */
function familyRevokedKey(familyId: string): Deno.KvKey {
  return ["token_family_revoked", familyId];
}

/**
 * The user a bearer token stands for, or null: a valid, unexpired token of
 * a family not revoked, for an account that exists, is enabled and still has
 * the token's session version.
 */
export async function authenticateAccessToken(
  s: Services,
  token: string,
  now = Date.now(),
): Promise<{ user: SessionUser; claims: AccessClaims } | null> {
  const claims = await verifyAccessToken(s, token, now);
  if (!claims) return null;
  const [user, revoked] = await Promise.all([
    currentSessionUser(s, claims.userId, claims.sessionVersion),
    s.kv.get(familyRevokedKey(claims.familyId)).then((r) => r.value !== null),
  ]);
  return user && !revoked ? { user, claims } : null;
}

/** Counts one API call of a login under the per-family budget (→ 429 over it). */
export async function countApiCall(s: Services, claims: AccessClaims): Promise<void> {
  await enforce(s.kv, RATE_RULES.apiTokenFamily, claims.familyId);
}

export const tokenPairSchema = z.object({
  tokenType: z.literal("Bearer"),
  accessToken: z.string().describe("Send as `Authorization: Bearer <accessToken>`"),
  expiresIn: z.number().int().describe("Seconds the access token lives"),
  refreshToken: z.string().describe("One use: exchange at /api/v1/auth/refresh"),
  refreshExpiresIn: z.number().int().describe("Seconds the refresh token stays usable"),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

export interface TokenMeta {
  userAgent?: string | null;
}

async function insertRefreshToken(
  s: Services,
  row: { userId: string; familyId: string; sessionVersion: number },
  meta: TokenMeta,
  now: number,
): Promise<string> {
  const token = randomToken(32);
  await s.db.insertInto("refresh_tokens").values({
    id: newId(now),
    user_id: row.userId,
    family_id: row.familyId,
    token_hash: await sha256Hex(token),
    session_version: row.sessionVersion,
    expires_at: new Date(now + REFRESH_TTL_SEC * 1000),
    user_agent: meta.userAgent?.slice(0, 500) || null,
  }).execute();
  return token;
}

async function pair(
  s: Services,
  user: { id: string; sessionVersion: number },
  familyId: string,
  meta: TokenMeta,
  now: number,
): Promise<TokenPair> {
  const [accessToken, refreshToken] = await Promise.all([
    signAccessToken(s, { userId: user.id, sessionVersion: user.sessionVersion, familyId }, now),
    insertRefreshToken(
      s,
      { userId: user.id, familyId, sessionVersion: user.sessionVersion },
      meta,
      now,
    ),
  ]);
  return {
    tokenType: "Bearer",
    accessToken,
    expiresIn: ACCESS_TTL_SEC,
    refreshToken,
    refreshExpiresIn: REFRESH_TTL_SEC,
  };
}

/**
 * Tokens for a user who just proved who they are (login or registration):
 * a new family. The user's expired rows are pruned here, so the table
 * stays the size of its live logins.
 */
export async function issueTokens(
  s: Services,
  user: { id: string; sessionVersion: number },
  meta: TokenMeta = {},
  now = Date.now(),
): Promise<TokenPair> {
  await s.db.deleteFrom("refresh_tokens")
    .where("user_id", "=", user.id)
    .where("expires_at", "<", new Date(now))
    .execute();
  const familyId = newId(now);
  log.info("api tokens issued", { userId: user.id, familyId });
  return await pair(s, user, familyId, meta, now);
}

/**
 * Days a refresh token's row outlives its expiry or revocation: long enough
 * to look into a reuse, after which it can only answer "unknown" — the same
 * 401 as "expired" or "revoked". Spent rows still in date stay: presenting
 * one again is what reveals a copied token.
 */
export const REFRESH_PRUNE_AFTER_DAYS = 7;

/**
 * Deletes refresh tokens expired or revoked more than
 * `REFRESH_PRUNE_AFTER_DAYS` ago (the daily `maintenance` job). Returns how
 * many.
 */
export async function pruneRefreshTokens(
  s: Pick<Services, "db">,
  now = Date.now(),
): Promise<number> {
  const cutoff = new Date(now - REFRESH_PRUNE_AFTER_DAYS * 86_400_000);
  const res = await s.db.deleteFrom("refresh_tokens")
    .where((eb) => eb.or([eb("expires_at", "<", cutoff), eb("revoked_at", "<", cutoff)]))
    .executeTakeFirst();
  const n = Number(res.numDeletedRows);
  if (n) log.info("refresh tokens pruned", { deleted: n });
  return n;
}

export const refreshSchema = z.object({
  refreshToken: z.string().min(1, { error: "validation.required" }).max(200),
});

/**
 * Exchanges a refresh token for a new pair, spending it. A spent token
 * presented again revokes its whole family; every refusal is the same 401.
 */
export async function refreshTokens(
  s: Services,
  input: z.input<typeof refreshSchema>,
  meta: TokenMeta & { ip: string },
  now = Date.now(),
): Promise<TokenPair> {
  const data = refreshSchema.parse(input);
  await enforce(s.kv, RATE_RULES.refreshIp, meta.ip, now);
  const row = await s.db.selectFrom("refresh_tokens")
    .select([
      "id",
      "user_id",
      "family_id",
      "session_version",
      "expires_at",
      "used_at",
      "revoked_at",
    ])
    .where("token_hash", "=", await sha256Hex(data.refreshToken))
    .executeTakeFirst();
  if (!row) throw new InvalidRefreshTokenError("unknown");
  if (row.revoked_at !== null) throw new InvalidRefreshTokenError("revoked");
  if (row.used_at !== null) {
    await revokeReused(s, row, now);
    throw new InvalidRefreshTokenError("reused");
  }
  if (row.expires_at.getTime() <= now) throw new InvalidRefreshTokenError("expired");
  const user = await currentSessionUser(s, row.user_id, row.session_version);
  if (!user) {
    await revokeFamily(s, row.family_id, now);
    throw new InvalidRefreshTokenError("session ended");
  }
  // Spent only if nobody spent it meanwhile: two refreshes racing with one
  // token are a reuse as much as one after the other.
  const spent = await s.db.updateTable("refresh_tokens")
    .set({ used_at: new Date(now) })
    .where("id", "=", row.id)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  if (!spent) {
    await revokeReused(s, row, now);
    throw new InvalidRefreshTokenError("reused");
  }
  return await pair(s, user, row.family_id, meta, now);
}

async function revokeReused(
  s: Services,
  row: { user_id: string; family_id: string },
  now: number,
): Promise<void> {
  log.warn("refresh token reused: family revoked", {
    userId: row.user_id,
    familyId: row.family_id,
  });
  await revokeFamily(s, row.family_id, now);
}

/**
 * Ends one login of the token API: its refresh tokens are revoked in the
 * database and its access tokens refused from now on (KV marker).
 */
export async function revokeFamily(s: Services, familyId: string, now = Date.now()): Promise<void> {
  await Promise.all([
    s.db.updateTable("refresh_tokens")
      .set({ revoked_at: new Date(now) })
      .where("family_id", "=", familyId)
      .where("revoked_at", "is", null)
      .execute(),
    s.kv.set(familyRevokedKey(familyId), true, { expireIn: ACCESS_TTL_SEC * 1000 + 60_000 }),
  ]);
}
