/**
 * Who may see a step's files (`steps/<stepId>/<file>`: images and PDFs the
 * day page links to `/media/…`): the step's author, staff, and anyone who
 * may view a course that uses the step. A key is also shown through every
 * other step that names it: a step made from a template copies the keys of
 * the step the template was saved from, and its author and learners must see
 * them. Registered with core/media_access.ts when this module is imported
 * (the day page imports it).
 */
import { registerMediaAccess } from "../media_access.ts";
import { canViewCourse } from "../courses/access.ts";
import { isStaff } from "../auth/guards.ts";
import { isId } from "@/platform/ids.ts";
import { sql } from "kysely";
import { json } from "@/db/connection.ts";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";

registerMediaAccess("steps", async (s, viewer, parts) => {
  const stepId = parts[1];
  if (parts.length !== 3 || !isId(stepId)) return false;
  if (isStaff(viewer)) return true;
  if (await canSeeStepFiles(s, viewer, stepId)) return true;
  const key = parts.join("/");
  const others = await s.db.selectFrom("steps").select("id")
    .where("id", "!=", stepId)
    .where(sql<boolean>`images @> ${json([key])} OR pdfs @> ${json([{ key }])}`)
    .execute();
  for (const o of others) if (await canSeeStepFiles(s, viewer, o.id)) return true;
  return false;
});

/** The step's author, or anyone who may view a course that uses the step. */
async function canSeeStepFiles(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
): Promise<boolean> {
  const rows = await s.db.selectFrom("steps as st")
    .leftJoin(
      "step_on_day as sd",
      (j) => j.onRef("sd.step_id", "=", "st.id").on("sd.archived_at", "is", null),
    )
    .leftJoin(
      "day_on_course as dc",
      (j) => j.onRef("dc.day_id", "=", "sd.day_id").on("dc.archived_at", "is", null),
    )
    .leftJoin("courses as c", "c.id", "dc.course_id")
    .select([
      "st.author_id as step_author",
      "c.id",
      "c.access",
      "c.published_at",
      "c.author_id",
      "c.archived_at",
    ])
    .where("st.id", "=", stepId)
    .execute();
  if (rows.length === 0) return false;
  if (viewer && rows[0].step_author === viewer.id) return true;
  // Public courses first: they need no further query.
  const courses = rows.filter((r) => r.id !== null)
    .sort((a, b) => (a.access === "PUBLIC" ? -1 : 1) - (b.access === "PUBLIC" ? -1 : 1));
  for (const c of courses) {
    const course = {
      id: c.id!,
      access: c.access!,
      published: c.published_at !== null,
      authorId: c.author_id!,
      archived: c.archived_at !== null,
    };
    if (await canViewCourse(s, course, viewer)) return true;
  }
  return false;
}
