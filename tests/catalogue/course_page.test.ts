/**
 * The course page: day statuses and minutes by kind of work, the summary day locked (and not
 * a link) until every other day is done, the call to action to the next
 * unfinished day, shared-day progress, sharing and Open Graph tags.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { completeDay, makeCourse, setCourseStatus } from "./fixtures.ts";
import { courseView, dayViews } from "@/core/courses/view.ts";
import { dayMinutes } from "@/core/courses/outline.ts";
import type { StepType } from "@/db/schema.ts";

const t = await openTestApp({ PUBLIC_URL: "https://gafus.example" });
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const trainer = await signIn(t, "page_trainer", "TRAINER");
const learner = await signIn(t, "page_learner");
const course = await makeCourse(db, {
  slug: "with-summary",
  name: "Курс с итогами",
  shortDescription: "Коротко о курсе",
  logoKey: "courses/abc/logo.png",
  authorId: trainer.id,
  days: [
    { title: "Знакомство", type: "introduction", steps: [{ type: "THEORY", estimatedSec: 300 }] },
    {
      title: "Первый день",
      steps: [
        { type: "TRAINING", durationSec: 150 },
        { type: "BREAK", durationSec: 60 },
        { type: "PRACTICE", estimatedSec: 120 },
        { type: "EXAMINATION", estimatedSec: 90 },
      ],
    },
    { title: "Второй день", shared: true, steps: [{ type: "TRAINING", durationSec: 60 }] },
    { title: "Итоги", type: "summary", steps: [{ type: "DIARY", estimatedSec: 300 }] },
  ],
});
const [intro, day1, day2, summary] = course.days;
const dayLink = (d: { dayOnCourseId: string }) =>
  `href="/courses/with-summary/days/${d.dayOnCourseId}"`;

async function page(who = learner) {
  const r = await who.fetch("/courses/with-summary");
  assertEquals(r.status, 200);
  return await r.text();
}

Deno.test("days show their estimated minutes by kind of work", async () => {
  const html = await page();
  // Day 1: timer 150 s + break 60 s = 4 min training; practice 120 s = 2 min; exam 90 s = 2 min.
  assertMatch(
    html,
    /День 1<\/span>.*?Тренировка: 4\u00a0мин<\/span><span>Практика: 2\u00a0мин<\/span><span>Экзамен: 2\u00a0мин/s,
  );
  assertMatch(html, /Вводный блок<\/span>.*?Теория: 5\u00a0мин/s);
});

/** The minute labels of each day on a course page, in order. */
function minuteLabels(html: string): string[][] {
  return html.split('<li class="day-item').slice(1).map((li) =>
    [...li.split("</li>")[0].matchAll(/<span>([^<]*: [^<]*)<\/span>/g)].map((m) => m[1])
  );
}

Deno.test("outline minutes are labelled by what the steps are: practice is not training, an exam and a diary are not theory", async () => {
  await makeCourse(db, {
    slug: "minutes-by-kind",
    name: "Минуты по видам",
    authorId: trainer.id,
    days: [
      { title: "Только практика", steps: [{ type: "PRACTICE", estimatedSec: 600 }] },
      { title: "Только экзамен", steps: [{ type: "EXAMINATION", estimatedSec: 240 }] },
      { title: "Только дневник", steps: [{ type: "DIARY", estimatedSec: 120 }] },
      {
        title: "Всё сразу",
        steps: [
          { type: "THEORY", estimatedSec: 60 },
          { type: "TRAINING", durationSec: 90 },
          { type: "BREAK", durationSec: 30 },
          { type: "PRACTICE" },
        ],
      },
    ],
  });
  const ru = await (await t.fetch("/courses/minutes-by-kind")).text();
  assertEquals(minuteLabels(ru), [
    ["Практика: 10\u00a0мин"],
    ["Экзамен: 4\u00a0мин"],
    ["Дневник: 2\u00a0мин"],
    // A kind whose steps have no estimate is left out; timers and breaks are training.
    ["Тренировка: 2\u00a0мин", "Теория: 1\u00a0мин"],
  ]);
  const en = await (await t.fetch("/courses/minutes-by-kind", {
    headers: { cookie: "lang=en" },
  })).text();
  assertEquals(minuteLabels(en), [
    ["Practice: 10\u00a0min"],
    ["Exam: 4\u00a0min"],
    ["Diary: 2\u00a0min"],
    ["Training: 2\u00a0min", "Theory: 1\u00a0min"],
  ]);
});

Deno.test("dayMinutes: timers and breaks are training, other steps count as their own kind", () => {
  const step = (type: StepType, sec: number) => ({
    type,
    durationSec: type === "TRAINING" || type === "BREAK" ? sec : null,
    estimatedSec: type === "TRAINING" || type === "BREAK" ? null : sec,
  });
  assertEquals(dayMinutes([step("PRACTICE", 300)]), [{ kind: "practice", minutes: 5 }]);
  assertEquals(
    dayMinutes([
      step("DIARY", 60),
      step("EXAMINATION", 61),
      step("BREAK", 30),
      step("TRAINING", 30),
      step("THEORY", 120),
    ]),
    [
      { kind: "training", minutes: 1 },
      { kind: "theory", minutes: 2 },
      { kind: "exam", minutes: 2 },
      { kind: "diary", minutes: 1 },
    ],
  );
  assertEquals(dayMinutes([]), []);
});

