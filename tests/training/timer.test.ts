/**
 * Timers: one running timer per learner, the clock after a reload, the
 * "step finished" job (cancelled by pause and reset; idempotent when
 * delivered twice; superseded jobs do nothing).
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import stepFinished from "@/queues/jobs/step_finished.ts";
import type { JobContext } from "@/queues/define.ts";
import type { Services } from "@/core/services.ts";
import { isUniqueViolation } from "@/db/connection.ts";
import { act, age, dayUrl, makeCourse, openDayAs, stepRow } from "./helpers.ts";

function jobCtx(services: Services, id: string): JobContext {
  return {
    services,
    job: { id, name: "step-finished", queue: "notifications", attempt: 1, maxAttempts: 4 },
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    once: () => Promise.reject(new Error("not used")),
  };
}

async function notifications(t: { services: Services }, userId: string) {
  return await t.services.db.selectFrom("notifications").select(["kind", "title", "body", "url"])
    .where("user_id", "=", userId).execute();
}

Deno.test("one running timer per learner: the second start is 409 naming the first; switch pauses it", async () => {
  await using t = await openTestApp();
  const c1 = await makeCourse(t, {
    days: [{ steps: [{ type: "TRAINING", title: "Сидеть", durationSec: 120 }] }],
  });
  const c2 = await makeCourse(t, {
    days: [{ steps: [{ type: "BREAK", title: "Отдых", durationSec: 60 }] }],
  });
  const learner = await signIn(t, "timur");
  const [a] = await openDayAs(t, learner, c1);
  const [b] = await openDayAs(t, learner, c2);

  assertEquals((await act(learner, a, "start")).status, 200);
  const refused = await act(learner, b, "start");
  assertEquals(refused.status, 409);
  assertEquals(refused.json.error, "timer_running");
  assertEquals(refused.json.runningStepId, a);
  assertEquals(refused.json.title, "Сидеть");
  assertEquals(refused.json.message, "Уже идёт таймер другого шага: «Сидеть».");
  assertEquals(refused.json.url, `${dayUrl(c1)}#step-${c1.days[0].stepOnDayIds[0]}`);
  assertEquals((await stepRow(t, b)).status, "NOT_STARTED");

  // The database enforces it too, whatever the code does.
  const row = await stepRow(t, b);
  let violated = false;
  try {
    await t.services.db.updateTable("user_steps").set({
      status: "IN_PROGRESS",
      timer_started_at: new Date(),
      timer_ends_at: new Date(Date.now() + 60_000),
    }).where("id", "=", row.id).execute();
  } catch (e) {
    violated = isUniqueViolation(e, "user_steps_one_running_timer");
  }
  assert(violated, "the partial unique index refuses a second running timer");

  const switched = await act(learner, b, "start", { pauseOther: true });
  assertEquals(switched.status, 200);
  const ra = await stepRow(t, a);
  assertEquals([ra.status, ra.paused], ["IN_PROGRESS", true]);
  assertEquals((await stepRow(t, b)).paused, false);

  // A timer whose time is already up does not block: it is completed instead.
  await age(t, b, 61_000);
  const resumed = await act(learner, a, "resume");
  assertEquals(resumed.status, 200);
  assertEquals((await stepRow(t, b)).status, "COMPLETED");
});

Deno.test("after a reload the page shows the same clock and end time (running and paused)", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "TRAINING", durationSec: 300 }] }] });
  const learner = await signIn(t, "rita");
  const [timer] = await openDayAs(t, learner, c);

  const page = async () => await (await learner.fetch(dayUrl(c))).text();
  const clock = (html: string) => /data-timer-clock[^>]*>([^<]+)</.exec(html)?.[1];
  const info = (html: string) => /data-timer-info[^>]*>([^<]*)</.exec(html)?.[1];

  assertEquals(clock(await page()), "5:00");
  await act(learner, timer, "start");
  await age(t, timer, 65_000);
  const first = await page();
  const second = await page();
  assertMatch(clock(first)!, /^3:5[45]$/);
  assertEquals(clock(second), clock(first));
  const end = (await stepRow(t, timer)).timer_ends_at!;
  const hhmmss = new Intl.DateTimeFormat("ru-RU", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZone: "Europe/Moscow",
  }).format(end);
  assertEquals(info(first), `Закончится в ${hhmmss}`);
  assertEquals(info(second), info(first));

  await act(learner, timer, "pause");
  const paused1 = await page();
  await new Promise((r) => setTimeout(r, 1100));
  const paused2 = await page();
  assertEquals(clock(paused1), clock(paused2), "a paused clock does not move");
  assertMatch(info(paused1)!, /^На паузе, осталось 3:5\d$/);
  assertMatch(paused1, /data-status="PAUSED"[^>]*>На паузе</);
});

Deno.test("start schedules the step-finished job; pause and reset cancel it", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "TRAINING", durationSec: 90 }] }] });
  const learner = await signIn(t, "pavel");
  const [timer] = await openDayAs(t, learner, c);
  const jobs = t.services.jobs;

  await act(learner, timer, "start");
  const first = (await stepRow(t, timer)).notification_job_id!;
  const job = await jobs.get(first);
  assertEquals(job?.name, "step-finished");
  assertEquals(job?.payload, { userStepId: timer });
  assertEquals(job?.state, "delayed");
  const delay = job!.runAt.getTime() - job!.createdAt.getTime();
  assert(delay > 89_000 && delay <= 90_000, `delay ${delay}`);

  await act(learner, timer, "pause");
  assertEquals((await jobs.get(first))?.state, "cancelled");
  assertEquals((await stepRow(t, timer)).notification_job_id, null);

  await act(learner, timer, "resume");
  const second = (await stepRow(t, timer)).notification_job_id!;
  assert(second !== first);
  assertEquals((await jobs.get(second))?.state, "delayed");
  await act(learner, timer, "reset");
  assertEquals((await jobs.get(second))?.state, "cancelled");
});

Deno.test("step-finished completes the step and notifies once, even when delivered twice", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "TRAINING", title: "Лежать", durationSec: 60 }] }],
  });
  const learner = await signIn(t, "olga");
  const [timer] = await openDayAs(t, learner, c);
  await act(learner, timer, "start");
  const jobId = (await stepRow(t, timer)).notification_job_id!;

  // Delivered before its time (clock skew): rescheduled, not completed.
  const early = await stepFinished.handler({ userStepId: timer }, jobCtx(t.services, jobId)) as {
    completed: boolean;
    rescheduled?: string;
  };
  assertEquals(early.completed, false);
  const newJob = early.rescheduled!;
  assert(newJob && newJob !== jobId);
  assertEquals((await stepRow(t, timer)).notification_job_id, newJob);

  await age(t, timer, 60_000);
  // The old job is superseded: it does nothing.
  const stale = await stepFinished.handler({ userStepId: timer }, jobCtx(t.services, jobId));
  assertEquals(stale, { completed: false });
  assertEquals((await stepRow(t, timer)).status, "IN_PROGRESS");

  const r1 = await stepFinished.handler({ userStepId: timer }, jobCtx(t.services, newJob));
  const r2 = await stepFinished.handler({ userStepId: timer }, jobCtx(t.services, newJob));
  assertEquals([r1, r2], [{ completed: true, rescheduled: undefined }, { completed: false }]);
  const row = await stepRow(t, timer);
  assertEquals(row.status, "COMPLETED");
  assertEquals(row.active_seconds, 60);
  const sent = await notifications(t, learner.id);
  assertEquals(sent.length, 1);
  assertEquals(sent[0].kind, "step.finished");
  assertEquals(sent[0].title, "Вы великолепны!");
  assertEquals(sent[0].body, "Вы успешно прошли «Лежать».");
  assertEquals(sent[0].url, `${dayUrl(c)}#step-${c.days[0].stepOnDayIds[0]}`);
  // The roll-up ran: the day (one step) is complete.
  const day = await t.services.db.selectFrom("user_trainings").select("status")
    .where("user_id", "=", learner.id).executeTakeFirstOrThrow();
  assertEquals(day.status, "COMPLETED");
});

Deno.test("end to end: the job runner finishes a 1-second timer and notifies the learner", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "BREAK", durationSec: 1 }] }] });
  const learner = await signIn(t, "egor");
  const [timer] = await openDayAs(t, learner, c);
  t.services.jobs.start();
  await act(learner, timer, "start");
  const deadline = Date.now() + 10_000;
  while ((await stepRow(t, timer)).status !== "COMPLETED" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await t.services.jobs.drain({ timeoutMs: 5_000 });
  assertEquals((await stepRow(t, timer)).status, "COMPLETED");
  assertEquals((await notifications(t, learner.id)).length, 1);
});

Deno.test("a learner on the page completes the step first: the job then sends nothing", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, { days: [{ steps: [{ type: "TRAINING", durationSec: 10 }] }] });
  const learner = await signIn(t, "lena");
  const [timer] = await openDayAs(t, learner, c);
  await act(learner, timer, "start");
  const jobId = (await stepRow(t, timer)).notification_job_id!;
  await age(t, timer, 10_000);
  assertEquals((await act(learner, timer, "complete")).status, 200);
  assertEquals((await t.services.jobs.get(jobId))?.state, "cancelled");
  const r = await stepFinished.handler({ userStepId: timer }, jobCtx(t.services, jobId));
  assertEquals(r, { completed: false });
  assertEquals((await notifications(t, learner.id)).length, 0);
});

Deno.test("an expired timer reached first by the day page, then by its job: one completion, one notification", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "TRAINING", title: "Лежать", durationSec: 60 }] }],
  });
  const learner = await signIn(t, "olga");
  const [timer] = await openDayAs(t, learner, c);
  await act(learner, timer, "start");
  const jobId = (await stepRow(t, timer)).notification_job_id!;
  await age(t, timer, 61_000);

  // The learner comes back after the time is up: the page shows the step done.
  await openDayAs(t, learner, c);
  const row = await stepRow(t, timer);
  assertEquals(row.status, "COMPLETED");
  assertEquals((await notifications(t, learner.id)).map((n) => n.kind), ["step.finished"]);
  // The job, delivered afterwards, finds it completed: nothing more.
  const r = await stepFinished.handler({ userStepId: timer }, jobCtx(t.services, jobId));
  assertEquals(r, { completed: false });
  assertEquals((await stepRow(t, timer)).completed_at, row.completed_at);
  assertEquals((await notifications(t, learner.id)).length, 1);
});
