/**
 * Where a reminder takes the learner: the first step not yet completed of
 * the course they were most recently active in, else the catalogue.
 *
 * A stand-in until core/training/next_step.ts lands: `reminderLink` is the
 * only caller of this query, so switching to `nextStep(s, userId)` is a
 * one-line change here.
 */
import type { Services } from "../services.ts";
import { cataloguePath, coursePath, stepPath } from "../paths.ts";

export async function reminderLink(s: Services, userId: string): Promise<string> {
  const course = await s.db.selectFrom("user_courses as uc")
    .innerJoin("courses as c", "c.id", "uc.course_id")
    .select(["c.id", "c.slug"])
    .where("uc.user_id", "=", userId)
    .where("uc.status", "<>", "COMPLETED")
    .where("c.archived_at", "is", null)
    .where("c.published_at", "is not", null)
    .orderBy("uc.updated_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!course) return cataloguePath();
  const step = await s.db.selectFrom("day_on_course as doc")
    .innerJoin("step_on_day as sod", "sod.day_id", "doc.day_id")
    .leftJoin(
      "user_trainings as ut",
      (j) => j.onRef("ut.day_on_course_id", "=", "doc.id").on("ut.user_id", "=", userId),
    )
    .leftJoin(
      "user_steps as us",
      (j) => j.onRef("us.user_training_id", "=", "ut.id").onRef("us.step_on_day_id", "=", "sod.id"),
    )
    .select(["doc.id as dayOnCourseId", "sod.id as stepOnDayId"])
    .where("doc.course_id", "=", course.id)
    .where("doc.archived_at", "is", null)
    .where("sod.archived_at", "is", null)
    .where((eb) => eb.or([eb("us.status", "is", null), eb("us.status", "<>", "COMPLETED")]))
    .orderBy("doc.position").orderBy("sod.position")
    .limit(1)
    .executeTakeFirst();
  return step
    ? stepPath(course.slug, step.dayOnCourseId, step.stepOnDayId)
    : coursePath(course.slug);
}
