/**
 * Rate limits in Deno KV: a fixed window per key. The counter for the
 * current window lives at `["rate", rule, id, windowStart]` and expires with
 * the window, so nothing has to clean up. Increments are optimistic atomic
 * commits (check the versionstamp, write count + 1), safe with concurrent
 * requests and across processes that share the KV store.
 */
import type { Translator } from "./i18n/mod.ts";
import { AppError } from "./app_error.ts";
export interface RateRule {
  /** Part of the KV key; also shows in logs. */
  name: string;
  /** Attempts allowed per window. */
  limit: number;
  windowMs: number;
  /** The id is a client address: counted per network (see `ipKey`). */
  perIp?: boolean;
}

const MIN = 60_000;

/** The limits of the account flows (per IP and per account, mostly 15-minute windows). */
export const RATE_RULES = {
  /**
   * Failed sign-ins. Only failures count (a success gives its attempt back
   * and clears the account's count), so people behind one NAT, a carrier or
   * an office do not lock each other out by signing in. The address ceiling
   * is higher than the account one: many accounts share an address.
   */
  loginFailuresIp: { name: "login-fail-ip", limit: 30, windowMs: 15 * MIN, perIp: true },
  loginFailuresAccount: { name: "login-fail-account", limit: 10, windowMs: 15 * MIN },
  /**
   * Registrations per address: an office or a class can sign up twenty
   * people in an hour; a flood is cut to that pace and a daily ceiling.
   */
  registerIp: { name: "register-ip", limit: 20, windowMs: 60 * MIN, perIp: true },
  registerIpDay: { name: "register-ip-day", limit: 60, windowMs: 24 * 60 * MIN, perIp: true },
  resetIp: { name: "reset-ip", limit: 5, windowMs: 15 * MIN, perIp: true },
  resetAccount: { name: "reset-account", limit: 5, windowMs: 15 * MIN },
  /** Setting a new password from a reset link (guessing tokens is hopeless, but cheap to cap). */
  resetConfirmIp: { name: "reset-confirm-ip", limit: 10, windowMs: 15 * MIN, perIp: true },
  /** Settings actions that check the current password (a stolen session must not guess it). */
  passwordCheck: { name: "password-check", limit: 10, windowMs: 15 * MIN },
  /** Confirmation mails to a new address (asking and resending), per user. */
  emailChangeSend: { name: "email-change-send", limit: 5, windowMs: 60 * MIN },
  /** Confirming an address from the mailed link (guessing tokens is hopeless, but cheap to cap). */
  emailConfirmIp: { name: "email-confirm-ip", limit: 20, windowMs: 15 * MIN, perIp: true },
  /** The live username check in settings (debounced typing). */
  usernameCheck: { name: "username-check", limit: 60, windowMs: MIN },
  /**
   * Token API calls per login (access-token family) per minute: an app
   * syncing a course makes bursts of calls, a runaway loop or a stolen
   * token is cut to this pace.
   */
  apiTokenFamily: { name: "api-token-family", limit: 300, windowMs: MIN },
  /** Refreshes per address (tokens are unguessable; this caps a loop). */
  refreshIp: { name: "refresh-ip", limit: 60, windowMs: MIN, perIp: true },
} as const satisfies Record<string, RateRule>;

export interface RateResult {
  allowed: boolean;
  /** Attempts counted in this window, this one included. */
  count: number;
  remaining: number;
  /** Seconds until the window ends (when a refused client may try again). */
  retryAfterSec: number;
}

/** The `Retry-After` header: the one place it is spelled (seconds, at least 1). */
export function retryAfterHeaders(seconds: number): Record<string, string> {
  return { "retry-after": String(Math.max(1, Math.ceil(seconds))) };
}

/** Thrown by `enforce` when a key is over its limit (→ 429 with Retry-After). */
export class RateLimitedError extends AppError {
  constructor(readonly rule: string, readonly retryAfterSec: number) {
    super(429, "rate_limited", "auth.rateLimited", {
      // Headers any answer to this error carries (a form and the error page too).
      headers: retryAfterHeaders(retryAfterSec),
      fields: { _form: "auth.rateLimited" },
      message: `rate limit ${rule} exceeded`,
    });
    this.name = "RateLimitedError";
  }

