/**
 * Looking writes nothing: the day page (GET) shows progress computed from
 * the rows that exist, and the learner's rows appear with their first action
 * (a step without a row is NOT_STARTED). Theory is read by an action, sent
 * by the island or by its "read" button without JavaScript.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { stepApiPath } from "@/core/paths.ts";
import { actAt, dayUrl, makeCourse, QUESTIONS, userStepIds } from "./helpers.ts";

/** Every row a learner's visit could write, in a stable order. */
async function snapshot(t: TestApp) {
  const db = t.services.db;
  return {
    trainings: await db.selectFrom("user_trainings").selectAll().orderBy("id").execute(),
    steps: await db.selectFrom("user_steps").selectAll().orderBy("id").execute(),
    courses: await db.selectFrom("user_courses").selectAll().orderBy("course_id").execute(),
    notifications: await db.selectFrom("notifications").selectAll().orderBy("id").execute(),
    diary: await db.selectFrom("diary_entries").selectAll().orderBy("id").execute(),
    exams: await db.selectFrom("exam_results").selectAll().orderBy("id").execute(),
  };
}

async function get(who: { fetch(p: string): Promise<Response> }, path: string): Promise<string> {
  const r = await who.fetch(path);
  assertEquals(r.status, 200, path);
  return await r.text();
}

Deno.test("opening the day page writes nothing: a new learner, twice, a theory step open", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{
      steps: [
        { type: "THEORY", title: "Теория" },
        { type: "TRAINING", durationSec: 60 },
        { type: "THEORY", title: "Ещё теория" },
        { type: "DIARY" },
        { type: "EXAMINATION", checklist: QUESTIONS },
      ],
    }],
  });
  const learner = await signIn(t, "looker");
  const before = await snapshot(t);
  const html = await get(learner, dayUrl(c));
  await get(learner, dayUrl(c));
  await get(learner, `${dayUrl(c)}?step=3`);
  await get(learner, `${dayUrl(c)}?open=${c.days[0].stepOnDayIds[2]}`);
  assertEquals(await snapshot(t), before);
  assertEquals(before.steps, []);
  // What the page shows comes from what exists: every step NOT_STARTED, each with its controls.
  assert(!html.includes('data-status="COMPLETED"'), "nothing shown as read");
  assertMatch(html, /data-day-status="true" data-status="NOT_STARTED"/);
  for (const sd of c.days[0].stepOnDayIds) {
    assertMatch(html, new RegExp(`name="step" value="${sd}"`));
  }
});

Deno.test("opening the day page writes nothing for a learner with progress, a theory step open", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "PRACTICE" }, { type: "THEORY" }, { type: "THEORY" }] }],
  });
  const learner = await signIn(t, "returner");
  const { dayOnCourseId, stepOnDayIds: sd } = c.days[0];
  assertEquals((await actAt(learner, dayOnCourseId, sd[0], "complete")).status, 200);
  const before = await snapshot(t);
  assertEquals(before.steps.length, 3);
  // The first unfinished step (theory) is expanded by default; then the other one by index.
  await get(learner, dayUrl(c));
  await get(learner, dayUrl(c));
  await get(learner, `${dayUrl(c)}?step=3`);
  // The state API reads too.
  const state = await learner.fetch(stepApiPath(dayOnCourseId, sd[1]));
  assertEquals((await state.json()).step.status, "NOT_STARTED");
  assertEquals(await snapshot(t), before);
});

Deno.test("the step state of a day never acted on is NOT_STARTED, read without writing", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "TRAINING", durationSec: 90 }] }] });
  const learner = await signIn(t, "peek");
  const before = await snapshot(t);
  const r = await learner.fetch(stepApiPath(c.days[0].dayOnCourseId, c.days[0].stepOnDayIds[0]));
  assertEquals(r.status, 200);
  const { step } = await r.json();
  assertEquals([step.status, step.paused, step.remainingMs], ["NOT_STARTED", false, 90_000]);
  assertEquals(await snapshot(t), before);
});

