/**
 * Who may train where: a learner reaches only their own steps, private
 * courses only with access, the summary day only after every other day;
 * shared days count in every course that uses them.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { dayStatuses } from "@/core/training/progress.ts";
import { stepApiPath } from "@/core/paths.ts";
import {
  act,
  courseRow,
  dayUrl,
  makeCourse,
  openDayAs,
  QUESTIONS,
  stepApi,
  stepRow,
} from "./helpers.ts";

Deno.test("a learner cannot see or change another learner's steps, diary or exam (404)", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{
      steps: [
        { type: "TRAINING", durationSec: 60 },
        { type: "PRACTICE" },
        { type: "DIARY" },
        { type: "EXAMINATION", checklist: QUESTIONS, requiresWritten: true },
      ],
    }],
  });
  const owner = await signIn(t, "owner1");
  const other = await signIn(t, "intruder");
  const [timer, practice, diary, exam] = await openDayAs(t, owner, c);
  const dc = c.days[0].dayOnCourseId;

  // Steps are addressed by where they are, for the signed-in learner: the
  // owner's row ids (guessed or leaked) address nothing.
  for (
    const [id, action, body] of [
      [timer, "start", {}],
      [timer, "pause", {}],
      [timer, "reset", {}],
      [practice, "complete", {}],
      [diary, "diary", { content: "чужая запись" }],
      [exam, "exam", { answers: { q1: 1, q2: 0 }, written: "ответ" }],
    ] as const
  ) {
    const res = await other.fetch(stepApiPath(dc, id, action), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assertEquals(res.status, 404, `${action} on another learner's step`);
    assertEquals((await res.json()).error, "not_found");
  }
  const state = await other.fetch(stepApiPath(dc, timer));
  assertEquals(state.status, 404);
  await state.body?.cancel();
  // A form on the day page is refused the same way.
  const form = await other.post(dayUrl(c), { _action: "complete", step: practice });
  assertEquals(form.status, 404);
  await form.body?.cancel();

  // The same steps, addressed properly, are the intruder's own: the owner's stay untouched.
  const sd = c.days[0].stepOnDayIds;
  const own = await other.fetch(stepApiPath(dc, sd[1], "complete"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assertEquals(own.status, 200);
  await own.body?.cancel();
  const diaryRes = await other.fetch(stepApiPath(dc, sd[2], "diary"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ content: "своя запись" }),
  });
  assertEquals(diaryRes.status, 200);
  await diaryRes.body?.cancel();

  for (const id of [timer, practice, diary, exam]) {
    assertEquals((await stepRow(t, id)).status, "NOT_STARTED");
  }
  const diaries = await t.services.db.selectFrom("diary_entries").selectAll()
    .where("user_id", "=", owner.id).execute();
  assertEquals(diaries, []);
  const exams = await t.services.db.selectFrom("exam_results").selectAll().execute();
  assertEquals(exams, []);
});

Deno.test("visitors are sent to log in; the API answers 401; a missing CSRF token is 403", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "PRACTICE" }] }] });
  const learner = await signIn(t, "kira");
  const [step] = await openDayAs(t, learner, c);

  const page = await t.fetch(dayUrl(c), { redirect: "manual" });
  assertEquals(page.status, 303);
  assertEquals(page.headers.get("location"), `/login?next=${encodeURIComponent(dayUrl(c))}`);
  const api = await t.fetch(stepApi(step));
  assertEquals(api.status, 401);
  await api.body?.cancel();

  const noCsrf = await t.fetch(stepApi(step, "complete"), {
    method: "POST",
    headers: learner.headers({ "content-type": "application/json" }),
    body: "{}",
  });
  assertEquals(noCsrf.status, 403);
  await noCsrf.body?.cancel();
  assertEquals((await stepRow(t, step)).status, "NOT_STARTED");
});

Deno.test("private course days: 404 without access (page and API), open with access", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { access: "PRIVATE", days: [{ steps: [{ type: "PRACTICE" }] }] });
  const insider = await signIn(t, "insider");
  const outsider = await signIn(t, "outsider");
  await t.services.db.insertInto("course_access")
    .values({ course_id: c.courseId, user_id: insider.id }).execute();

  const refused = await outsider.fetch(dayUrl(c));
  assertEquals(refused.status, 404);
  await refused.body?.cancel();
  const [step] = await openDayAs(t, insider, c);
  assertEquals((await act(insider, step, "complete")).status, 200);

  // Access revoked: the learner's own step is no longer reachable.
  await t.services.db.deleteFrom("course_access").where("user_id", "=", insider.id).execute();
  assertEquals((await act(insider, step, "reset")).status, 404);
  assertEquals((await act(insider, step, "complete")).status, 404, "complete checks access too");
  assertEquals((await stepRow(t, step)).status, "COMPLETED", "and changes nothing");
  const gone = await insider.fetch(dayUrl(c));
  assertEquals(gone.status, 404);
  await gone.body?.cancel();
  // The author and staff may always open it.
  const admin = await signIn(t, "boss", "ADMIN");
  const ok = await admin.fetch(dayUrl(c));
  assertEquals(ok.status, 200);
  await ok.body?.cancel();
});

Deno.test("an unknown day, a day of another course or a bad id is 404", async () => {
  await using t = await openTestApp();
  const c1 = await makeCourse(t, { days: [{ steps: [{ type: "PRACTICE" }] }] });
  const c2 = await makeCourse(t, { days: [{ steps: [{ type: "PRACTICE" }] }] });
  const learner = await signIn(t, "mila");
  for (
    const path of [
      `/courses/${c1.slug}/days/${c2.days[0].dayOnCourseId}`,
      `/courses/${c1.slug}/days/not-an-id`,
      `/courses/no-such-course/days/${c1.days[0].dayOnCourseId}`,
    ]
  ) {
    const r = await learner.fetch(path);
    assertEquals(r.status, 404, path);
    await r.body?.cancel();
  }
  // A step that is not on that day (unknown, another course's, not an id) is 404 too.
  const dc = c1.days[0].dayOnCourseId;
  for (
    const path of [
      stepApiPath(dc, "0191d2c4-0000-7000-8000-000000000000", "complete"),
      stepApiPath(dc, c2.days[0].stepOnDayIds[0], "complete"),
      stepApiPath(c2.days[0].dayOnCourseId, c1.days[0].stepOnDayIds[0], "complete"),
      stepApiPath("not-an-id", c1.days[0].stepOnDayIds[0], "complete"),
    ]
  ) {
    const r = await learner.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assertEquals(r.status, 404, path);
    await r.body?.cancel();
  }
  assertEquals(await t.services.db.selectFrom("user_steps").selectAll().execute(), []);
});

Deno.test("the summary day stays locked until every other day is complete (page 403, API 403)", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [
      { steps: [{ type: "PRACTICE" }] },
      { steps: [] }, // an empty day does not hold the summary back
      { type: "summary", steps: [{ type: "PRACTICE" }] },
    ],
  });
  const learner = await signIn(t, "sasha");
  const locked = await learner.fetch(dayUrl(c, 2));
  assertEquals(locked.status, 403);
  const html = await locked.text();
  assertStringIncludes(html, "Подведение итогов пока закрыто");
  assertStringIncludes(html, "Осталось дней: 1.");
  assertEquals(
    (await t.services.db.selectFrom("user_trainings").selectAll().execute()).length,
    0,
    "a locked day creates no rows",
  );
  let statuses = await dayStatuses(t.services, learner.id, c.courseId);
  assert(statuses.locked.has(c.days[2].dayOnCourseId));

  const [first] = await openDayAs(t, learner, c, 0);
  await act(learner, first, "complete");
  statuses = await dayStatuses(t.services, learner.id, c.courseId);
  assertEquals(statuses.locked.size, 0);
  const [summaryStep] = await openDayAs(t, learner, c, 2);

  // Undo a step of the first day: the summary closes again, for the API too.
  await act(learner, first, "reset");
  const r = await act(learner, summaryStep, "complete");
  assertEquals([r.status, r.json.error], [403, "day_locked"]);
  assertEquals(
    r.json.message,
    "Этот день откроется, когда вы завершите все остальные дни курса.",
  );
  assertEquals((await stepRow(t, summaryStep)).status, "NOT_STARTED");
});

Deno.test("a shared day completed in one course counts as done in every course using it", async () => {
  await using t = await openTestApp();
  const a = await makeCourse(t, {
    days: [{ shared: true, title: "Шлейка", steps: [{ type: "PRACTICE" }, { type: "PRACTICE" }] }],
  });
  const sharedDayId = a.days[0].dayId;
  const b = await makeCourse(t, {
    days: [
      { dayId: sharedDayId, steps: [] },
      { steps: [{ type: "PRACTICE" }] },
      { type: "summary", steps: [{ type: "PRACTICE" }] },
    ],
  });
  const plain = await makeCourse(t, { days: [{ steps: [{ type: "PRACTICE" }] }] });
  const learner = await signIn(t, "nina");

  const [own] = await openDayAs(t, learner, b, 1); // starts course B
  assertEquals((await courseRow(t, learner.id, b.courseId))?.status, "NOT_STARTED");

  const [s1, s2] = await openDayAs(t, learner, a, 0);
  await act(learner, s1, "complete");
  const r = await act(learner, s2, "complete");
  assertEquals(r.json.course, { status: "COMPLETED" }, "course A is done");
  // Course B's roll-up saw the shared day in the same transaction.
  assertEquals((await courseRow(t, learner.id, b.courseId))?.status, "IN_PROGRESS");
  const inB = await dayStatuses(t.services, learner.id, b.courseId);
  assertEquals(inB.get(b.days[0].dayOnCourseId), "COMPLETED");
  assertEquals(inB.get(b.days[1].dayOnCourseId), "NOT_STARTED");
  assert(inB.locked.has(b.days[2].dayOnCourseId));

  // The day page in course B says so.
  const html = await (await learner.fetch(dayUrl(b, 0))).text();
  assertStringIncludes(html, "Этот день уже засчитан");
  assertMatch(html, /data-day-status[^>]*data-status="COMPLETED"/);

  await act(learner, own, "complete");
  const [last] = await openDayAs(t, learner, b, 2);
  const done = await act(learner, last, "complete");
  assertEquals(done.json.course, { status: "COMPLETED" });

  // A day that is not shared counts only where it was done.
  const [p] = await openDayAs(t, learner, plain, 0);
  await act(learner, p, "complete");
  const again = await dayStatuses(t.services, learner.id, a.courseId);
  assertEquals([...again.values()], ["COMPLETED"]);
});
