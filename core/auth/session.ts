/**
 * Sessions: a jose-signed JWT (HS256) carrying the user id and the user's
 * `session_version`. Changing the password or "log out everywhere" bumps the
 * version in the database, so every older token stops working on its next
 * request, on every server.
 */
import { jwtVerify, SignJWT } from "jose";
import type { Services } from "../services.ts";
import type { SessionUser } from "./session_user.ts";
import { isLocale } from "../i18n/mod.ts";
import { randomToken, sha256Hex } from "@/platform/encoding.ts";
import { prepared } from "@/db/prepared.ts";

export const SESSION_TTL_SEC = 30 * 24 * 3600;
const ISSUER = "gafus";
const AUDIENCE = "gafus-web";

const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The signing key for sessions, derived from SESSION_SECRET and imported
 * once: handing jose raw bytes would import the key again on every request.
 */
function sessionKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(`session:${secret}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

export interface SessionClaims {
  userId: string;
  sessionVersion: number;
  issuedAt: number;
  expiresAt: number;
}

export async function createSessionToken(
  s: Services,
  user: { id: string; sessionVersion: number },
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return await new SignJWT({ sv: user.sessionVersion })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SEC)
    // Unique per sign-in: two sessions begun in the same second must differ,
    // or signing one out (revocation by token) would end the other.
    .setJti(randomToken(12))
    .sign(await sessionKey(s.config.secrets.session));
}

/** The claims of a valid, unexpired token, or null. */
export async function verifySessionToken(
  s: Services,
  token: string,
): Promise<SessionClaims | null> {
  return (await verifiedToken(s, token))?.claims ?? null;
}

interface Verified {
  claims: SessionClaims;
  /** Where a sign-out of this token is recorded (hashing it costs as much as the check). */
  revokedKey: Deno.KvKey;
}

/**
 * Tokens whose signature checked out, per secret. A signature check is a pure
 * function of the token and the secret, so a browser's next request skips the
 * HMAC and the hash; what can change (version, revocation, a disabled
 * account) is still read on every request. Oldest entries leave first.
 */
const verifiedTokens = new Map<string, Map<string, Verified>>();
const MAX_VERIFIED = 10_000;

async function verifiedToken(s: Services, token: string): Promise<Verified | null> {
  const secret = s.config.secrets.session;
  let known = verifiedTokens.get(secret);
  if (!known) verifiedTokens.set(secret, known = new Map());
  const hit = known.get(token);
  if (hit) {
    if (hit.claims.expiresAt * 1000 > Date.now()) return hit;
    known.delete(token);
    return null;
  }
  const claims = await verifyJwt(secret, token);
  if (!claims) return null;
  const entry: Verified = { claims, revokedKey: await revokedKey(token) };
  if (known.size >= MAX_VERIFIED) known.delete(known.keys().next().value!);
  known.set(token, entry);
  return entry;
}

async function verifyJwt(secret: string, token: string): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await sessionKey(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    if (typeof payload.sub !== "string" || typeof payload.sv !== "number") return null;
    return {
      userId: payload.sub,
      sessionVersion: payload.sv,
      issuedAt: payload.iat ?? 0,
      expiresAt: payload.exp ?? 0,
    };
  } catch {
    return null;
  }
}

/**
 * The user a session token stands for: valid signature, not expired, the
 * account exists and is not disabled, and the token's version is current.
 */
export async function loadSessionUser(s: Services, token: string): Promise<SessionUser | null> {
  const verified = await verifiedToken(s, token);
  if (!verified) return null;
  const { claims } = verified;
  // The revocation check runs beside the user lookup, so it adds no wait.
  const [user, revoked] = await Promise.all([
    currentSessionUser(s, claims.userId, claims.sessionVersion),
    s.kv.get(verified.revokedKey).then((r) => r.value !== null),
  ]);
  return revoked ? null : user;
}

// Prepared: every signed-in request asks it.
const sessionUserRow = prepared((db, p: { userId: string }) =>
  db.selectFrom("users")
    .select(["id", "username", "role", "locale", "time_zone", "session_version", "disabled_at"])
    .where("id", "=", p.userId)
);

/**
 * The user a credential issued for `sessionVersion` stands for: the account
 * exists, is not disabled, and its version is still that one. Cookie
 * sessions and the API's bearer tokens both ask this on every request.
 */
export async function currentSessionUser(
  s: Services,
  userId: string,
  sessionVersion: number,
): Promise<SessionUser | null> {
  const [row] = await sessionUserRow(s.db, { userId });
  if (!row || row.disabled_at !== null || row.session_version !== sessionVersion) return null;
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    locale: isLocale(row.locale) ? row.locale : "ru",
    timeZone: row.time_zone,
    sessionVersion: row.session_version,
  };
}

/**
 * Marks every live refresh token of a user revoked (the token API's logins).
 * Called wherever the session version is bumped; the version check at
 * refresh would refuse them anyway, this makes it visible in the table.
 */
export async function revokeRefreshTokens(
  db: Services["db"],
  userId: string,
): Promise<void> {
  await db.updateTable("refresh_tokens")
    .set({ revoked_at: new Date() })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
}

/** Revokes every session of a user (password change, "log out everywhere", disable). */
export async function bumpSessionVersion(s: Services, userId: string): Promise<number> {
  const row = await s.db.updateTable("users")
    .set((eb) => ({ session_version: eb("session_version", "+", 1) }))
    .where("id", "=", userId)
    .returning("session_version")
    .executeTakeFirstOrThrow();
  await revokeRefreshTokens(s.db, userId);
  return row.session_version;
}

/** KV key of a signed-out token: its hash (the token itself is a credential). */
async function revokedKey(token: string): Promise<Deno.KvKey> {
  return ["session_revoked", await sha256Hex(token)];
}

/**
 * Signing out ends this session on the server too: a copy of the cookie
 * stops working. The mark expires with the token, so nothing piles up.
 */
export async function revokeSessionToken(s: Services, token: string): Promise<void> {
  const verified = await verifiedToken(s, token);
  if (!verified) return;
  const ttlMs = verified.claims.expiresAt * 1000 - Date.now();
  if (ttlMs <= 0) return;
  await s.kv.set(verified.revokedKey, true, { expireIn: ttlMs + 60_000 });
}
