/**
 * The two tokens a campaign message carries.
 *
 * - Unsubscribe: `<base64url(payload)>.<mac>`, the payload naming the user
 *   and the purpose, the MAC an HMAC-SHA256 with a key derived from the
 *   session secret (cut to 128 bits). No expiry: a message read months later
 *   must still stop the next one. The token is the authorisation, so the
 *   one-click POST needs no session and no CSRF token.
 * - Click: an opaque token per campaign and level, derived the same way so
 *   a retried send builds the same link (the message it already sent keeps
 *   working). It says nothing about where it leads: the target is looked up.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { fromBase64Url, toBase64Url } from "@/platform/encoding.ts";
import type { Config } from "@/platform/config.ts";

type Secrets = Pick<Config, "secrets">;

const UNSUBSCRIBE_PURPOSE = "news";
const MAC_BYTES = 16;
const MAX_TOKEN = 200;

function mac(config: Secrets, domain: string, data: string): Uint8Array {
  return new Uint8Array(
    createHmac("sha256", `${domain}:${config.secrets.session}`).update(data).digest(),
  ).subarray(0, MAC_BYTES);
}

/** The signed unsubscribe token of a user (from campaign messages). */
export function unsubscribeToken(config: Secrets, userId: string): string {
  const payload = `${UNSUBSCRIBE_PURPOSE}:${userId}`;
  const body = toBase64Url(new TextEncoder().encode(payload));
  return `${body}.${toBase64Url(mac(config, "unsubscribe", payload))}`;
}

/** The user id of a valid unsubscribe token, or null (malformed, forged, another purpose). */
export function verifyUnsubscribeToken(config: Secrets, token: string): string | null {
  if (token.length > MAX_TOKEN || !/^[\w-]+\.[\w-]+$/.test(token)) return null;
  const [body, sig] = token.split(".");
  let payload: string;
  let given: Uint8Array;
  try {
    payload = new TextDecoder("utf-8", { fatal: true }).decode(fromBase64Url(body));
    given = fromBase64Url(sig);
  } catch {
    return null;
  }
  const expected = mac(config, "unsubscribe", payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const sep = payload.indexOf(":");
  if (sep < 0 || payload.slice(0, sep) !== UNSUBSCRIBE_PURPOSE) return null;
  const userId = payload.slice(sep + 1);
  return userId.length > 0 && userId.length <= 64 ? userId : null;
}

/** The tracking token of one campaign message (stable across retries of its send). */
export function clickToken(config: Secrets, campaignId: string, level: number): string {
  return toBase64Url(mac(config, "reengagement-click", `${campaignId}:${level}`));
}

/** Whether a string could be a click token at all (spares the database junk lookups). */
export function isClickToken(token: string): boolean {
  return /^[\w-]{22}$/.test(token);
}
