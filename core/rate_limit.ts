/**
 * Rate limits in the shared KV store (`services.kv`: Deno KV, or PostgreSQL
 * for several instances): a sliding window per key, estimated from two
 * fixed-window counters (see `previousShare`). The counter of a window lives at
 * `["rate", rule, id, windowStart]` and expires after the window that follows
 * it, so nothing has to clean up. Increments are optimistic atomic
 * commits (check the versionstamp, write count + 1), safe with concurrent
 * requests and across processes that share the KV store.
 */
import type { MessageKey, Translator } from "./i18n/mod.ts";
import { AppError } from "./app_error.ts";
import type { SharedKv } from "@/platform/shared_kv.ts";
export interface RateRule {
  /** Part of the KV key; also shows in logs. */
  name: string;
  /** Attempts allowed per window. */
  limit: number;
  windowMs: number;
  /** The id is a client address: counted per network (see `ipKey`). */
  perIp?: boolean;
  /** The refusal's message (with `{wait}`), when "too many attempts" would not say why. */
  message?: MessageKey;
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
  /**
   * "Download my data" per user: each archive reads every row and file of
   * the account, so a loop (or a stolen session) must not turn it into load.
   */
  dataExport: {
    name: "data-export",
    limit: 3,
    windowMs: 60 * MIN,
    message: "settings.data.rateLimited",
  },
} as const satisfies Record<string, RateRule>;

export interface RateResult {
  allowed: boolean;
  /** Attempts counted in the sliding window, this one included. */
  count: number;
  remaining: number;
  /** Seconds until a refused client may try again (0 when allowed). */
  retryAfterSec: number;
}

/** The `Retry-After` header: the one place it is spelled (seconds, at least 1). */
export function retryAfterHeaders(seconds: number): Record<string, string> {
  return { "retry-after": String(Math.max(1, Math.ceil(seconds))) };
}

/** Thrown by `enforce` when a key is over its limit (→ 429 with Retry-After). */
export class RateLimitedError extends AppError {
  constructor(
    readonly rule: string,
    readonly retryAfterSec: number,
    /** The rule's own message (`RateRule.message`) and its limit, which it may name. */
    own?: { message: MessageKey; limit: number },
  ) {
    const messageKey = own?.message ?? "auth.rateLimited";
    super(429, "rate_limited", messageKey, {
      vars: own ? { limit: own.limit } : undefined,
      // Headers any answer to this error carries (a form and the error page too).
      headers: retryAfterHeaders(retryAfterSec),
      fields: { _form: messageKey },
      message: `rate limit ${rule} exceeded`,
    });
    this.name = "RateLimitedError";
  }