Deno.test("the first action on a step of a never-opened day works and creates the rows once", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [
      { steps: [{ type: "PRACTICE" }] },
      { steps: [{ type: "THEORY" }, { type: "TRAINING", durationSec: 60 }, { type: "PRACTICE" }] },
    ],
  });
  const learner = await signIn(t, "starter");
  const { dayOnCourseId, stepOnDayIds: sd } = c.days[1];
  const r = await actAt(learner, dayOnCourseId, sd[1], "start");
  assertEquals(r.status, 200);
  assertEquals((r.json.step as { status: string }).status, "IN_PROGRESS");
  assertEquals((r.json.day as { status: string }).status, "IN_PROGRESS");
  const ids = await userStepIds(t, learner.id, c, 1);
  assertEquals(ids.length, 3);
  // Only that day got rows.
  assertEquals(await userStepIds(t, learner.id, c, 0), []);
  // More actions on the day reuse them.
  assertEquals((await actAt(learner, dayOnCourseId, sd[2], "complete")).status, 200);
  assertEquals(await userStepIds(t, learner.id, c, 1), ids);
  const trainings = await t.services.db.selectFrom("user_trainings").select("id")
    .where("user_id", "=", learner.id).execute();
  assertEquals(trainings.length, 1);
});

Deno.test("theory is read by its action, once; the no-JavaScript 'read' button does it too", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "THEORY", title: "Читать" }, { type: "THEORY" }] }],
  });
  const learner = await signIn(t, "reader2");
  const { dayOnCourseId, stepOnDayIds: sd } = c.days[0];
  // Without JavaScript: the expanded theory step shows its button, a form POST to the page.
  const html = await get(learner, dayUrl(c));
  assertMatch(
    html,
    new RegExp(
      `<form method="post" action="${dayUrl(c)}">.*?name="_action" value="complete"/>` +
        `<input type="hidden" name="step" value="${sd[0]}"/><button[^>]*>Прочитано</button>`,
    ),
  );
  const form = await learner.post(dayUrl(c), { _action: "complete", step: sd[0] });
  assertEquals(form.status, 303);
  assertEquals(form.headers.get("location"), `${dayUrl(c)}#step-${sd[0]}`);
  await form.body?.cancel();
  const [first, second] = await userStepIds(t, learner.id, c);
  const row = async (id: string) =>
    await t.services.db.selectFrom("user_steps").selectAll().where("id", "=", id)
      .executeTakeFirstOrThrow();
  const read = await row(first);
  assertEquals(read.status, "COMPLETED");
  // Once: a second read changes nothing.
  const again = await actAt(learner, dayOnCourseId, sd[0], "complete");
  assertEquals([again.status, again.json.day], [200, null]);
  assertEquals((await row(first)).completed_at, read.completed_at);
  // With JavaScript the island sends the same action; the last read completes the day.
  const last = await actAt(learner, dayOnCourseId, sd[1], "complete");
  assertEquals((last.json.day as { status: string }).status, "COMPLETED");
  assertEquals(last.json.celebrate, "course");
  assertEquals((await row(second)).status, "COMPLETED");
});

Deno.test("a first action on a course the learner may not see is 404 and creates nothing", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    access: "PRIVATE",
    days: [{ steps: [{ type: "PRACTICE" }, { type: "THEORY" }] }],
  });
  const outsider = await signIn(t, "outsider2");
  const before = await snapshot(t);
  const { dayOnCourseId, stepOnDayIds: sd } = c.days[0];
  for (const [stepOnDayId, action] of [[sd[0], "complete"], [sd[1], "complete"]] as const) {
    const r = await actAt(outsider, dayOnCourseId, stepOnDayId, action);
    assertEquals([r.status, r.json.error], [404, "not_found"]);
  }
  const form = await outsider.post(dayUrl(c), { _action: "complete", step: sd[1] });
  assertEquals(form.status, 404);
  await form.body?.cancel();
  const state = await outsider.fetch(stepApiPath(dayOnCourseId, sd[0]));
  assertEquals(state.status, 404);
  await state.body?.cancel();
  assertEquals(await snapshot(t), before);
});
