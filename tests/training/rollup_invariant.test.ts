/**
 * The roll-up counts the course's other days in SQL (core/training/progress.ts)
 * instead of reading each day; whatever the learner does, every course row
 * must still say what the course's days say when read one by one
 * (`loadDayStatuses`, the read path of the course page), the shared-day rule
 * included: a shared day used in two courses, and twice in one course.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { loadDayStatuses } from "@/core/training/progress.ts";
import { deriveCourseStatus } from "@/core/training/status.ts";
import { act, courseRow, makeCourse, openDayAs } from "./helpers.ts";

Deno.test("after every step action, each course's status is what its days say, shared days included", async () => {
  await using t = await openTestApp();
  const a = await makeCourse(t, {
    days: [
      { shared: true, title: "Общий день", steps: [{ type: "PRACTICE" }, { type: "PRACTICE" }] },
      { steps: [{ type: "PRACTICE" }] },
    ],
  });
  const shared = a.days[0].dayId;
  // The shared day twice in B, a day without steps, and a plain day.
  const b = await makeCourse(t, {
    days: [
      { dayId: shared, steps: [] },
      { steps: [] },
      { steps: [{ type: "PRACTICE" }] },
      { dayId: shared, steps: [] },
    ],
  });
  const learner = await signIn(t, "vera");
  const steps: string[] = [];
  for (const [c, day] of [[a, 0], [a, 1], [b, 0], [b, 2], [b, 3]] as const) {
    steps.push(...await openDayAs(t, learner, c, day));
  }
  const check = async (when: string) => {
    const statuses = [];
    for (const c of [a, b]) {
      const days = await loadDayStatuses(t.services.db, learner.id, c.courseId);
      const row = await courseRow(t, learner.id, c.courseId);
      assertEquals(row?.status, deriveCourseStatus(days), when);
      statuses.push(row!.status);
    }
    return statuses;
  };
  // B's plain day, then the shared day in B's first place only: its second
  // place counts as done at once, so B is complete; A sees the day done too.
  const [sharedInB1, sharedInB2, plainInB] = steps.slice(3, 6);
  await act(learner, plainInB, "complete");
  await act(learner, sharedInB1, "complete");
  assertEquals(await check("half the shared day in B"), ["NOT_STARTED", "IN_PROGRESS"]);
  await act(learner, sharedInB2, "complete");
  assertEquals(await check("the shared day done in B"), ["IN_PROGRESS", "COMPLETED"]);
  // A fixed pseudo-random walk over completing and resetting those steps.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const step = steps[Math.floor(next() * steps.length)];
    const action = next() < 0.7 ? "complete" : "reset";
    const r = await act(learner, step, action);
    assertEquals(r.status, 200, JSON.stringify(r.json));
    for (const status of await check(`step ${i}: ${action}`)) seen.add(status);
  }
  // The walk went through the interesting states, not only one.
  assertEquals(seen.has("COMPLETED") && seen.has("IN_PROGRESS"), true, [...seen].join());
});
