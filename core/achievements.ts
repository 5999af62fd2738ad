/**
 * Learner statistics, streaks, the activity calendar and the 13 achievements
 * of the original, computed on the fly from progress (nothing is stored).
 *
 * Pure functions over a `LearnerHistory` (tests feed them fixture histories)
 * plus one loader that reads the history from the database. Fixes against the
 * original:
 * - days are calendar days in the learner's own time zone (`users.time_zone`),
 *   not the server's;
 * - training time is the real timer time (`user_steps.active_seconds`), not
 *   30 minutes per completed day;
 * - "Early bird" means what it says: a course completed on the same calendar
 *   day it was started;
 * - streak achievements are earned by the longest streak, so an achievement
 *   once shown as earned does not disappear when a streak breaks.
 */
import { sql } from "kysely";
import type { Services } from "./services.ts";
import { learnerProgress } from "./courses/progress.ts";
import type { ProgressStatus } from "./courses/filter.ts";

export const DEFAULT_TIME_ZONE = "Europe/Moscow";

// -------------------------------------------------------------- calendar days

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The time zone if the runtime knows it, else the default (a bad stored value must not break the page). */
export function safeTimeZone(tz: string | null | undefined): string {
  if (!tz) return DEFAULT_TIME_ZONE;
  if (dayFormatters.has(tz)) return tz;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}

/** The calendar day ("YYYY-MM-DD") of an instant in a time zone. */
export function zonedDay(instant: Date, timeZone: string): string {
  const tz = safeTimeZone(timeZone);
  let f = dayFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dayFormatters.set(tz, f);
  }
  let y = "", m = "", d = "";
  for (const p of f.formatToParts(instant)) {
    if (p.type === "year") y = p.value;
    else if (p.type === "month") m = p.value;
    else if (p.type === "day") d = p.value;
  }
  return `${y}-${m}-${d}`;
}

/** `day` moved by `n` calendar days (UTC arithmetic on dates: no DST surprises). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

/** Completed steps per calendar day in the time zone. */
export function activityByDay(completions: Iterable<Date>, timeZone: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of completions) {
    const day = zonedDay(c, timeZone);
    out.set(day, (out.get(day) ?? 0) + 1);
  }
  return out;
}

export interface Streaks {
  /** Consecutive active days ending today or yesterday; 0 when the last activity is older. */
  current: number;
  longest: number;
  lastActiveDay: string | null;
}

