/**
 * Achievements and streaks from fixture histories: calendar days in the
 * learner's own time zone (across midnight), current vs longest streak,
 * training time from real timer seconds, "Early bird" = a course finished on
 * the day it was started, and the activity calendar's days and colours.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import {
  achievementsView,
  activityByDay,
  activityCalendar,
  activityLevel,
  addDays,
  computeAchievements,
  computeStats,
  type CourseHistory,
  isSameDayCompletion,
  type LearnerHistory,
  safeTimeZone,
  streaks,
  weekday,
  zonedDay,
} from "@/core/achievements.ts";

const MSK = "Europe/Moscow"; // UTC+3, no DST
const NY = "America/New_York"; // UTC-5 in winter

function course(p: Partial<CourseHistory> & { courseId: string }): CourseHistory {
  return {
    slug: p.courseId,
    name: p.courseId,
    status: "IN_PROGRESS",
    startedAt: null,
    completedAt: null,
    completedDays: 0,
    totalDays: 4,
    activeSeconds: 0,
    ...p,
  };
}

function history(p: Partial<LearnerHistory>): LearnerHistory {
  return { timeZone: MSK, courses: [], completions: [], activeSeconds: 0, ...p };
}

const at = (iso: string) => new Date(iso);

Deno.test("23:30 and 00:30 Moscow time are two days in Moscow, one day in New York", () => {
  const evening = at("2026-01-14T20:30:00Z"); // 23:30 MSK, 15:30 EST
  const night = at("2026-01-14T21:30:00Z"); // 00:30 MSK on the 15th, 16:30 EST
  assertEquals([zonedDay(evening, MSK), zonedDay(night, MSK)], ["2026-01-14", "2026-01-15"]);
  assertEquals([zonedDay(evening, NY), zonedDay(night, NY)], ["2026-01-14", "2026-01-14"]);
  assertEquals([...activityByDay([evening, night], MSK).entries()], [
    ["2026-01-14", 1],
    ["2026-01-15", 1],
  ]);
  assertEquals([...activityByDay([evening, night], NY).entries()], [["2026-01-14", 2]]);
  // So the same history is a 2-day streak in Moscow and a 1-day streak in New York.
  const now = at("2026-01-15T12:00:00Z");
  assertEquals(computeStats(history({ completions: [evening, night] }), now).currentStreak, 2);
  assertEquals(
    computeStats(history({ timeZone: NY, completions: [evening, night] }), now).currentStreak,
    1,
  );
});

Deno.test("a step just after midnight UTC still belongs to the previous day west of Greenwich", () => {
  const d = at("2026-03-01T02:00:00Z");
  assertEquals(zonedDay(d, "UTC"), "2026-03-01");
  assertEquals(zonedDay(d, NY), "2026-02-28");
  assertEquals(zonedDay(d, "Asia/Kolkata"), "2026-03-01");
  assertEquals(zonedDay(at("2026-02-28T18:40:00Z"), "Asia/Kathmandu"), "2026-03-01"); // +05:45
});

Deno.test("an unknown stored time zone falls back to Moscow instead of failing", () => {
  assertEquals(safeTimeZone("Mars/Olympus"), "Europe/Moscow");
  assertEquals(zonedDay(at("2026-01-14T21:30:00Z"), "Mars/Olympus"), "2026-01-15");
});

Deno.test("current streak is alive today or yesterday; longest is kept after a break", () => {
  const days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"];
  const later = ["2026-01-08", "2026-01-09"];
  assertEquals(streaks([...days, ...later], "2026-01-09"), {
    current: 2,
    longest: 5,
    lastActiveDay: "2026-01-09",
  });
  assertEquals(streaks([...days, ...later], "2026-01-10").current, 2, "yesterday keeps it alive");
  assertEquals(streaks([...days, ...later], "2026-01-11").current, 0, "two days off breaks it");
  assertEquals(streaks([...days, ...later], "2026-01-11").longest, 5);
  assertEquals(streaks([], "2026-01-11"), { current: 0, longest: 0, lastActiveDay: null });
  // Across a month and a year end, and duplicates count once.
  assertEquals(streaks(["2025-12-31", "2026-01-01", "2026-01-01", "2025-12-30"], "2026-01-01"), {
    current: 3,
    longest: 3,
    lastActiveDay: "2026-01-01",
  });
});

Deno.test("streak achievements are earned by the longest streak and stay earned", () => {
  const completions = Array.from({ length: 8 }, (_, i) => at(`2026-01-0${i + 1}T09:00:00Z`));
  const view = achievementsView(history({ completions }), at("2026-02-01T09:00:00Z"));
  assertEquals(view.stats.currentStreak, 0);
  assertEquals(view.stats.longestStreak, 8);
  const byId = Object.fromEntries(view.achievements.map((a) => [a.id, a]));
  assertEquals([byId.streak3.unlocked, byId.streak7.unlocked, byId.streak30.unlocked], [
    true,
    true,
    false,
  ]);
  assertEquals(byId.streak30.percent, 26); // 8 / 30
  assertEquals(byId.streak30.current, 8);
});

Deno.test("training time is the real timer time, not a guess per day", () => {
  const h = history({
    courses: [course({ courseId: "a", status: "COMPLETED", completedDays: 4, activeSeconds: 600 })],
    activeSeconds: 600,
  });
  const stats = computeStats(h, at("2026-01-01T00:00:00Z"));
  assertEquals(stats.trainingSeconds, 600, "4 completed days, 10 minutes of timers: 10 minutes");
  const devoted = (s: number) =>
    computeAchievements(computeStats(history({ activeSeconds: s }), new Date()))
      .find((a) => a.id === "devoted")!;
  assertEquals(devoted(99 * 3600 + 3599).unlocked, false);
  assertEquals(devoted(99 * 3600 + 3599).percent, 99);
  assertEquals(devoted(100 * 3600).unlocked, true);
  assertEquals(devoted(100 * 3600).current, 360000);
});

Deno.test("Early bird: completed on the calendar day it was started, in the learner's zone", () => {
  const same = course({
    courseId: "x",
    status: "COMPLETED",
    startedAt: at("2026-01-14T05:00:00Z"), // 08:00 MSK
    completedAt: at("2026-01-14T20:50:00Z"), // 23:50 MSK
  });
  assertEquals(isSameDayCompletion(same, MSK), true);
  // Less than 24 h, but across Moscow midnight: not the same day there; it is in New York.
  const overnight = course({
    courseId: "y",
    status: "COMPLETED",
    startedAt: at("2026-01-14T20:00:00Z"), // 23:00 MSK, 15:00 EST
    completedAt: at("2026-01-14T22:00:00Z"), // 01:00 MSK next day, 17:00 EST
  });
  assertEquals(isSameDayCompletion(overnight, MSK), false);
  assertEquals(isSameDayCompletion(overnight, NY), true);
  // 100 % progress is not enough (the original's check): it has to be one day.
  const slow = course({
    courseId: "z",
    status: "COMPLETED",
    completedDays: 4,
    startedAt: at("2026-01-01T08:00:00Z"),
    completedAt: at("2026-01-09T08:00:00Z"),
  });
  const earlyBird = (c: CourseHistory[], tz = MSK) =>
    computeAchievements(computeStats(history({ courses: c, timeZone: tz }), new Date()))
      .find((a) => a.id === "earlyBird")!.unlocked;
  assertEquals(earlyBird([slow]), false);
  assertEquals(earlyBird([slow, overnight]), false);
  assertEquals(earlyBird([slow, overnight], NY), true);
  assertEquals(earlyBird([same]), true);
  // Started that day but not completed: no.
  assertEquals(earlyBird([{ ...same, status: "IN_PROGRESS", completedAt: null }]), false);
});

Deno.test("course and progress achievements, and the stats behind them", () => {
  const courses = [
    course({ courseId: "a", status: "COMPLETED", completedDays: 4, totalDays: 4 }),
    course({ courseId: "b", status: "IN_PROGRESS", completedDays: 1, totalDays: 4 }),
    course({ courseId: "c", status: "NOT_STARTED", completedDays: 1, totalDays: 2 }),
  ];
  const stats = computeStats(history({ courses }), new Date());
  assertEquals(
    [stats.coursesStarted, stats.coursesCompleted, stats.coursesInProgress],
    [2, 1, 1],
  );
  assertEquals([stats.daysCompleted, stats.daysTotal, stats.overallProgress], [5, 8, 62]);
  const got = Object.fromEntries(computeAchievements(stats).map((a) => [a.id, a.unlocked]));
  assertEquals(got, {
    firstStep: true,
    finisher: true,
    courseMaster: false,
    expert: false,
    progress25: true,
    progress50: true,
    progress75: false,
    progress100: false,
    streak3: false,
    streak7: false,
    streak30: false,
    earlyBird: false,
    devoted: false,
  });
  const master = computeAchievements(stats).find((a) => a.id === "courseMaster")!;
  assertEquals([master.current, master.target, master.percent], [1, 5, 20]);
  const none = computeAchievements(computeStats(history({}), new Date()));
  assertEquals(none.length, 13);
  assert(none.every((a) => !a.unlocked && a.percent === 0));
});

Deno.test("the calendar covers 26 weeks up to today, Monday first, coloured by steps", () => {
  const today = "2026-03-11"; // a Wednesday
  assertEquals(weekday(today), 2);
  const activity = new Map([
    ["2026-03-11", 1],
    ["2026-03-10", 4],
    ["2026-03-09", 7],
    ["2026-03-02", 12],
    ["2025-09-01", 3], // before the first column: not shown
  ]);
  const cal = activityCalendar(activity, today);
  assertEquals(cal.weeks.length, 26);
  assertEquals(cal.first, "2025-09-15");
  assertEquals(weekday(cal.first), 0);
  assertEquals(cal.days, 25 * 7 + 3);
  assertEquals(cal.weeks.at(-1)!.map((d) => d?.date ?? null), [
    "2026-03-09",
    "2026-03-10",
    "2026-03-11",
    null,
    null,
    null,
    null,
  ]);
  assertEquals(cal.weeks.at(-1)!.slice(0, 3).map((d) => d!.level), [3, 2, 1]);
  assertEquals(cal.weeks.at(-2)![0]!.level, 4);
  assertEquals([cal.activeDays, cal.steps], [4, 24]);
  assertEquals([0, 1, 2, 3, 5, 6, 9, 10, 50].map(activityLevel), [0, 1, 1, 2, 2, 3, 3, 4, 4]);
  assertEquals(addDays("2024-02-28", 1), "2024-02-29");
  assertEquals(addDays("2026-03-29", 1), "2026-03-30", "no DST shift");
});
