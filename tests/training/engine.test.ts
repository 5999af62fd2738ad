/**
 * The progress engine: lazy rows, every status transition of a step, and
 * the roll-up to day and course (statuses, dates, current step).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { deriveCourseStatus, deriveStatus } from "@/core/training/status.ts";
import { dayStatuses } from "@/core/training/progress.ts";
import {
  act,
  actAt,
  age,
  courseRow,
  dayStatus,
  dayUrl,
  makeCourse,
  openDayAs,
  stepRow,
  userStepIds,
} from "./helpers.ts";

Deno.test("roll-up rule: a day's status is derived from its steps as in the original", () => {
  const s = (status: "NOT_STARTED" | "IN_PROGRESS" | "COMPLETED" | "RESET", paused = false) => ({
    status,
    paused,
  });
  assertEquals(deriveStatus([]), "NOT_STARTED");
  assertEquals(deriveStatus([s("NOT_STARTED"), s("NOT_STARTED")]), "NOT_STARTED");
  assertEquals(deriveStatus([s("COMPLETED"), s("COMPLETED")]), "COMPLETED");
  assertEquals(deriveStatus([s("COMPLETED"), s("NOT_STARTED")]), "IN_PROGRESS");
  assertEquals(deriveStatus([s("IN_PROGRESS", true), s("NOT_STARTED")]), "IN_PROGRESS");
  assertEquals(deriveStatus([s("RESET"), s("NOT_STARTED")]), "RESET");
  assertEquals(deriveStatus([s("RESET"), s("COMPLETED")]), "IN_PROGRESS");
  // Days without steps do not hold a course back.
  assertEquals(
    deriveCourseStatus([{ status: "COMPLETED", stepCount: 2 }, {
      status: "NOT_STARTED",
      stepCount: 0,
    }]),
    "COMPLETED",
  );
});

Deno.test("the learner's first action on a day creates their rows once; opening it, none", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "PRACTICE" }, { type: "PRACTICE" }] }],
  });
  const learner = await signIn(t, "anna");
  assertEquals(await userStepIds(t, learner.id, c), []);
  assertEquals(await courseRow(t, learner.id, c.courseId), undefined);
  const page = await learner.fetch(dayUrl(c));
  assertEquals(page.status, 200);
  await page.body?.cancel();
  assertEquals(await userStepIds(t, learner.id, c), []);
  assertEquals(await courseRow(t, learner.id, c.courseId), undefined);
  // A reset of a step never started changes nothing, but is the learner's first action.
  const { dayOnCourseId, stepOnDayIds: sd } = c.days[0];
  assertEquals((await actAt(learner, dayOnCourseId, sd[1], "reset")).status, 200);
  const ids = await userStepIds(t, learner.id, c);
  assertEquals(ids.length, 2);
  assertEquals((await actAt(learner, dayOnCourseId, sd[0], "reset")).status, 200);
  assertEquals(await userStepIds(t, learner.id, c), ids);
  const uc = await courseRow(t, learner.id, c.courseId);
  assertEquals(uc?.status, "NOT_STARTED");
  assertEquals(uc?.started_at, null);
  assertEquals(await dayStatus(t, learner.id, c.days[0].dayOnCourseId), "NOT_STARTED");
});

Deno.test("completing steps rolls up: step → day → course with dates; twice is a no-op", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [
      { steps: [{ type: "PRACTICE" }, { type: "PRACTICE" }] },
      { steps: [{ type: "PRACTICE" }] },
    ],
  });
  const learner = await signIn(t, "boris");
  const [a, b] = await openDayAs(t, learner, c, 0);

  const r1 = await act(learner, a, "complete");
  assertEquals(r1.status, 200);
  assertEquals((r1.json.step as { status: string }).status, "COMPLETED");
  assertEquals(r1.json.day, { status: "IN_PROGRESS" });
  assertEquals(r1.json.course, { status: "IN_PROGRESS" });
  assertEquals(r1.json.celebrate, null);
  const ut = await t.services.db.selectFrom("user_trainings").selectAll()
    .where("user_id", "=", learner.id).where("day_on_course_id", "=", c.days[0].dayOnCourseId)
    .executeTakeFirstOrThrow();
  assertEquals(ut.current_step_index, 1);
  assert(ut.started_at);
  const started = (await courseRow(t, learner.id, c.courseId))!.started_at;
  assert(started);

  // Completing again changes nothing (no roll-up, same completion time).
  const before = await stepRow(t, a);
  const again = await act(learner, a, "complete");
  assertEquals(again.status, 200);
  assertEquals(again.json.day, null);
  assertEquals((await stepRow(t, a)).completed_at, before.completed_at);

  const r2 = await act(learner, b, "complete");
  assertEquals(r2.json.day, { status: "COMPLETED" });
  assertEquals(r2.json.course, { status: "IN_PROGRESS" });
  assertEquals(r2.json.celebrate, "day");
  const day0 = await t.services.db.selectFrom("user_trainings").selectAll()
    .where("id", "=", ut.id).executeTakeFirstOrThrow();
  assert(day0.completed_at);

  const [x] = await openDayAs(t, learner, c, 1);
  const r3 = await act(learner, x, "complete");
  assertEquals(r3.json.course, { status: "COMPLETED" });
  assertEquals(r3.json.celebrate, "course");
  const uc = await courseRow(t, learner.id, c.courseId);
  assertEquals(uc?.status, "COMPLETED");
  assert(uc?.completed_at);
  assertEquals(uc?.started_at?.getTime(), started.getTime(), "started_at is set once");

  // Resetting a step of a completed course takes the course back to IN_PROGRESS.
  const r4 = await act(learner, x, "reset");
  assertEquals((r4.json.step as { status: string }).status, "RESET");
  assertEquals(r4.json.day, { status: "RESET" });
  assertEquals(r4.json.course, { status: "IN_PROGRESS" });
  assertEquals((await courseRow(t, learner.id, c.courseId))?.completed_at, null);

  const statuses = await dayStatuses(t.services, learner.id, c.courseId);
  assertEquals([...statuses.values()], ["COMPLETED", "RESET"]);
});

Deno.test("a timer goes NOT_STARTED → running → paused → running → COMPLETED → RESET", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "TRAINING", durationSec: 60 }, { type: "PRACTICE" }] }],
  });
  const learner = await signIn(t, "vera");
  const [timer] = await openDayAs(t, learner, c);

  const start = await act(learner, timer, "start");
  assertEquals(start.status, 200);
  let row = await stepRow(t, timer);
  assertEquals([row.status, row.paused, row.remaining_sec], ["IN_PROGRESS", false, 60]);
  assert(row.timer_ends_at && row.timer_started_at && row.notification_job_id);
  assertEquals(row.timer_ends_at.getTime() - row.timer_started_at.getTime(), 60_000);
  assertEquals(start.json.day, { status: "IN_PROGRESS" });

  await age(t, timer, 20_000);
  const pause = await act(learner, timer, "pause");
  assertEquals(pause.status, 200);
  row = await stepRow(t, timer);
  assertEquals([row.status, row.paused, row.timer_ends_at], ["IN_PROGRESS", true, null]);
  assert(row.remaining_sec! >= 40 && row.remaining_sec! <= 41, `remaining ${row.remaining_sec}`);
  assertEquals(row.active_seconds, 20);
  assertEquals(row.notification_job_id, null);
  assertEquals(await dayStatus(t, learner.id, c.days[0].dayOnCourseId), "IN_PROGRESS");

  const resume = await act(learner, timer, "resume");
  assertEquals(resume.status, 200);
  row = await stepRow(t, timer);
  assertEquals([row.paused, row.remaining_sec], [false, row.remaining_sec]);
  const left = row.timer_ends_at!.getTime() - Date.now();
  assert(left > 38_000 && left <= 41_000, `left ${left}`);

  await age(t, timer, 41_000);
  const done = await act(learner, timer, "complete");
  assertEquals(done.status, 200);
  row = await stepRow(t, timer);
  assertEquals(row.status, "COMPLETED");
  assert(row.active_seconds >= 60 && row.active_seconds <= 61, `active ${row.active_seconds}`);

  const reset = await act(learner, timer, "reset");
  assertEquals(reset.status, 200);
  row = await stepRow(t, timer);
  assertEquals([row.status, row.completed_at, row.timer_ends_at], ["RESET", null, null]);
  assertEquals(await dayStatus(t, learner.id, c.days[0].dayOnCourseId), "RESET");
  // Time trained is kept for statistics.
  assert(row.active_seconds >= 60);

  // Reset of a step never started changes nothing; theory/diary/exam have no reset.
  const [, practice] = await userStepIds(t, learner.id, c);
  const noop = await act(learner, practice, "reset");
  assertEquals([noop.status, noop.json.day], [200, null]);
  assertEquals((await stepRow(t, practice)).status, "NOT_STARTED");
});

Deno.test("a timer cannot be completed before its end (2 s tolerance), nor a timer not started", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "BREAK", durationSec: 30 }] }] });
  const learner = await signIn(t, "gleb");
  const [timer] = await openDayAs(t, learner, c);

  const notStarted = await act(learner, timer, "complete");
  assertEquals([notStarted.status, notStarted.json.error], [409, "too_early"]);
  assertEquals(notStarted.json.message, "Таймер ещё не закончился.");

  await act(learner, timer, "start");
  const early = await act(learner, timer, "complete");
  assertEquals([early.status, early.json.error], [409, "too_early"]);
  assert((early.json.remainingMs as number) > 25_000);
  assertEquals((await stepRow(t, timer)).status, "IN_PROGRESS");

  await age(t, timer, 28_500); // 1.5 s left: within the tolerance
  const ok = await act(learner, timer, "complete");
  assertEquals(ok.status, 200);
  assertEquals((await stepRow(t, timer)).status, "COMPLETED");
});

Deno.test("THEORY is read by its action, not by the page showing it expanded", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "THEORY" }, { type: "PRACTICE" }, { type: "THEORY" }] }],
  });
  const learner = await signIn(t, "dina");
  const { dayOnCourseId, stepOnDayIds: sd } = c.days[0];
  // First visit: the first step (theory) is expanded, and only shown.
  const first = await learner.fetch(dayUrl(c));
  assertEquals(first.status, 200);
  await first.body?.cancel();
  assertEquals(await userStepIds(t, learner.id, c), []);
  // Reading it is an action (the island sends it when the step opens).
  assertEquals((await actAt(learner, dayOnCourseId, sd[0], "complete")).status, 200);
  const [theory, practice, theory2] = await userStepIds(t, learner.id, c);
  assertEquals((await stepRow(t, theory)).status, "COMPLETED");
  assertEquals((await stepRow(t, theory2)).status, "NOT_STARTED");
  assertEquals(await dayStatus(t, learner.id, dayOnCourseId), "IN_PROGRESS");
  // Practice is expanded now and is not completed by looking at it.
  await (await learner.fetch(dayUrl(c))).body?.cancel();
  assertEquals((await stepRow(t, practice)).status, "NOT_STARTED");
  // Asking for the third step expands it without reading it; its action reads it, once.
  await (await learner.fetch(`${dayUrl(c)}?step=3`)).body?.cancel();
  assertEquals((await stepRow(t, theory2)).status, "NOT_STARTED");
  assertEquals((await act(learner, theory2, "complete")).status, 200);
  const read = await stepRow(t, theory2);
  assertEquals(read.status, "COMPLETED");
  const again = await act(learner, theory2, "complete");
  assertEquals([again.status, again.json.day], [200, null]);
  assertEquals((await stepRow(t, theory2)).completed_at, read.completed_at);
  // DIARY and EXAMINATION are not completed with the generic action.
});
