/**
 * VAPID (RFC 8292): the application server proves to the push service that
 * it holds the key the subscription was created with. Each request carries
 *
 *   Authorization: vapid t=<ES256 JWT>, k=<public key, base64url>
 *
 * with the JWT claims `aud` (the push service's origin), `exp` (at most 24 h
 * ahead) and `sub` (a contact: mailto: or https:).
 *
 * Tokens are cached per push-service origin and reused while at least an
 * hour of validity remains: a burst of pushes to one service signs once.
 */
import { toBase64Url } from "@/platform/encoding.ts";
import { decodeBase64Url, importP256Private, isUncompressedPoint } from "./keys.ts";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** Lifetime of a token; RFC 8292 allows at most 24 hours. */
export const VAPID_TOKEN_TTL_SEC = 12 * 3600;
/** A cached token is used only while it stays valid at least this long. */
const MIN_REMAINING_SEC = 3600;
const MAX_CACHED = 200;

const enc = new TextEncoder();
const signingKeys = new Map<string, Promise<CryptoKey>>();
const tokens = new Map<string, { token: string; exp: number }>();

function signingKey(keys: VapidKeys): Promise<CryptoKey> {
  const cacheKey = `${keys.publicKey}:${keys.privateKey}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const raw = decodeBase64Url(keys.publicKey);
    if (!raw || !isUncompressedPoint(raw)) {
      return Promise.reject(new Error("VAPID public key is not an uncompressed P-256 point"));
    }
    key = importP256Private(keys.privateKey, raw, "ECDSA");
    // A failed import (mismatched pair) is not cached, so a fixed config can recover.
    key.catch(() => signingKeys.delete(cacheKey));
    signingKeys.set(cacheKey, key);
  }
  return key;
}

/** The `aud` claim for an endpoint: its origin (scheme, host and a non-default port). */
export function audienceOf(endpoint: string): string {
  return new URL(endpoint).origin;
}

/** Signs a fresh VAPID JWT for a push service origin. */
export async function signVapidToken(
  keys: VapidKeys,
  audience: string,
  exp: number,
): Promise<string> {
  const header = toBase64Url(enc.encode(JSON.stringify({ typ: "JWT", alg: "ES256" })));
  const claims = toBase64Url(enc.encode(JSON.stringify({ aud: audience, exp, sub: keys.subject })));
  const input = `${header}.${claims}`;
  // WebCrypto's ECDSA signature is r ‖ s (64 bytes): exactly the JWS ES256 form.
  const signature = new Uint8Array(
    await crypto.subtle.sign(
      { name: "ECDSA", hash: "SHA-256" },
      await signingKey(keys),
      enc.encode(input),
    ),
  );
  return `${input}.${toBase64Url(signature)}`;
}

/** The `Authorization` header value for a request to `endpoint`. */
export async function vapidAuthorization(
  endpoint: string,
  keys: VapidKeys,
  nowMs = Date.now(),
): Promise<string> {
  const audience = audienceOf(endpoint);
  const now = Math.floor(nowMs / 1000);
  const cacheKey = `${keys.publicKey}|${keys.subject}|${audience}`;
  let entry = tokens.get(cacheKey);
  if (!entry || entry.exp - now < MIN_REMAINING_SEC) {
    const exp = now + VAPID_TOKEN_TTL_SEC;
    entry = { token: await signVapidToken(keys, audience, exp), exp };
    if (tokens.size >= MAX_CACHED) tokens.clear();
    tokens.set(cacheKey, entry);
  }
  return `vapid t=${entry.token}, k=${keys.publicKey}`;
}