Deno.test("the summary day is locked, and not a link, until every other day is done", async () => {
  let html = await page();
  assert(!html.includes(dayLink(summary)), "no link to the locked summary");
  assertMatch(
    html,
    /day-item--locked.*?icon--lock.*?<\/svg><span class="visually-hidden">Закрыт<\/span> Итоги/s,
  );
  assertStringIncludes(html, "Откроется, когда все остальные дни будут пройдены");
  assertStringIncludes(html, dayLink(intro));
  assertStringIncludes(html, "Начать курс");

  await completeDay(db, learner.id, intro);
  await completeDay(db, learner.id, day1);
  await setCourseStatus(db, learner.id, course.id, "IN_PROGRESS");
  html = await page();
  assert(!html.includes(dayLink(summary)), "still locked with one day left");
  assertMatch(html, /Продолжить: День 2/);
  assertMatch(html, new RegExp(`aria-current="step"[^>]*>.*?${dayLink(day2)}`, "s"));
  assertStringIncludes(html, "2 из 4\u00a0дней");

  await completeDay(db, learner.id, day2);
  html = await page();
  assertStringIncludes(html, dayLink(summary));
  assert(!html.includes("day-item--locked"));
  assertMatch(html, /Продолжить: Подведение итогов/);
  // Visitors always see it locked (they have no progress).
  const anon = await (await t.fetch("/courses/with-summary")).text();
  assert(!anon.includes(dayLink(summary)));
});

Deno.test("a completed course says so and invites a review", async () => {
  await completeDay(db, learner.id, summary);
  await setCourseStatus(db, learner.id, course.id, "COMPLETED");
  const html = await page();
  assertStringIncludes(html, "Курс пройден — отличная работа!");
  assertStringIncludes(
    html,
    '<a class="button button--primary" href="/courses/with-summary/reviews">Оставить отзыв</a>',
  );
  assertStringIncludes(html, "4 из 4\u00a0дней");
  assertEquals((html.match(/status--completed/g) ?? []).length, 4);
});

Deno.test("a shared day completed in another course counts here too (and unlocks nothing by itself)", async () => {
  const other = await signIn(t, "sharer");
  const second = await makeCourse(db, {
    slug: "uses-shared",
    name: "Курс с общим днём",
    authorId: trainer.id,
    days: [{ dayId: day2.dayId }, { title: "Свой", steps: [{ type: "PRACTICE" }] }, {
      title: "Итог",
      type: "summary",
      steps: [{ type: "DIARY" }],
    }],
  });
  await completeDay(db, other.id, day2);
  const v = await courseView(t.services, "uses-shared", { id: other.id, role: "USER" });
  assertEquals(v.days.map((d) => d.status), ["COMPLETED", "NOT_STARTED", "NOT_STARTED"]);
  assertEquals(v.days.map((d) => d.locked), [false, false, true]);
  assertEquals(v.progress?.completedDays, 1);
  assertEquals(v.progress?.status, "NOT_STARTED", "nothing was done in this course itself");
  assertEquals(v.next?.dayOnCourseId, second.days[1].dayOnCourseId);
});

Deno.test("dayViews: the next day skips done and locked days; days without steps do not block", () => {
  const d = (id: string, type: "regular" | "summary", stepCount = 1) => ({
    dayOnCourseId: id,
    dayId: id,
    position: 0,
    title: id,
    type,
    number: null,
    stepCount,
    minutes: [],
  });
  const days = [d("a", "regular"), d("empty", "regular", 0), d("s", "summary")];
  const v = dayViews(days, new Map([["a", "COMPLETED" as const]]));
  assertEquals(v.days.map((x) => x.locked), [false, false, false]);
  assertEquals(v.next?.dayOnCourseId, "s");
  assertEquals([v.completed, v.total], [1, 2]);
});

Deno.test("Open Graph tags from PUBLIC_URL, with the logo as image; share link", async () => {
  const html = await (await t.fetch("/courses/with-summary")).text();
  assertStringIncludes(html, '<meta property="og:title" content="Курс с итогами"/>');
  assertStringIncludes(html, '<meta property="og:description" content="Коротко о курсе"/>');
  assertStringIncludes(
    html,
    '<meta property="og:url" content="https://gafus.example/courses/with-summary"/>',
  );
  assertStringIncludes(
    html,
    '<meta property="og:image" content="https://gafus.example/media/courses/abc/logo.png"/>',
  );
  assertStringIncludes(html, '<img class="course-logo" src="/media/courses/abc/logo.png"');
  // Without JS the share island is just the link.
  assertMatch(
    html,
    /<!--frsh:island:ShareCourse:\d+:-->.*?<a href="https:\/\/gafus\.example\/courses\/with-summary">/s,
  );
  const plain = await (await t.fetch("/courses/uses-shared")).text();
  assert(!plain.includes("og:image"), "no og:image without a logo");
});

Deno.test("the author links to the public profile; the outline API mirrors the page", async () => {
  const html = await page();
  assertStringIncludes(html, '<a class="author" href="/u/page_trainer">');
  const api = await (await learner.fetch("/api/v1/courses/with-summary")).json();
  assertEquals(api.course.days.map((d: { status: string }) => d.status), [
    "COMPLETED",
    "COMPLETED",
    "COMPLETED",
    "COMPLETED",
  ]);
  assertEquals(api.progress.status, "COMPLETED");
  const anon = await (await t.fetch("/api/v1/courses/with-summary")).json();
  assertEquals(anon.course.days.at(-1).locked, true);
  assertEquals(anon.course.days.at(-1).url, null);
  assert(!("status" in anon.course.days[0]));
});
