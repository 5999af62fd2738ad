/**
 * Wall-clock arithmetic in IANA zones, for reminders: which local minutes a
 * UTC minute "passes" (one normally; the whole gap on a spring-forward day;
 * none while the clock repeats an hour in autumn), a local day's bounds in
 * UTC, weekday bits and HH:MM. Pure functions on Intl (no database time
 * zone support needed, so PGlite and PostgreSQL agree).
 */

export const MINUTE_MS = 60_000;
const DAY_MIN = 1440;

/** Weekdays in the order of their bits: bit 0 = Monday … bit 6 = Sunday. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = typeof WEEKDAYS[number];
export const ALL_DAYS = 0b1111111;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // Throws RangeError for an unknown zone; callers skip such users.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The local wall clock at `ms` as minutes since 1970-01-01 00:00 *local*
 * (a number that only ever differs from UTC minutes by the zone's offset).
 */
export function localMinutes(zone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  return Math.floor(wall / MINUTE_MS);
}

/** `YYYY-MM-DD` of a local-minutes value. */
export function localDateOf(local: number): string {
  return new Date(Math.floor(local / DAY_MIN) * DAY_MIN * MINUTE_MS).toISOString().slice(0, 10);
}

/** The weekday bit (Monday = 1, Sunday = 64) of a `YYYY-MM-DD` date. */
export function weekdayBit(date: string): number {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return 1 << ((dow + 6) % 7);
}

/**
 * The first UTC instant (a minute) at which the local clock reads `local` or
 * later: the instant itself when it exists (its first occurrence when the
 * hour repeats), the end of the gap when summer time skips it.
 */
export function firstInstantAtOrAfter(zone: string, local: number): number {
  const offsetAt = (ms: number) => localMinutes(zone, ms) - Math.floor(ms / MINUTE_MS);
  const guess = local * MINUTE_MS;
  const offsets = [...new Set([offsetAt(guess - 86_400_000), offsetAt(guess + 86_400_000)])];
  const exact = offsets.map((o) => (local - o) * MINUTE_MS)
    .filter((t) => localMinutes(zone, t) === local);
  if (exact.length) return Math.min(...exact);
  // In a gap: walk from the earliest candidate to the jump (at most a few hours).
  const lo = (local - Math.max(...offsets)) * MINUTE_MS;
  const hi = (local - Math.min(...offsets)) * MINUTE_MS;
  for (let t = lo; t <= hi; t += MINUTE_MS) if (localMinutes(zone, t) >= local) return t;
  return hi;
}

/** A local calendar day's bounds in UTC: [start, end). */
export function localDayBounds(zone: string, date: string): { start: Date; end: Date } {
  const first = Math.floor(Date.parse(`${date}T00:00:00Z`) / MINUTE_MS);
  return {
    start: new Date(firstInstantAtOrAfter(zone, first)),
    end: new Date(firstInstantAtOrAfter(zone, first + DAY_MIN)),
  };
}

/** One stretch of local minutes of one day that became due at `dueAt`. */
export interface DueSlice {
  zone: string;
  localDate: string;
  weekdayBit: number;
  /** Minutes after local midnight, inclusive. */
  fromMinute: number;
  toMinute: number;
  /** The UTC minute the clock reached them. */
  dueAt: Date;
}

/**
 * The local minutes each UTC minute of `(now − graceMinutes, now]` passed in
 * `zone`: the clock going from minute m−1 to m passes the local minutes
 * (local(m−1), local(m)]. A spring-forward jump passes the whole gap at once
 * (a reminder inside it fires at the first existing minute); a repeated
 * autumn hour passes nothing at the jump back and the same local minutes
 * again afterwards (reminder_sends keeps that to one send).
 */
export function dueSlices(zone: string, now: number, graceMinutes: number): DueSlice[] {
  const out: DueSlice[] = [];
  const top = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  let after = localMinutes(zone, top - graceMinutes * MINUTE_MS);
  for (let k = graceMinutes - 1; k >= 0; k--) {
    const m = top - k * MINUTE_MS;
    const before = after;
    after = localMinutes(zone, m);
    for (let x = before + 1; x <= after;) {
      const day = Math.floor(x / DAY_MIN);
      const last = Math.min(after, day * DAY_MIN + DAY_MIN - 1);
      const localDate = localDateOf(x);
      out.push({
        zone,
        localDate,
        weekdayBit: weekdayBit(localDate),
        fromMinute: x - day * DAY_MIN,
        toMinute: last - day * DAY_MIN,
        dueAt: new Date(m),
      });
      x = last + 1;
    }
  }
  return out;
}

/** "08:05" → 485; null when malformed. */
export function parseTime(text: string): number | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** 485 → "08:05". */
export function formatTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  return `${String(h).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** The weekdays a bitmask holds, Monday first. */
export function daysOf(mask: number): Weekday[] {
  return WEEKDAYS.filter((_, i) => (mask & (1 << i)) !== 0);
}

/** The bitmask of a list of weekdays. */
export function maskOf(days: readonly Weekday[]): number {
  return days.reduce((m, d) => m | (1 << WEEKDAYS.indexOf(d)), 0);
}
