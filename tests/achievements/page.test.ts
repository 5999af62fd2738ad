/**
 * /achievements from real progress rows: stats, the per-course table, the
 * SVG calendar in the learner's own time zone, and only one's own data.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { completeDay, makeCourse, setCourseStatus } from "../catalogue/fixtures.ts";
import { addDays, loadAchievements, weekday, zonedDay } from "@/core/achievements.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const trainer = await signIn(t, "ach_trainer", "TRAINER");
const moscow = await signIn(t, "in_moscow");
const newYork = await signIn(t, "in_new_york");
const idle = await signIn(t, "idle_one");
await db.updateTable("users").set({ time_zone: "America/New_York" })
  .where("id", "=", newYork.id).execute();

const course = await makeCourse(db, {
  slug: "night-owl",
  name: "Ночной курс",
  authorId: trainer.id,
  days: [
    { steps: [{ type: "TRAINING", durationSec: 1800 }, { type: "TRAINING", durationSec: 1800 }] },
    { steps: [{ type: "PRACTICE" }] },
  ],
});

// Yesterday 23:30 and today 00:30, Moscow time: the same instants for both learners.
const today = zonedDay(new Date(), "Europe/Moscow");
const yesterday = addDays(today, -1);
const times = [new Date(`${yesterday}T23:30:00+03:00`), new Date(`${today}T00:30:00+03:00`)];
for (const who of [moscow, newYork]) {
  await completeDay(db, who.id, course.days[0], { times, activeSeconds: 1800 });
  await setCourseStatus(db, who.id, course.id, "IN_PROGRESS", times[0], null);
}

function rects(html: string) {
  return [
    ...html.matchAll(
      /<rect class="calendar__day calendar__day--(\d)"[^>]*data-date="([\d-]+)" data-count="(\d+)"/g,
    ),
  ]
    .map((m) => ({ level: Number(m[1]), date: m[2], count: Number(m[3]) }));
}

Deno.test("visitors are sent to sign in", async () => {
  const r = await t.fetch("/achievements");
  assertEquals(r.status, 303);
  assertEquals(r.headers.get("location"), "/login?next=%2Fachievements");
});

Deno.test("stats, training time from timer seconds, and the per-course row", async () => {
  const html = await (await moscow.fetch("/achievements")).text();
  assertMatch(html, /id="stat-started"><dt>Курсов начато<\/dt><dd><span class="stat__value">1</);
  assertMatch(html, /id="stat-days"><dt>Дней пройдено<\/dt><dd><span class="stat__value">1</);
  assertMatch(html, /id="stat-overall">.*?50\u00a0%/);
  // Two steps × 30 minutes of timer = 1 hour (not "30 minutes per day").
  assertMatch(html, /id="stat-time"><dt>[^<]+<\/dt><dd><span class="stat__value">1\u00a0ч</);
  assertMatch(html, /<tr data-course="night-owl">.*?В процессе.*?1\/2/s);
  assertMatch(html, /data-achievement="firstStep" data-unlocked="true"/);
  assertMatch(html, /data-achievement="progress50" data-unlocked="true"/);
  assertMatch(html, /data-achievement="progress75" data-unlocked="false"/);
  assertStringIncludes(html, "Получено 3 из 13");
});

Deno.test("in Moscow the two steps are a two-day streak; in New York one day", async () => {
  const msk = await (await moscow.fetch("/achievements")).text();
  assertMatch(msk, /id="stat-current-streak">.*?2\u00a0дня/);
  const active = rects(msk).filter((r) => r.count > 0);
  assertEquals(active, [
    { level: 1, date: yesterday, count: 1 },
    { level: 1, date: today, count: 1 },
  ]);
  assertStringIncludes(msk, "Europe/Moscow");

  const ny = await (await newYork.fetch("/achievements")).text();
  assertMatch(ny, /id="stat-longest-streak">.*?1\u00a0день/);
  assertEquals(rects(ny).filter((r) => r.count > 0), [{ level: 1, date: yesterday, count: 2 }]);
  assertStringIncludes(ny, "America/New_York");
});

Deno.test("the SVG calendar has one square per day of the last 26 weeks, with tooltips and a summary", async () => {
  const html = await (await moscow.fetch("/achievements")).text();
  const days = rects(html);
  assertEquals(days.length, 25 * 7 + weekday(today) + 1);
  assertEquals(days.at(-1)!.date, today);
  assertEquals(weekday(days[0].date), 0, "columns start on Monday");
  assertEquals(days.filter((d) => d.level === 0).length, days.length - 2);
  assertMatch(
    html,
    /<svg class="calendar__svg"[^>]*role="img" aria-labelledby="calendar-title calendar-desc"/,
  );
  assertStringIncludes(
    html,
    '<desc id="calendar-desc">За последние 26\u00a0недель: дней с занятиями — 2, выполнено шагов — 2.</desc>',
  );
  assertMatch(
    html,
    new RegExp(`data-date="${today}" data-count="1"><title>[^<]+: 1\u00a0шаг</title>`),
  );
  assertMatch(html, /<title>[^<]+: занятий не было<\/title>/);
  assert(!/<script/.test(html), "the page ships no JavaScript");
});

Deno.test("a learner sees only their own history", async () => {
  const html = await (await idle.fetch("/achievements")).text();
  assertMatch(html, /id="stat-started"><dt>Курсов начато<\/dt><dd><span class="stat__value">0</);
  assertEquals(rects(html).filter((r) => r.count > 0), []);
  assertStringIncludes(html, "Вы ещё не начали ни одного курса.");
  assert(!html.includes("Ночной курс"));
});

Deno.test("a course completed on the day it was started earns Early bird, in the learner's zone", async () => {
  const quick = await makeCourse(db, {
    slug: "one-evening",
    name: "За один вечер",
    authorId: trainer.id,
    days: [{ steps: [{ type: "PRACTICE" }] }],
  });
  const start = new Date(`${yesterday}T18:00:00+03:00`);
  const end = new Date(`${yesterday}T21:00:00+03:00`);
  await completeDay(db, idle.id, quick.days[0], { times: [end] });
  await setCourseStatus(db, idle.id, quick.id, "COMPLETED", start, end);
  const v = await loadAchievements(t.services, { id: idle.id, timeZone: "Europe/Moscow" });
  const earned = v.achievements.filter((a) => a.unlocked).map((a) => a.id);
  assertEquals(earned, [
    "firstStep",
    "finisher",
    "progress25",
    "progress50",
    "progress75",
    "progress100",
    "earlyBird",
  ]);
  assertEquals(v.stats.currentStreak, 1, "active yesterday: the streak is still alive");
  // In Novosibirsk (UTC+7) 18:00 and 21:00 Moscow time are 22:00 and 01:00: two dates.
  const far = await loadAchievements(t.services, { id: idle.id, timeZone: "Asia/Novosibirsk" });
  assert(!far.achievements.find((a) => a.id === "earlyBird")!.unlocked);
});