/** Streaks over active calendar days, as of `today` (both in the learner's time zone). */
export function streaks(activeDays: Iterable<string>, today: string): Streaks {
  const days = [...new Set(activeDays)].filter((d) => d <= today).sort();
  if (days.length === 0) return { current: 0, longest: 0, lastActiveDay: null };
  let longest = 1, run = 1;
  for (let i = 1; i < days.length; i++) {
    run = addDays(days[i - 1], 1) === days[i] ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  const last = days[days.length - 1];
  const alive = last === today || last === addDays(today, -1);
  return { current: alive ? run : 0, longest, lastActiveDay: last };
}

// ------------------------------------------------------------------- history

export interface CourseHistory {
  courseId: string;
  slug: string;
  name: string;
  status: ProgressStatus;
  startedAt: Date | null;
  completedAt: Date | null;
  completedDays: number;
  totalDays: number;
  /** Real timer time in this course's steps. */
  activeSeconds: number;
}

export interface LearnerHistory {
  timeZone: string;
  courses: CourseHistory[];
  /** When each completed step was completed. */
  completions: Date[];
  /** Real timer time over all steps (also of courses no longer listed). */
  activeSeconds: number;
}

export interface LearnerStats {
  coursesStarted: number;
  coursesCompleted: number;
  coursesInProgress: number;
  daysCompleted: number;
  /** Days of the started courses. */
  daysTotal: number;
  /** Completed share of the days of started courses, 0..100 (rounded down). */
  overallProgress: number;
  currentStreak: number;
  longestStreak: number;
  lastActiveDay: string | null;
  trainingSeconds: number;
  /** Courses completed on the calendar day they were started. */
  sameDayCourses: number;
  today: string;
}

export function isStarted(c: CourseHistory): boolean {
  return c.status !== "NOT_STARTED";
}

/** A course finished on the calendar day it was started, in the learner's time zone. */
export function isSameDayCompletion(c: CourseHistory, timeZone: string): boolean {
  return c.status === "COMPLETED" && c.startedAt !== null && c.completedAt !== null &&
    zonedDay(c.startedAt, timeZone) === zonedDay(c.completedAt, timeZone);
}

export function computeStats(h: LearnerHistory, now: Date): LearnerStats {
  const tz = safeTimeZone(h.timeZone);
  const today = zonedDay(now, tz);
  const started = h.courses.filter(isStarted);
  const daysCompleted = started.reduce((n, c) => n + Math.min(c.completedDays, c.totalDays), 0);
  const daysTotal = started.reduce((n, c) => n + c.totalDays, 0);
  const s = streaks(activityByDay(h.completions, tz).keys(), today);
  return {
    coursesStarted: started.length,
    coursesCompleted: started.filter((c) => c.status === "COMPLETED").length,
    coursesInProgress: started.filter((c) => c.status === "IN_PROGRESS").length,
    daysCompleted,
    daysTotal,
    overallProgress: daysTotal ? Math.floor((daysCompleted / daysTotal) * 100) : 0,
    currentStreak: s.current,
    longestStreak: s.longest,
    lastActiveDay: s.lastActiveDay,
    trainingSeconds: h.activeSeconds,
    sameDayCourses: h.courses.filter((c) => isSameDayCompletion(c, tz)).length,
    today,
  };
}

// -------------------------------------------------------------- achievements

export const ACHIEVEMENT_CATEGORIES = ["courses", "progress", "streaks", "special"] as const;
export type AchievementCategory = typeof ACHIEVEMENT_CATEGORIES[number];

export const ACHIEVEMENT_IDS = [
  "firstStep",
  "finisher",
  "courseMaster",
  "expert",
  "progress25",
  "progress50",
  "progress75",
  "progress100",
  "streak3",
  "streak7",
  "streak30",
  "earlyBird",
  "devoted",
] as const;
export type AchievementId = typeof ACHIEVEMENT_IDS[number];

/** The picture of an award, drawn by the page (`components/icons.tsx`); not emoji, which need a font. */
export type AchievementIcon =
  | "target"
  | "flag"
  | "graduation"
  | "crown"
  | "sprout"
  | "leaf"
  | "tree"
  | "gem"
  | "flame"
  | "bolt"
  | "sparkles"
  | "bird"
  | "heart";

interface Definition {
  id: AchievementId;
  category: AchievementCategory;
  icon: AchievementIcon;
  target: number;
  value(s: LearnerStats): number;
}

const HOUR = 3600;

/** Awards that count the same statistic, at rising targets: [id, icon, target]. */
function ladder(
  category: AchievementCategory,
  value: (s: LearnerStats) => number,
  steps: [AchievementId, AchievementIcon, number][],
): Definition[] {
  return steps.map(([id, icon, target]) => ({ id, category, icon, target, value }));
}

// The order here is the order on the page.
const DEFINITIONS: Definition[] = [
  ...ladder("courses", (s) => s.coursesStarted, [["firstStep", "target", 1]]),
  ...ladder("courses", (s) => s.coursesCompleted, [
    ["finisher", "flag", 1],
    ["courseMaster", "graduation", 5],
    ["expert", "crown", 10],
  ]),
  ...ladder("progress", (s) => s.overallProgress, [
    ["progress25", "sprout", 25],
    ["progress50", "leaf", 50],
    ["progress75", "tree", 75],
    ["progress100", "gem", 100],
  ]),
  ...ladder("streaks", (s) => s.longestStreak, [
    ["streak3", "flame", 3],
    ["streak7", "bolt", 7],
    ["streak30", "sparkles", 30],
  ]),
  ...ladder("special", (s) => s.sameDayCourses, [["earlyBird", "bird", 1]]),
  ...ladder("special", (s) => s.trainingSeconds, [["devoted", "heart", 100 * HOUR]]),
];

export interface Achievement {
  id: AchievementId;
  category: AchievementCategory;
  icon: AchievementIcon;
  /** Where the learner is, capped at the target (seconds for "devoted"). */
  current: number;
  target: number;
  /** 0..100, rounded down so 100 means earned. */
  percent: number;
  unlocked: boolean;
}

export function computeAchievements(stats: LearnerStats): Achievement[] {
  return DEFINITIONS.map((d) => {
    const value = Math.max(0, d.value(stats));
    const unlocked = value >= d.target;
    return {
      id: d.id,
      category: d.category,
      icon: d.icon,
      current: Math.min(value, d.target),
      target: d.target,
      percent: unlocked ? 100 : Math.floor((value / d.target) * 100),
      unlocked,
    };
  });
}

// ---------------------------------------------------------- activity calendar

export const CALENDAR_WEEKS = 26;

/** Colour level of a day by completed steps: 0 none, 1: 1–2, 2: 3–5, 3: 6–9, 4: 10+. */
export function activityLevel(count: number): 0 | 1 | 2 | 3 | 4 {
  if (count <= 0) return 0;
  if (count <= 2) return 1;
  if (count <= 5) return 2;
  if (count <= 9) return 3;
  return 4;
}

export interface CalendarDay {
  date: string;
  count: number;
  level: 0 | 1 | 2 | 3 | 4;
}

export interface ActivityCalendar {
  /** Columns of 7 days, Monday first; the last column ends today (later slots are null). */
  weeks: (CalendarDay | null)[][];
  first: string;
  today: string;
  days: number;
  activeDays: number;
  steps: number;
}

/**
 * The last `weeks` weeks up to `today`: the first column starts on the Monday
 * `weeks - 1` weeks before this week's Monday.
 */
export function activityCalendar(
  activity: Map<string, number>,
  today: string,
  weeks = CALENDAR_WEEKS,
): ActivityCalendar {
  const first = addDays(today, -weekday(today) - 7 * (weeks - 1));
  const cols: (CalendarDay | null)[][] = [];
  let days = 0, activeDays = 0, steps = 0;
  for (let w = 0; w < weeks; w++) {
    const col: (CalendarDay | null)[] = [];
    for (let d = 0; d < 7; d++) {
      const date = addDays(first, w * 7 + d);
      if (date > today) {
        col.push(null);
        continue;
      }
      const count = activity.get(date) ?? 0;
      days++;
      if (count > 0) activeDays++;
      steps += count;
      col.push({ date, count, level: activityLevel(count) });
    }
    cols.push(col);
  }
  return { weeks: cols, first, today, days, activeDays, steps };
}

// -------------------------------------------------------------------- loader

export interface AchievementsView {
  stats: LearnerStats;
  achievements: Achievement[];
  calendar: ActivityCalendar;
  /** Started courses, most recent first. */
  courses: CourseHistory[];
  timeZone: string;
}

/** Everything the achievements page shows, from pure functions over a history. */
export function achievementsView(h: LearnerHistory, now: Date): AchievementsView {
  const tz = safeTimeZone(h.timeZone);
  const stats = computeStats(h, now);
  const started = h.courses.filter(isStarted).sort((a, b) =>
    (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0) || a.name.localeCompare(b.name)
  );
  return {
    stats,
    achievements: computeAchievements(stats),
    calendar: activityCalendar(activityByDay(h.completions, tz), stats.today),
    courses: started,
    timeZone: tz,
  };
}

/** Reads a learner's history: progress per course, step completions and timer time. */
export async function loadHistory(
  s: Services,
  user: { id: string; timeZone: string },
): Promise<LearnerHistory> {
  const [progress, time, completions] = await Promise.all([
    learnerProgress(s, user.id),
    s.db.selectFrom("user_steps as us")
      .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
      .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
      .select(["dc.course_id", sql<number>`sum(us.active_seconds)::int8`.as("seconds")])
      .where("us.user_id", "=", user.id)
      .groupBy("dc.course_id")
      .execute(),
    s.db.selectFrom("user_steps").select("completed_at")
      .where("user_id", "=", user.id)
      .where("completed_at", "is not", null)
      .execute(),
  ]);
  const secondsOf = new Map(time.map((r) => [r.course_id, Number(r.seconds ?? 0)]));
  const ids = [...progress.keys()];
  const names = ids.length
    ? await s.db.selectFrom("courses").select(["id", "slug", "name"]).where("id", "in", ids)
      .execute()
    : [];
  const nameOf = new Map(names.map((r) => [r.id, r]));
  const courses: CourseHistory[] = [];
  for (const [courseId, p] of progress) {
    const c = nameOf.get(courseId);
    if (!c) continue;
    courses.push({
      courseId,
      slug: c.slug,
      name: c.name,
      status: p.status,
      startedAt: p.startedAt,
      completedAt: p.completedAt,
      completedDays: p.completedDays,
      totalDays: p.totalDays,
      activeSeconds: secondsOf.get(courseId) ?? 0,
    });
  }
  return {
    timeZone: safeTimeZone(user.timeZone),
    courses,
    completions: completions.map((r) => r.completed_at!),
    activeSeconds: [...secondsOf.values()].reduce((a, b) => a + b, 0),
  };
}

/** The achievements page for a learner, as of `now`. */
export async function loadAchievements(
  s: Services,
  user: { id: string; timeZone: string },
  now = new Date(),
): Promise<AchievementsView> {
  return achievementsView(await loadHistory(s, user), now);
}