  /** "Try again in N minutes": the wait is a plural, so it is put into words here. */
  override describe(t: Translator): string {
    const minutes = Math.max(1, Math.ceil(this.retryAfterSec / 60));
    return t("auth.rateLimited", { wait: t.plural("minutes", minutes) });
  }

  override fieldMessages(t: Translator): Record<string, string> {
    return { _form: this.describe(t) };
  }
}

const MAX_TRIES = 20;

/**
 * The part of a client address that identifies one client for limits: an
 * IPv6 client usually holds a whole /64 and could rotate through it, so IPv6
 * counts per /64; an IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(":")) return ip;
  const [head, tail = ""] = ip.toLowerCase().split("%")[0].split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return groups.slice(0, 4).map((g) => (parseInt(g || "0", 16) || 0).toString(16)).join(":") +
    "::/64";
}

/**
 * Counts one attempt for `id` under `rule`. Over the limit, the attempt is
 * refused and not counted (a refused client cannot push the window further).
 */
export async function hit(
  kv: Deno.Kv,
  rule: RateRule,
  id: string,
  now = Date.now(),
): Promise<RateResult> {
  if (rule.perIp) id = ipKey(id);
  const windowStart = now - (now % rule.windowMs);
  const retryAfterSec = Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000));
  const key: Deno.KvKey = ["rate", rule.name, id, windowStart];
  for (let i = 0; i < MAX_TRIES; i++) {
    const cur = await kv.get<number>(key);
    const count = cur.value ?? 0;
    if (count >= rule.limit) {
      return { allowed: false, count, remaining: 0, retryAfterSec };
    }
    const res = await kv.atomic()
      .check(cur)
      // The entry outlives its window a little, so a clock step cannot revive it.
      .set(key, count + 1, { expireIn: windowStart + rule.windowMs - now + 1000 })
      .commit();
    if (res.ok) {
      return {
        allowed: true,
        count: count + 1,
        remaining: rule.limit - count - 1,
        retryAfterSec,
      };
    }
  }
  // Heavy contention on one key is itself a sign of abuse: refuse.
  return { allowed: false, count: rule.limit, remaining: 0, retryAfterSec };
}

/**
 * Gives back one attempt counted by `hit` at `now` (same window), for an
 * attempt that turned out not to be one the rule limits (a successful login).
 */
export async function refund(
  kv: Deno.Kv,
  rule: RateRule,
  id: string,
  now: number,
): Promise<void> {
  if (rule.perIp) id = ipKey(id);
  const windowStart = now - (now % rule.windowMs);
  const key: Deno.KvKey = ["rate", rule.name, id, windowStart];
  for (let i = 0; i < MAX_TRIES; i++) {
    const cur = await kv.get<number>(key);
    if (!cur.value) return;
    const op = kv.atomic().check(cur);
    const res = await (cur.value <= 1
      ? op.delete(key)
      : op.set(key, cur.value - 1, { expireIn: windowStart + rule.windowMs - now + 1000 }))
      .commit();
    if (res.ok) {
      return;
    }
  }
}

/** Forgets the count of `id` under `rule` in the current window (a login that succeeded). */
export async function clear(
  kv: Deno.Kv,
  rule: RateRule,
  id: string,
  now = Date.now(),
): Promise<void> {
  if (rule.perIp) id = ipKey(id);
  await kv.delete(["rate", rule.name, id, now - (now % rule.windowMs)]);
}

/** `hit`, throwing `RateLimitedError` when the attempt is refused. */
export async function enforce(
  kv: Deno.Kv,
  rule: RateRule,
  id: string,
  now = Date.now(),
): Promise<RateResult> {
  const r = await hit(kv, rule, id, now);
  if (!r.allowed) throw new RateLimitedError(rule.name, r.retryAfterSec);
  return r;
}