  /** "Try again in N minutes": the wait is a plural, so it is put into words here. */
  override describe(t: Translator): string {
    const minutes = Math.max(1, Math.ceil(this.retryAfterSec / 60));
    return t(this.messageKey, { ...this.vars, wait: t.plural("minutes", minutes) });
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

/** The two fixed windows a sliding estimate reads at `now`, and how much of the older one counts. */
function windows(rule: RateRule, id: string, now: number) {
  if (rule.perIp) id = ipKey(id);
  const start = now - (now % rule.windowMs);
  return {
    start,
    current: ["rate", rule.name, id, start] as Deno.KvKey,
    previous: ["rate", rule.name, id, start - rule.windowMs] as Deno.KvKey,
    /** The share of the previous window still inside the sliding window ending at `now`. */
    weight: 1 - (now - start) / rule.windowMs,
    /** Current entries outlive the next window a little, which still reads them. */
    expireIn: start + 2 * rule.windowMs - now + 1000,
  };
}

/**
 * A window's counter: attempts and the time of the last one. (Entries written
 * before `last` existed were plain numbers; they expire within two windows.)
 */
interface Counter {
  n: number;
  last?: number;
}

function counterOf(value: unknown): Counter {
  if (typeof value === "number") return { n: value };
  const c = value as Counter | null;
  return c && typeof c.n === "number" ? c : { n: 0 };
}

/**
 * The previous window's share of the sliding window ending at `now`: its
 * count weighted by how much of it the sliding window still covers, rounded
 * up, so a burst at the end of one window is not forgiven the moment the next
 * begins (a fixed window let twice the limit through there). Once its last
 * attempt is a whole window old, none of it counts: the weighting assumes
 * attempts spread over the window, and must not hold back longer than the
 * window itself.
 */
function previousShare(rule: RateRule, previous: Counter, weight: number, now: number): number {
  if (previous.last !== undefined && previous.last <= now - rule.windowMs) return 0;
  return Math.ceil(previous.n * weight - 1e-9);
}

/** Seconds until the estimate falls below the limit again, with no further attempts. */
function secondsUntilAllowed(
  rule: RateRule,
  w: { start: number },
  now: number,
  current: Counter,
  previous: Counter,
): number {
  const end = w.start + rule.windowMs;
  // The sooner of: the weighted share dropping enough, or the last attempt a window old.
  const [held, at] = current.n >= rule.limit
    // Past this window's end, this window becomes the weighted one.
    ? [current, end + rule.windowMs * (1 - (rule.limit - 1) / current.n)]
    // Only the previous window's share holds it over (so it has attempts).
    : [previous, w.start + rule.windowMs * (1 - (rule.limit - 1 - current.n) / previous.n)];
  const free = held.last === undefined ? at : Math.min(at, held.last + rule.windowMs);
  return Math.max(1, Math.ceil((free - now) / 1000));
}

/**
 * Counts one attempt for `id` under `rule`, against a sliding window (the
 * current fixed window's count plus the previous one's share, see
 * `previousShare`). Over the limit, the attempt is refused and not counted
 * (a refused client cannot push the window further).
 */
export async function hit(
  kv: SharedKv,
  rule: RateRule,
  id: string,
  now = Date.now(),
): Promise<RateResult> {
  const w = windows(rule, id, now);
  const previous = counterOf((await kv.get(w.previous)).value);
  const share = previousShare(rule, previous, w.weight, now);
  for (let i = 0; i < MAX_TRIES; i++) {
    const cur = await kv.get(w.current);
    const current = counterOf(cur.value);
    const count = current.n + share;
    if (count >= rule.limit) {
      return {
        allowed: false,
        count,
        remaining: 0,
        retryAfterSec: secondsUntilAllowed(rule, w, now, current, previous),
      };
    }
    const res = await kv.atomic()
      .check(cur)
      .set(w.current, { n: current.n + 1, last: now } satisfies Counter, { expireIn: w.expireIn })
      .commit();
    if (res.ok) {
      return {
        allowed: true,
        count: count + 1,
        remaining: rule.limit - count - 1,
        retryAfterSec: 0,
      };
    }
  }
  // Heavy contention on one key is itself a sign of abuse: refuse.
  return {
    allowed: false,
    count: rule.limit,
    remaining: 0,
    retryAfterSec: Math.max(1, Math.ceil(rule.windowMs / 1000)),
  };
}

/**
 * Gives back one attempt counted by `hit` at `now` (same window), for an
 * attempt that turned out not to be one the rule limits (a successful login).
 */
export async function refund(
  kv: SharedKv,
  rule: RateRule,
  id: string,
  now: number,
): Promise<void> {
  const w = windows(rule, id, now);
  for (let i = 0; i < MAX_TRIES; i++) {
    const cur = await kv.get(w.current);
    const current = counterOf(cur.value);
    if (!current.n) return;
    const op = kv.atomic().check(cur);
    const res = await (current.n <= 1 ? op.delete(w.current) : op.set(
      w.current,
      { n: current.n - 1, last: current.last } satisfies Counter,
      { expireIn: w.expireIn },
    )).commit();
    if (res.ok) {
      return;
    }
  }
}

/** Forgets the count of `id` under `rule` (a login that succeeded): both windows the estimate reads. */
export async function clear(
  kv: SharedKv,
  rule: RateRule,
  id: string,
  now = Date.now(),
): Promise<void> {
  const w = windows(rule, id, now);
  await kv.atomic().delete(w.current).delete(w.previous).commit();
}

/** `hit`, throwing `RateLimitedError` when the attempt is refused. */
export async function enforce(
  kv: SharedKv,
  rule: RateRule,
  id: string,
  now = Date.now(),
): Promise<RateResult> {
  const r = await hit(kv, rule, id, now);
  if (!r.allowed) {
    throw new RateLimitedError(
      rule.name,
      r.retryAfterSec,
      rule.message ? { message: rule.message, limit: rule.limit } : undefined,
    );
  }
  return r;
}
