/**
 * Two tabs at once. On PostgreSQL the two completions run on two separate
 * connection pools (`openSecondHandle`), so they really overlap; on PGlite
 * they interleave on its one connection. Either way the roll-up must end
 * consistent: no lost day or course completion, one transition per step,
 * one running timer.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { openSecondHandle } from "../helpers/db.ts";
import { signIn } from "../helpers/session.ts";
import type { Services } from "@/core/services.ts";
import type { DbHandle } from "@/db/connection.ts";
import { completeStep, startStep } from "@/core/training/steps.ts";
import { TrainingError } from "@/core/training/errors.ts";
import { courseRow, dayStatus, makeCourse, openDayAs, refOf, stepRow } from "./helpers.ts";

async function twoServices(t: TestApp): Promise<[Services, Services, DbHandle | null]> {
  if (t.dbHandle.kind !== "postgres") return [t.services, t.services, null];
  const second = await openSecondHandle(t.dbHandle);
  return [t.services, { ...t.services, db: second.db }, second];
}

Deno.test("completing the last two steps of a day at once completes the day and the course", async () => {
  await using t = await openTestApp();
  const [s1, s2, second] = await twoServices(t);
  try {
    const learner = await signIn(t, "twotabs");
    const user = { id: learner.id, role: learner.role };
    for (let round = 0; round < 8; round++) {
      const c = await makeCourse(t, {
        days: [{ steps: [{ type: "PRACTICE" }, { type: "PRACTICE" }, { type: "PRACTICE" }] }],
      });
      const [a, b, x] = await openDayAs(t, learner, c);
      await completeStep(s1, user, refOf(x));
      await Promise.all([completeStep(s1, user, refOf(a)), completeStep(s2, user, refOf(b))]);
      assertEquals(await dayStatus(t, learner.id, c.days[0].dayOnCourseId), "COMPLETED");
      const uc = await courseRow(t, learner.id, c.courseId);
      assertEquals(uc?.status, "COMPLETED", `round ${round}`);
    }
  } finally {
    await second?.close();
  }
});

Deno.test("the same step completed from two tabs at once: one transition, same result", async () => {
  await using t = await openTestApp();
  const [s1, s2, second] = await twoServices(t);
  try {
    const learner = await signIn(t, "doubletap");
    const user = { id: learner.id, role: learner.role };
    for (let round = 0; round < 8; round++) {
      const c = await makeCourse(t, { days: [{ steps: [{ type: "PRACTICE" }] }] });
      const [a] = await openDayAs(t, learner, c);
      const results = await Promise.all([
        completeStep(s1, user, refOf(a)),
        completeStep(s2, user, refOf(a)),
      ]);
      assertEquals(results.filter((r) => r.changed).length, 1, `round ${round}`);
      assertEquals(results.filter((r) => r.rollup?.celebrate === "course").length, 1);
      const row = await stepRow(t, a);
      assertEquals(row.status, "COMPLETED");
      assertEquals((await courseRow(t, learner.id, c.courseId))?.status, "COMPLETED");
    }
  } finally {
    await second?.close();
  }
});

Deno.test("two timers started at once from two tabs: exactly one runs", async () => {
  await using t = await openTestApp();
  const [s1, s2, second] = await twoServices(t);
  try {
    const learner = await signIn(t, "racer");
    const user = { id: learner.id, role: learner.role };
    for (let round = 0; round < 5; round++) {
      const c = await makeCourse(t, {
        days: [{
          steps: [{ type: "TRAINING", durationSec: 60 }, { type: "BREAK", durationSec: 60 }],
        }],
      });
      const [a, b] = await openDayAs(t, learner, c);
      const outcomes = await Promise.allSettled([
        startStep(s1, user, refOf(a)),
        startStep(s2, user, refOf(b)),
      ]);
      const ok = outcomes.filter((o) => o.status === "fulfilled").length;
      const refused = outcomes.filter((o) =>
        o.status === "rejected" && o.reason instanceof TrainingError &&
        o.reason.code === "timer_running"
      ).length;
      assertEquals([ok, refused], [1, 1], `round ${round}`);
      const running = await t.services.db.selectFrom("user_steps").select("id")
        .where("user_id", "=", learner.id).where("status", "=", "IN_PROGRESS")
        .where("paused", "=", false).where("timer_ends_at", "is not", null).execute();
      assertEquals(running.length, 1);
      // Stop it for the next round.
      await t.services.db.updateTable("user_steps").set({
        status: "COMPLETED",
        timer_ends_at: null,
      }).where("id", "=", running[0].id).execute();
    }
  } finally {
    await second?.close();
  }
});

Deno.test("two first actions on a never-opened day at once: both work, the rows are created once", async () => {
  await using t = await openTestApp();
  const [s1, s2, second] = await twoServices(t);
  try {
    const learner = await signIn(t, "firsttouch");
    const user = { id: learner.id, role: learner.role };
    for (let round = 0; round < 8; round++) {
      const c = await makeCourse(t, {
        days: [{ steps: [{ type: "PRACTICE" }, { type: "THEORY" }, { type: "PRACTICE" }] }],
      });
      const { dayOnCourseId, stepOnDayIds: sd } = c.days[0];
      const results = await Promise.all([
        completeStep(s1, user, { dayOnCourseId, stepOnDayId: sd[0] }),
        completeStep(s2, user, { dayOnCourseId, stepOnDayId: sd[1] }),
      ]);
      assertEquals(results.map((r) => r.row.status), ["COMPLETED", "COMPLETED"], `round ${round}`);
      const trainings = await t.services.db.selectFrom("user_trainings").select("id")
        .where("user_id", "=", learner.id).where("day_on_course_id", "=", dayOnCourseId)
        .execute();
      assertEquals(trainings.length, 1);
      const steps = await t.services.db.selectFrom("user_steps").select([
        "step_on_day_id",
        "status",
      ])
        .where("user_training_id", "=", trainings[0].id).execute();
      assertEquals(steps.length, 3);
      assertEquals(steps.filter((r) => r.status === "COMPLETED").length, 2);
      assertEquals(await dayStatus(t, learner.id, dayOnCourseId), "IN_PROGRESS");
    }
  } finally {
    await second?.close();
  }
});
