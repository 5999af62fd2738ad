/**
 * The learner's choice to show their success diary to the course's trainer
 * (`user_courses.diary_shared`, off until they turn it on). It is per course:
 * a diary entry belongs to a training day, and the trainer of each course
 * that uses the day sees it only where the learner allowed it there.
 *
 * The choice lives on the learner's `user_courses` row, which exists once
 * they have started the course; before that there is nothing to share and
 * the course page shows no switch.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { Viewer } from "./access.ts";
import { NotFoundError, requireUser } from "../auth/guards.ts";
import type { SessionUser } from "../auth/session_user.ts";

/** Whether the learner shares their diary on this course; null when they have not started it. */
export async function diarySharing(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
): Promise<boolean | null> {
  if (!viewer) return null;
  const row = await s.db.selectFrom("user_courses").select("diary_shared")
    .where("user_id", "=", viewer.id).where("course_id", "=", courseId).executeTakeFirst();
  return row ? row.diary_shared : null;
}

// A form checkbox: present ("on") when ticked, absent otherwise.
const sharingSchema = z.object({
  shared: z.string().optional().transform((v) => v === "on" || v === "true"),
});

/**
 * Turns sharing on or off for the learner's course found by slug. A course
 * they have not started (or cannot see) is `NotFoundError`. Returns the new
 * setting.
 */
export async function setDiarySharing(
  s: Services,
  viewer: SessionUser | null,
  slug: string,
  input: unknown,
): Promise<boolean> {
  const user = requireUser(viewer);
  const { shared } = sharingSchema.parse(input);
  const r = await s.db.updateTable("user_courses").set({ diary_shared: shared })
    .where("user_id", "=", user.id)
    .where("course_id", "=", (eb) => eb.selectFrom("courses").select("id").where("slug", "=", slug))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new NotFoundError("course not started");
  return shared;
}
