/**
 * Who may see a course. The rule is the same for list, page and API: a
 * course is visible when it is published and PUBLIC; or published, PRIVATE,
 * and the user has a `course_access` row; or to its author and to staff
 * (moderators, admins), drafts included. An archived course is out of the
 * catalogue and open only to the learners who started it (and its author and
 * staff). Everyone else gets "not found",
 * never a hint that it exists. The catalogue applies the same rule in SQL
 * (`./catalogue.ts`); files under `courses/<courseId>/` follow it too.
 */
import { sql } from "kysely";
import type { Services } from "../services.ts";
import { isStaff, NotFoundError } from "../auth/guards.ts";
import { registerMediaAccess } from "../media_access.ts";
import { isId } from "@/platform/ids.ts";
import type { CourseAccessKind, Role } from "@/db/schema.ts";
import { type CourseOutline, loadCourseOutline } from "./outline.ts";

export interface Viewer {
  id: string;
  role: Role;
}

/**
 * The outline of a course if `viewer` may see it: published public courses
 * for everyone; private ones for people with access, the author and staff.
 */
export async function courseOutline(
  s: Services,
  slug: string,
  viewer: Viewer | null = null,
): Promise<CourseOutline | null> {
  const outline = await loadCourseOutline(s, slug);
  if (!outline) return null;
  if (await canViewCourse(s, outline, viewer)) return outline;
  return null;
}

/** Like `courseOutline`, but a course the viewer may not see is a `NotFoundError`. */
export async function requireCourse(
  s: Services,
  slug: string,
  viewer: Viewer | null,
): Promise<CourseOutline> {
  const outline = await courseOutline(s, slug, viewer);
  if (!outline) throw new NotFoundError("course not found");
  return outline;
}

export async function canViewCourse(
  // Only the database: a transaction that holds locks passes itself.
  s: Pick<Services, "db">,
  course: {
    id: string;
    access: CourseAccessKind;
    published: boolean;
    authorId: string;
    archived?: boolean;
  },
  viewer: Viewer | null,
): Promise<boolean> {
  if (viewer && (viewer.id === course.authorId || isStaff(viewer))) return true;
  if (!course.published) return false;
  // An archived course stays open only to the learners who started it.
  if (course.archived && !(viewer && await startedCourse(s, course.id, viewer.id))) return false;
  if (course.access === "PUBLIC") return true;
  if (!viewer) return false;
  const row = await s.db.selectFrom("course_access").select(sql<number>`1`.as("one"))
    .where("course_id", "=", course.id).where("user_id", "=", viewer.id).executeTakeFirst();
  return row !== undefined;
}

async function startedCourse(
  s: Pick<Services, "db">,
  courseId: string,
  userId: string,
): Promise<boolean> {
  const row = await s.db.selectFrom("user_courses").select(sql<number>`1`.as("one"))
    .where("course_id", "=", courseId).where("user_id", "=", userId).executeTakeFirst();
  return row !== undefined;
}

/**
 * `courses/<courseId>/<file>` (logos, presentation images): whoever may view
 * the course — everyone for a published public course, people with access
 * for a private one, the author and staff always.
 */
registerMediaAccess("courses", async (s, viewer, parts) => {
  const courseId = parts[1];
  if (parts.length !== 3 || !isId(courseId)) return false;
  const c = await s.db.selectFrom("courses")
    .select(["id", "access", "published_at", "author_id", "archived_at"])
    .where("id", "=", courseId)
    .executeTakeFirst();
  if (!c) return false;
  return await canViewCourse(
    s,
    {
      id: c.id,
      access: c.access,
      published: c.published_at !== null,
      authorId: c.author_id,
      archived: c.archived_at !== null,
    },
    viewer,
  );
});
