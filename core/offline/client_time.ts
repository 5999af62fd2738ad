/**
 * When did an action made offline really happen? A queued action carries the
 * client's clock at the moment of the action (`at`) and, when it is sent, the
 * client's clock at sending (`sentAt`). The server trusts the client's clock
 * only within these rules, applied in order:
 *
 * 1. Skew: with `sentAt`, `at` is moved by the difference between the
 *    server's clock and the client's at sending (a phone whose clock is ten
 *    minutes fast still lands its actions at the right server time).
 * 2. Future: an action is never later than the server's now. Up to
 *    `CLOCK_SKEW_MS` (2 minutes) ahead it is quietly taken as now; further
 *    ahead it is taken as now and reported (`future`).
 * 3. Age: an action older than `MAX_AGE_MS` (24 hours) is taken as made 24
 *    hours ago (`too_old`): a day-old offline timer still counts, a stale
 *    queue cannot rewrite last week.
 * 4. Order: an action is never before the step's previous action (its
 *    timer's start or its completion, as applied); an earlier time is moved
 *    up to it (`before_previous`), so time on a timer never runs backwards.
 *
 * The answer says what was asked, what was applied and why (`clamped`), so a
 * client can tell the learner. Pure: no imports, browser-safe.
 */

/** The header that carries the client's clock at sending. */
export const CLIENT_SENT_AT_HEADER = "x-client-sent-at";

export const CLOCK_SKEW_MS = 2 * 60_000;
export const MAX_AGE_MS = 24 * 3600_000;

export type ClampReason = "future" | "too_old" | "before_previous";

/** The client's times of an action (ISO strings on the wire). */
export interface ClientTime {
  at: Date;
  sentAt?: Date;
}

export interface AppliedTime {
  /** The client's `at` as sent. */
  requested: Date;
  /** The time the server used for the action. */
  applied: Date;
  clamped: ClampReason | null;
}

/** The time to apply an action at (see the rules above). */
export function applyClientTime(
  client: ClientTime,
  now: Date,
  previous: Date | null,
): AppliedTime {
  const skew = client.sentAt ? now.getTime() - client.sentAt.getTime() : 0;
  let t = client.at.getTime() + skew;
  let clamped: ClampReason | null = null;
  if (t > now.getTime()) {
    if (t - now.getTime() > CLOCK_SKEW_MS) clamped = "future";
    t = now.getTime();
  }
  if (t < now.getTime() - MAX_AGE_MS) {
    t = now.getTime() - MAX_AGE_MS;
    clamped = "too_old";
  }
  if (previous && t < previous.getTime()) {
    t = Math.min(previous.getTime(), now.getTime());
    clamped = "before_previous";
  }
  return { requested: client.at, applied: new Date(t), clamped };
}

/** JSON of an applied time, as the action's answer carries it. */
export function appliedTimeJson(a: AppliedTime) {
  return { at: a.requested.toISOString(), applied: a.applied.toISOString(), clamped: a.clamped };
}
