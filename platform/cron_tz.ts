/**
 * Wall-clock cron schedules in a time zone → the UTC schedules `Deno.cron`
 * takes.
 *
 * Shifting by the zone's offset moves each (hour, minute) pair, and with an
 * offset that is not whole hours (India +05:30, Nepal +05:45, Newfoundland
 * −03:30) the minutes change too: local "0,30 4" becomes UTC 22:30 and 23:00,
 * which no single cron line holds without also matching 22:00 and 23:30. So
 * the pairs are shifted one by one and regrouped into as many lines as
 * needed. Pairs that cross midnight move the day of week with them; a
 * day-of-month or month field that would have to move across midnight has no
 * cron form ("the day before the 1st"), and is refused with a clear error.
 *
 * The offset is the one in effect at `at`; zones with summer time change it
 * twice a year, and queues/cron.ts re-registers when that happens.
 */

export interface CronFields {
  minutes: number[];
  hours: number[];
  /** null = "*" */
  daysOfMonth: number[] | null;
  months: number[] | null;
  /** 0–6, Sunday = 0; null = "*" */
  daysOfWeek: number[] | null;
}

const FIELDS: [name: string, min: number, max: number][] = [
  ["minute", 0, 59],
  ["hour", 0, 23],
  ["day of month", 1, 31],
  ["month", 1, 12],
  ["day of week", 0, 7],
];

export class CronExpressionError extends Error {
  constructor(expr: string, why: string) {
    super(`cron "${expr}": ${why}`);
    this.name = "CronExpressionError";
  }
}

const DOW_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];

function parseField(expr: string, raw: string, i: number): number[] | null {
  const [name, min, max] = FIELDS[i];
  if (raw === "*") return null;
  // Names (SUN–SAT, JAN–DEC) become numbers in cron's own numbering.
  const text = raw.toUpperCase().replace(/[A-Z]{3}/g, (w) => {
    const k = i === 4 ? DOW_NAMES.indexOf(w) : i === 3 ? MONTH_NAMES.indexOf(w) + 1 : -1;
    if (k < (i === 3 ? 1 : 0)) throw new CronExpressionError(expr, `bad ${name} "${w}"`);
    return String(k);
  });
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronExpressionError(expr, `bad ${name} "${part}"`);
    const step = m[3] ? Number(m[3]) : 1;
    let lo: number, hi: number;
    if (m[1] === "*") [lo, hi] = [min, max];
    else {
      lo = Number(m[1]);
      hi = m[2] !== undefined ? Number(m[2]) : m[3] ? max : lo;
    }
    if (step < 1 || lo < min || hi > max || lo > hi) {
      throw new CronExpressionError(expr, `${name} "${part}" is outside ${min}–${max}`);
    }
    for (let v = lo; v <= hi; v += step) out.add(i === 4 && v === 7 ? 0 : v);
  }
  return [...out].sort((a, b) => a - b);
}

