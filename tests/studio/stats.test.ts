/**
 * Trainer statistics (/studio/stats, /studio/courses/<id>/stats, the
 * learner view and the CSV): the numbers against a fixture with known
 * answers (counts, rates per day and step, medians, exams, ratings,
 * favourites, activity buckets in the trainer's non-UTC zone); the CSV's
 * quoting, formula guard and BOM; the learner's diary hidden until they
 * share it; who may see what; the pages in Russian and English.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { newId } from "@/platform/ids.ts";
import { courseStats, listStatsCourses } from "@/core/studio/stats/course.ts";
import { courseLearners, LEARNERS_PAGE } from "@/core/studio/stats/learners.ts";
import {
  coursePath,
  diarySharingPath,
  studioCourseStatsCsvPath,
  studioCourseStatsPath,
  studioLearnerPath,
  studioStatsPath,
} from "@/core/paths.ts";
import type { TrainingStatus } from "@/db/schema.ts";
import { type CourseFixture, makeCourse, QUESTIONS } from "../training/helpers.ts";

const viewer = (s: Session) => ({ id: s.id, role: s.role });
const at = (iso: string) => new Date(iso);
const HOUR = 3600, DAY = 86400;

/**
 * Two days: (theory, practice) and (exam, diary). Trainer `coach_a` lives in
 * Asia/Yekaterinburg (UTC+5, no summer time). Five learners:
 *
 * | learner | course | day 1 (s) | day 2 (s) | steps done | exam | review |
 * |---|---|---|---|---|---|---|
 * | l1 | done in 2 d | done 3600 | done 600 | 4 | APPROVED 4/5 | 5 |
 * | l2 | done in 1 d | done 7200 | done 1200 | 4 | APPROVED 5/5 | 4 |
 * | l3 | done in 4 d | done 1800 | done 60 | 4 | PENDING 3/5 | 5 |
 * | l4 | in progress | done 600 | in progress | 2 | RETURNED 1/5 | |
 * | l5 | in progress | in progress | — | 1 | | |
 */
