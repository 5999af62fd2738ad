/**
 * Re-engagement fixtures: a course of one day with many steps, learners
 * whose steps were completed at chosen moments (the rows created then too,
 * so "last activity" is exactly what the test says), and readers of
 * campaigns and messages.
 */
import type { TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { type MadeCourse, makeCourse, setCourseStatus } from "../catalogue/fixtures.ts";
import { newId } from "@/platform/ids.ts";

export const DAY = 86_400_000;
/** A fixed Monday morning in the past: campaigns run on days counted from here. */
export const T0 = new Date("2026-03-02T07:00:00Z");
export const at = (days: number, from = T0) => new Date(from.getTime() + days * DAY);

/** A published course with one day of `steps` practice steps. */
export async function course(t: TestApp, slug = "obedience", steps = 20): Promise<MadeCourse> {
  const trainer = await signIn(t, "re_trainer", "TRAINER");
  return await makeCourse(t.services.db, {
    slug,
    name: `Курс ${slug}`,
    authorId: trainer.id,
    days: [{ steps: Array.from({ length: steps }, () => ({ type: "PRACTICE" as const })) }],
  });
}

/**
 * Marks the learner's next steps of the course completed at `times` (one
 * step each); the course counts as in progress.
 */
export async function complete(
  t: TestApp,
  userId: string,
  c: MadeCourse,
  times: Date[],
): Promise<void> {
  const db = t.services.db;
  const day = c.days[0];
  let ut = await db.selectFrom("user_trainings").select("id")
    .where("user_id", "=", userId).where("day_on_course_id", "=", day.dayOnCourseId)
    .executeTakeFirst();
  if (!ut) {
    ut = { id: newId() };
    await db.insertInto("user_trainings").values({
      id: ut.id,
      user_id: userId,
      day_on_course_id: day.dayOnCourseId,
      status: "IN_PROGRESS",
      started_at: times[0],
      created_at: times[0],
    }).execute();
    await setCourseStatus(db, userId, c.id, "IN_PROGRESS", times[0], null);
  }
  const done = await db.selectFrom("user_steps").select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_training_id", "=", ut.id).executeTakeFirstOrThrow();
  for (const [i, when] of times.entries()) {
    await db.insertInto("user_steps").values({
      id: newId(),
      user_training_id: ut.id,
      step_on_day_id: day.stepOnDayIds[Number(done.n) + i],
      user_id: userId,
      status: "COMPLETED",
      completed_at: when,
      created_at: when,
      updated_at: when,
    }).execute();
  }
}

/** A learner (by username) with `n` steps completed one a day, the last at `last`. */
export async function learner(
  t: TestApp,
  c: MadeCourse,
  username: string,
  opts: { steps?: number; last?: Date; locale?: "ru" | "en"; pet?: string } = {},
): Promise<string> {
  const s = await signIn(t, username);
  const n = opts.steps ?? 3;
  const last = opts.last ?? T0;
  await complete(t, s.id, c, Array.from({ length: n }, (_, i) => at(i - (n - 1), last)));
  if (opts.locale) {
    await t.services.db.updateTable("users").set({ locale: opts.locale })
      .where("id", "=", s.id).execute();
  }
  if (opts.pet) {
    await t.services.db.insertInto("pets").values({ id: newId(), owner_id: s.id, name: opts.pet })
      .execute();
  }
  return s.id;
}

export function campaigns(t: TestApp, userId: string) {
  return t.services.db.selectFrom("reengagement_campaigns").selectAll()
    .where("user_id", "=", userId).orderBy("created_at").execute();
}

export function messages(t: TestApp, userId: string) {
  return t.services.db.selectFrom("reengagement_notifications").selectAll()
    .where("user_id", "=", userId).orderBy("level").orderBy("created_at").execute();
}

/** The learner's in-app notifications of campaigns, oldest first. */
export function inApp(t: TestApp, userId: string) {
  return t.services.db.selectFrom("notifications").select(["id", "kind", "title", "body", "url"])
    .where("user_id", "=", userId).where("kind", "like", "reengagement.%")
    .orderBy("created_at").orderBy("id").execute();
}