function full(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

export function parseCron(expr: string): CronFields {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronExpressionError(expr, "needs 5 fields");
  const f = parts.map((p, i) => parseField(expr, p, i));
  return {
    minutes: f[0] ?? full(0, 59),
    hours: f[1] ?? full(0, 23),
    daysOfMonth: f[2],
    months: f[3],
    daysOfWeek: f[4]?.length === 7 ? null : f[4],
  };
}

/** Minutes to add to UTC to get the zone's wall clock at `at` (Moscow: +180). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /^GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/.exec(name);
  if (!m) throw new Error(`cannot read the UTC offset of ${timeZone} ("${name}")`);
  if (!m[1]) return 0;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -v : v;
}

function list(values: number[], all: number): string {
  if (values.length === all) return "*";
  return [...values].sort((a, b) => a - b).join(",");
}

/**
 * Day-of-week, day-of-month and month parts (days of week shifted). Days of
 * week are written as names: Deno.cron numbers them 1–7 from Sunday (Quartz
 * style, denoland/deno#21555), unlike cron's 0–6, and names mean the same
 * to both.
 */
function dayFields(f: CronFields, shift: number): string {
  const dow = f.daysOfWeek === null ? "*" : [
    ...new Set(f.daysOfWeek.map((d) => (((d + shift) % 7) + 7) % 7)),
  ].sort((a, b) => a - b).map((d) => DOW_NAMES[d]).join(",");
  return `${f.daysOfMonth === null ? "*" : list(f.daysOfMonth, 31)} ${
    f.months === null ? "*" : list(f.months, 12)
  } ${dow}`;
}

/**
 * The UTC cron lines that fire at the wall-clock times `expr` describes in
 * `timeZone`, for the offset in effect at `at`.
 */
export function toUtcCron(expr: string, timeZone: string, at: Date = new Date()): string[] {
  const f = parseCron(expr);
  const offset = zoneOffsetMinutes(timeZone, at);
  const anyDay = f.daysOfMonth === null && f.months === null && f.daysOfWeek === null;
  // day shift → UTC minute → UTC hours
  const byShift = new Map<number, Map<number, Set<number>>>();
  for (const h of f.hours) {
    for (const m of f.minutes) {
      const t = h * 60 + m - offset;
      const shift = anyDay ? 0 : Math.floor(t / 1440);
      const u = ((t % 1440) + 1440) % 1440;
      let minutes = byShift.get(shift);
      if (!minutes) byShift.set(shift, minutes = new Map());
      let hours = minutes.get(u % 60);
      if (!hours) minutes.set(u % 60, hours = new Set());
      hours.add(Math.floor(u / 60));
    }
  }
  const lines: string[] = [];
  for (const shift of [...byShift.keys()].sort((a, b) => a - b)) {
    if (shift !== 0 && (f.daysOfMonth !== null || f.months !== null)) {
      throw new CronExpressionError(
        expr,
        `in ${timeZone} (UTC${offset >= 0 ? "+" : "-"}${formatOffset(Math.abs(offset))}) ` +
          `these times fall on another UTC day, and a day-of-month or month field cannot ` +
          `be moved across midnight; choose times that stay on the same UTC day`,
      );
    }
    // Minutes that share the same set of hours go on one line.
    const byHours = new Map<string, { hours: number[]; minutes: number[] }>();
    for (const [minute, hourSet] of byShift.get(shift)!) {
      const hours = [...hourSet].sort((a, b) => a - b);
      const key = hours.join(",");
      const g = byHours.get(key) ?? { hours, minutes: [] };
      g.minutes.push(minute);
      byHours.set(key, g);
    }
    for (const g of [...byHours.values()].sort((a, b) => a.hours[0] - b.hours[0])) {
      lines.push(`${list(g.minutes, 60)} ${list(g.hours, 24)} ${dayFields(f, shift)}`);
    }
  }
  return lines;
}

function formatOffset(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
}

/** A matcher for a cron line read in UTC (parsed once; used to check conversions). */
export function utcMatcher(expr: string): (date: Date) => boolean {
  const f = parseCron(expr);
  const minutes = new Set(f.minutes);
  const hours = new Set(f.hours);
  return (d) => {
    const domOk = f.daysOfMonth === null || f.daysOfMonth.includes(d.getUTCDate());
    const dowOk = f.daysOfWeek === null || f.daysOfWeek.includes(d.getUTCDay());
    // Cron's rule: when both day fields are restricted, either may match.
    const dayOk = f.daysOfMonth !== null && f.daysOfWeek !== null ? domOk || dowOk : domOk && dowOk;
    return minutes.has(d.getUTCMinutes()) && hours.has(d.getUTCHours()) &&
      (f.months === null || f.months.includes(d.getUTCMonth() + 1)) && dayOk;
  };
}

/** True when `date` (UTC) matches a UTC cron line. */
export function matchesUtc(expr: string, date: Date): boolean {
  return utcMatcher(expr)(date);
}

/** True when `date` (a UTC instant) matches `expr` read as wall-clock time in `timeZone`. */
export function matchesLocal(expr: string, timeZone: string, date: Date): boolean {
  const local = new Date(date.getTime() + zoneOffsetMinutes(timeZone, date) * 60_000);
  return utcMatcher(expr)(local);
}