async function fixture(t: TestApp) {
  const db = t.services.db;
  const c = await makeCourse(t, {
    author: "coach_a",
    days: [
      {
        title: "Знакомство",
        steps: [{ type: "THEORY", title: "Теория" }, { type: "PRACTICE", title: "Практика" }],
      },
      {
        title: "Проверка",
        steps: [
          { type: "EXAMINATION", title: "Экзамен", checklist: QUESTIONS },
          { type: "DIARY", title: "Дневник" },
        ],
      },
    ],
  });
  await db.updateTable("users").set({ time_zone: "Asia/Yekaterinburg" })
    .where("id", "=", c.authorId).execute();
  const names = ["l1", "l2", "l3", "l4", "l5"].map((n) => `pupil_${n}`);
  const learners: Session[] = [];
  for (const n of names) learners.push(await signIn(t, n));

  const course: [TrainingStatus, string, string | null][] = [
    ["COMPLETED", "2026-03-02T06:00:00Z", "2026-03-04T06:00:00Z"],
    ["COMPLETED", "2026-03-02T06:00:00Z", "2026-03-03T06:00:00Z"],
    ["COMPLETED", "2026-03-01T00:00:00Z", "2026-03-05T00:00:00Z"],
    ["IN_PROGRESS", "2026-03-08T17:00:00Z", null],
    ["IN_PROGRESS", "2026-03-08T18:30:00Z", null],
  ];
  // [status, duration in seconds] per day, per learner (null: no row).
  const days: ([TrainingStatus, number] | null)[][] = [
    [["COMPLETED", HOUR], ["COMPLETED", 600]],
    [["COMPLETED", 2 * HOUR], ["COMPLETED", 1200]],
    [["COMPLETED", 1800], ["COMPLETED", 60]],
    [["COMPLETED", 600], ["IN_PROGRESS", 0]],
    [["IN_PROGRESS", 0], null],
  ];
  // When each learner's completed steps were completed (UTC) and how many.
  const completions: [string, number][] = [
    ["2026-03-02T20:30:00Z", 4], // Tuesday 01:30 in Yekaterinburg (Monday 20:30 UTC)
    ["2026-03-02T05:00:00Z", 4], // Monday 10:00
    ["2026-03-02T05:59:00Z", 4], // Monday 10:59
    ["2026-03-08T18:00:00Z", 2], // Sunday 23:00
    ["2026-03-08T19:00:00Z", 1], // Monday 00:00 (Sunday 19:00 UTC)
  ];
  const stepIds: string[][] = learners.map(() => []);
  for (const [i, l] of learners.entries()) {
    const [status, started, completed] = course[i];
    await db.insertInto("user_courses").values({
      user_id: l.id,
      course_id: c.courseId,
      status,
      started_at: at(started),
      completed_at: completed ? at(completed) : null,
    }).execute();
    let done = completions[i][1];
    for (const [d, spec] of days[i].entries()) {
      if (!spec) continue;
      const [dayStatus, secs] = spec;
      const start = at(started);
      const utId = newId();
      await db.insertInto("user_trainings").values({
        id: utId,
        user_id: l.id,
        day_on_course_id: c.days[d].dayOnCourseId,
        status: dayStatus,
        started_at: start,
        completed_at: dayStatus === "COMPLETED" ? new Date(start.getTime() + secs * 1000) : null,
      }).execute();
      for (const sd of c.days[d].stepOnDayIds) {
        const id = newId();
        stepIds[i].push(id);
        const isDone = done > 0;
        done--;
        await db.insertInto("user_steps").values({
          id,
          user_training_id: utId,
          step_on_day_id: sd,
          user_id: l.id,
          status: isDone ? "COMPLETED" : "IN_PROGRESS",
          completed_at: isDone ? at(completions[i][0]) : null,
        }).execute();
      }
    }
  }
  // Exams on day 2's first step (each learner's third user step).
  const exams: [number, "APPROVED" | "PENDING" | "RETURNED", number][] = [
    [0, "APPROVED", 4],
    [1, "APPROVED", 5],
    [2, "PENDING", 3],
    [3, "RETURNED", 1],
  ];
  for (const [i, status, score] of exams) {
    await db.insertInto("exam_results").values({
      id: newId(),
      user_step_id: stepIds[i][2],
      step_id: c.days[1].stepIds[0],
      course_id: c.courseId,
      user_id: learners[i].id,
      test_score: score,
      test_max_score: 5,
      status,
      submitted_at: at("2026-03-03T10:00:00Z"),
      reviewed_at: status === "PENDING" ? null : at("2026-03-03T12:00:00Z"),
    }).execute();
  }
  for (const [i, rating] of [[0, 5], [1, 4], [2, 5]]) {
    await db.insertInto("course_reviews").values({
      id: newId(),
      course_id: c.courseId,
      user_id: learners[i].id,
      rating,
    }).execute();
  }
  const fan = await signIn(t, "just_a_fan");
  for (const id of [learners[0].id, learners[3].id, fan.id]) {
    await db.insertInto("favorites").values({ user_id: id, course_id: c.courseId }).execute();
  }
  return { c, learners, fan };
}

function near(actual: number | null, expected: number, what: string) {
  assert(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

async function get(who: Session, path: string, lang?: "ru" | "en") {
  const res = await who.fetch(path, lang ? { headers: { cookie: `lang=${lang}` } } : {});
  return { status: res.status, text: await res.text(), headers: res.headers };
}

Deno.test("course statistics give the fixture's exact numbers: counts, rates per day and step, medians, exams, ratings, activity in the trainer's zone", async () => {
  await using t = await openTestApp();
  const { c } = await fixture(t);
  const trainer = await signIn(t, "coach_a");
  const s = await courseStats(t.services, viewer(trainer), c.courseId);

  assertEquals(s.headline, {
    started: 5,
    inProgress: 2,
    completed: 3,
    completionRate: 0.6,
    pendingExams: 1,
  });
  // Course durations 2 d, 1 d, 4 d → median 2 d.
  assertEquals(s.medianCourseSec, 2 * DAY);
  assertEquals(
    s.days.map((d) => [d.number, d.title, d.started, d.completed, d.rate, d.medianSec]),
    [
      // 600, 1800, 3600, 7200 → (1800 + 3600) / 2
      [1, "Знакомство", 5, 4, 0.8, 2700],
      // 60, 600, 1200 (l4 in progress)
      [2, "Проверка", 4, 3, 0.6, 600],
    ],
  );
  assertEquals(
    s.days.flatMap((d) => d.steps.map((st) => [st.title, st.completed, st.rate])),
    [["Теория", 5, 1], ["Практика", 4, 0.8], ["Экзамен", 3, 0.6], ["Дневник", 3, 0.6]],
  );
  assertEquals(
    [s.exams.submissions, s.exams.approved, s.exams.returned, s.exams.pending],
    [4, 2, 1, 1],
  );
  near(s.exams.passRate, 2 / 3, "pass rate (approved of reviewed)");
  near(s.exams.averageScore, (0.8 + 1 + 0.6 + 0.2) / 4, "average score");
  assertEquals(s.ratings, [0, 0, 0, 1, 2]);
  assertEquals(s.reviewCount, 3);
  near(s.averageRating, 14 / 3, "average rating");
  assertEquals(s.favourites, 3);

  assertEquals(s.course.timeZone, "Asia/Yekaterinburg");
  const buckets: [number, number, number][] = [];
  s.activity.forEach((row, d) => row.forEach((n, h) => n && buckets.push([d, h, n])));
  // Monday = 0: l2 and l3 at 10 h, l5 at 0 h on Monday; l1 Tuesday 1 h; l4 Sunday 23 h.
  assertEquals(buckets, [[0, 0, 1], [0, 10, 8], [1, 1, 4], [6, 23, 2]]);
});

Deno.test("archived days and steps leave the funnel; the course list shows headline numbers and links", async () => {
  await using t = await openTestApp();
  const { c } = await fixture(t);
  const trainer = await signIn(t, "coach_a");
  await t.services.db.updateTable("step_on_day").set({ archived_at: new Date() })
    .where("id", "=", c.days[0].stepOnDayIds[1]).execute();
  const s = await courseStats(t.services, viewer(trainer), c.courseId);
  assertEquals(
    s.days.flatMap((d) => d.steps.map((st) => st.title)),
    ["Теория", "Экзамен", "Дневник"],
  );

  const list = await listStatsCourses(t.services, viewer(trainer));
  assertEquals(list.map((x) => [x.slug, x.headline]), [[c.slug, {
    started: 5,
    inProgress: 2,
    completed: 3,
    completionRate: 0.6,
    pendingExams: 1,
  }]]);
  const page = await get(trainer, studioStatsPath());
  assertEquals(page.status, 200);
  assertStringIncludes(page.text, `href="${studioCourseStatsPath(c.courseId)}"`);
  assertStringIncludes(page.text, '<td data-cell="rate">60');
});

Deno.test("the per-course page renders its charts and tables in Russian and English", async () => {
  await using t = await openTestApp();
  const { c, learners } = await fixture(t);
  const trainer = await signIn(t, "coach_a");
  const ru = await get(trainer, studioCourseStatsPath(c.courseId), "ru");
  assertEquals(ru.status, 200);
  assertStringIncludes(ru.text, "Воронка по шагам");
  assertStringIncludes(ru.text, "Активность по дням недели и часам");
  assertStringIncludes(ru.text, "Asia/Yekaterinburg");
  assertEquals([...ru.text.matchAll(/<svg[^>]*role="img"/g)].length, 4);
  assertEquals([...ru.text.matchAll(/<title id="chart-/g)].length, 4);
  assertStringIncludes(ru.text, `href="${studioLearnerPath(c.courseId, learners[0].id)}"`);
  assertStringIncludes(ru.text, `href="${studioCourseStatsCsvPath(c.courseId)}"`);
  const en = await get(trainer, studioCourseStatsPath(c.courseId), "en");
  assertEquals(en.status, 200);
  assertStringIncludes(en.text, "Step funnel");
  assertStringIncludes(en.text, "Rating distribution");
  // The day table: day 1 completed by 4 of 5 in a median of 45 min.
  assertStringIncludes(en.text, '<td data-cell="median">45\u00a0min</td>');
  const learner = await get(trainer, studioLearnerPath(c.courseId, learners[0].id), "en");
  assertEquals(learner.status, 200);
  assertStringIncludes(learner.text, 'data-exam="APPROVED"');
  assertStringIncludes(learner.text, "test 4 of 5");
  const learnerRu = await get(trainer, studioLearnerPath(c.courseId, learners[0].id), "ru");
  assertStringIncludes(learnerRu.text, "тест 4 из 5");
  // The studio menu and the course editor link to the statistics.
  assertStringIncludes((await get(trainer, "/studio")).text, `href="${studioStatsPath()}"`);
  assertStringIncludes(
    (await get(trainer, `/studio/courses/${c.courseId}`)).text,
    `href="${studioCourseStatsPath(c.courseId)}"`,
  );
});

Deno.test("the learner list searches by username and pages", async () => {
  await using t = await openTestApp();
  const { c } = await fixture(t);
  const trainer = await signIn(t, "coach_a");
  const found = await courseLearners(t.services, viewer(trainer), c.courseId, { q: "L3" });
  assertEquals(found.learners.map((l) => [l.username, l.status, l.daysCompleted]), [
    ["pupil_l3", "COMPLETED", 2],
  ]);
  // Enough learners for a second page.
  for (let i = 0; i < LEARNERS_PAGE; i++) {
    const u = await signIn(t, `zz_extra_${String(i).padStart(2, "0")}`);
    await t.services.db.insertInto("user_courses")
      .values({ user_id: u.id, course_id: c.courseId, status: "IN_PROGRESS" }).execute();
  }
  const second = await courseLearners(t.services, viewer(trainer), c.courseId, { page: "2" });
  assertEquals([second.total, second.page, second.pages], [LEARNERS_PAGE + 5, 2, 2]);
  assertEquals(second.learners.length, 5);
  assertEquals(second.learners[4].username, `zz_extra_${LEARNERS_PAGE - 1}`);
  const html = await get(trainer, studioCourseStatsPath(c.courseId, { q: "pupil_l", page: 1 }));
  assertEquals([...html.text.matchAll(/data-learner="([^"]+)"/g)].map((m) => m[1]), [
    "pupil_l1",
    "pupil_l2",
    "pupil_l3",
    "pupil_l4",
    "pupil_l5",
  ]);
});

Deno.test("the CSV has a BOM, one quoted row per learner, formula cells guarded, and an attachment name", async () => {
  await using t = await openTestApp();
  const { c, learners } = await fixture(t);
  const trainer = await signIn(t, "coach_a");
  const db = t.services.db;
  await db.updateTable("user_profiles").set({
    full_name: '=HYPERLINK("x"), "Иван"',
    is_public: true,
  })
    .where("user_id", "=", learners[0].id).execute();
  await db.updateTable("user_profiles").set({ full_name: "Secret Name", is_public: false })
    .where("user_id", "=", learners[1].id).execute();
  const res = await trainer.fetch(studioCourseStatsCsvPath(c.courseId));
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assertEquals(
    res.headers.get("content-disposition"),
    `attachment; filename="${c.slug}-progress.csv"`,
  );
  const bytes = new Uint8Array(await res.arrayBuffer());
  assertEquals([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const lines = text.slice(1).split("\r\n");
  assertEquals(
    lines[0],
    "user_id,username,full_name,status,started_at,completed_at,days_completed,days_total,steps_completed,steps_total,last_activity_at",
    "the same columns as the admin's export:progress (core/exports.ts, one export)",
  );
  assertEquals(lines.length, 1 + 5 + 1); // header, five learners, the empty tail after the last CRLF
  assertEquals(
    lines[1],
    `${
      learners[0].id
    },pupil_l1,"'=HYPERLINK(""x""), ""Иван""",COMPLETED,2026-03-02T06:00:00.000Z,2026-03-04T06:00:00.000Z,2,2,4,4,` +
      (await db.selectFrom("user_steps").select((eb) => eb.fn.max("updated_at").as("m"))
        .where("user_id", "=", learners[0].id).executeTakeFirstOrThrow()).m.toISOString(),
  );
  assert(!text.includes("Secret Name"), "a private profile's name is not exported");
  assert(lines[2].startsWith(`${learners[1].id},pupil_l2,,COMPLETED,`), lines[2]);
  assert(
    lines[5].startsWith(
      `${learners[4].id},pupil_l5,,IN_PROGRESS,2026-03-08T18:30:00.000Z,,0,2,1,4,`,
    ),
    lines[5],
  );
});

Deno.test("a learner's diary is hidden from the trainer until they share it on the course page, and hidden again when they stop", async () => {
  await using t = await openTestApp();
  const { c, learners } = await fixture(t);
  const trainer = await signIn(t, "coach_a");
  const pupil = learners[0];
  await t.services.db.insertInto("diary_entries").values({
    id: newId(),
    user_id: pupil.id,
    day_id: c.days[1].dayId,
    content: "Собака <b>сидела</b> пять минут",
  }).execute();
  const path = studioLearnerPath(c.courseId, pupil.id);

  let view = await get(trainer, path);
  assertEquals(view.status, 200);
  assertStringIncludes(view.text, 'data-diary="hidden"');
  assert(!view.text.includes("пять минут"), "no diary before sharing");

  // The learner sees the switch, off, on the course page.
  const coursePage = await get(pupil, coursePath(c.slug), "ru");
  assertStringIncludes(coursePage.text, "Показывать мой дневник тренеру курса");
  assertStringIncludes(coursePage.text, `action="${diarySharingPath(c.slug)}"`);
  assert(!/id="diary-shared"[^>]*checked/.test(coursePage.text), "off by default");

  const on = await postForm(t, pupil, diarySharingPath(c.slug), { shared: "on" });
  assertEquals(on.status, 303);
  assertEquals(on.headers.get("location"), `${coursePath(c.slug)}?diary=on#diary-sharing`);
  const afterOn = await get(pupil, `${coursePath(c.slug)}?diary=on`, "en");
  assertStringIncludes(afterOn.text, "The course's trainer can read your diary.");
  assertStringIncludes(afterOn.text, "Share my diary with the course's trainer");

  view = await get(trainer, path);
  assertStringIncludes(view.text, 'data-diary="shown"');
  assertStringIncludes(view.text, "Собака &lt;b>сидела&lt;/b> пять минут");

  const off = await postForm(t, pupil, diarySharingPath(c.slug), {});
  assertEquals(off.headers.get("location"), `${coursePath(c.slug)}?diary=off#diary-sharing`);
  view = await get(trainer, path);
  assertStringIncludes(view.text, 'data-diary="hidden"');
  assert(!view.text.includes("пять минут"));

  // Someone who has not started the course has no switch and cannot set one.
  const stranger = await signIn(t, "not_started");
  assert(!(await get(stranger, coursePath(c.slug))).text.includes("diary-shared"));
  const refused = await postForm(t, stranger, diarySharingPath(c.slug), { shared: "on" });
  assertEquals(refused.status, 404);
  await refused.body?.cancel();
});

Deno.test("access: another trainer gets 404 on stats, learner view and CSV; a learner 403; a moderator may read all", async () => {
  await using t = await openTestApp();
  const { c, learners, fan } = await fixture(t);
  const other: CourseFixture = await makeCourse(t, {
    author: "coach_b",
    days: [{ steps: [{ type: "THEORY" }] }],
  });
  const trainerB = await signIn(t, "coach_b");
  const user = learners[1];
  const moderator = await signIn(t, "moder", "MODERATOR");
  const paths = [
    studioCourseStatsPath(c.courseId),
    studioLearnerPath(c.courseId, learners[0].id),
    studioCourseStatsCsvPath(c.courseId),
  ];
  const status = async (who: Session, p: string) => {
    const r = await who.fetch(p);
    await r.body?.cancel();
    return r.status;
  };
  for (const p of paths) {
    assertEquals(await status(trainerB, p), 404, `trainer B: ${p}`);
    assertEquals(await status(user, p), 403, `learner: ${p}`);
    assertEquals(await status(moderator, p), 200, `moderator: ${p}`);
  }
  assertEquals(await status(user, studioStatsPath()), 403);
  // Trainer B's list has only their course; the moderator's has both.
  const listB = await get(trainerB, studioStatsPath());
  assert(!listB.text.includes(c.slug) && listB.text.includes(other.slug));
  const listM = await get(moderator, studioStatsPath());
  assert(listM.text.includes(c.slug) && listM.text.includes(other.slug));
  // A user who is not a learner of the course, and an id that is not one: 404.
  const trainer = await signIn(t, "coach_a");
  assertEquals(await status(trainer, studioLearnerPath(c.courseId, fan.id)), 404);
  assertEquals(await status(trainer, studioLearnerPath(c.courseId, "nope")), 404);
  assertEquals(await status(trainer, studioCourseStatsPath("nope")), 404);
});

Deno.test("on a 360 px phone the statistics and learner pages fit the screen (charts scale, wide tables scroll in their own box)", async () => {
  let paths: string[] = [];
  let cookie = "";
  await using env = await openBrowserEnv(async (t) => {
    const { c, learners } = await fixture(t);
    paths = [studioCourseStatsPath(c.courseId), studioLearnerPath(c.courseId, learners[0].id)];
    cookie = (await signIn(t, "coach_a")).cookie;
  });
  const eq = cookie.indexOf("=");
  await env.page.context().addCookies([
    { name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: env.origin },
  ]);
  await env.page.setViewportSize({ width: 360, height: 800 });
  for (const path of paths) {
    const res = await env.page.goto(env.origin + path);
    assertEquals(res?.status(), 200);
    const width = await env.page.evaluate(() => document.documentElement.scrollWidth);
    assertEquals(width, 360, `${path} is ${width} px wide`);
  }
  assertEquals(env.consoleErrors, []);
});
