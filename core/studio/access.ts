/**
 * Private access to courses, managed in the trainer studio: who may open a
 * PRIVATE course, the search for someone to let in, grant and revoke.
 *
 * Only the course's author and staff manage its access; another trainer gets
 * `NotFoundError` (404), exactly as for an id that does not exist; anyone
 * outside the studio is refused first (401/403). The search finds a user by
 * the exact email or by a prefix of the username and never shows an email:
 * the trainer learns nothing beyond what they typed. A grant notifies the
 * learner (in-app, in their language, stored in the grant's transaction; the
 * push leaves through the outbox after the commit) with a link to the
 * course. Visibility itself is the rule of core/courses/access.ts, read live
 * from `course_access`; the shared course caches are dropped anyway so no
 * cached list outlives a change.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { Viewer } from "../courses/access.ts";
import {
  ForbiddenError,
  isStaff,
  NotFoundError,
  STUDIO_ROLES,
  UnauthenticatedError,
} from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { isId } from "@/platform/ids.ts";
import type { CourseAccessKind } from "@/db/schema.ts";
import { invalidateCourses } from "../courses/cache.ts";
import { coursePath } from "../paths.ts";
import { enqueuePendingDeliveries, storeNotification } from "../notifications.ts";
import { log } from "@/platform/log.ts";

/** The learner's notice of a grant; vars: `course` (its name), `trainer` (username). */
export const ACCESS_GRANTED = {
  kind: "course.access",
  titleKey: "studio.access.notify.title",
  bodyKey: "studio.access.notify.body",
} as const;

export const SEARCH_LIMIT = 20;

/** Someone in the studio (trainer, moderator, admin); others are refused. */
function studioActor(actor: Viewer | null): Viewer {
  if (!actor) throw new UnauthenticatedError();
  if (!STUDIO_ROLES.includes(actor.role)) throw new ForbiddenError();
  return actor;
}

export interface AccessCourse {
  id: string;
  name: string;
  slug: string;
  access: CourseAccessKind;
  published: boolean;
  authorId: string;
}

/** The course if `actor` manages its access (its author, or staff); else 404. */
async function managedCourse(
  s: Services,
  actor: Viewer,
  courseId: string,
): Promise<AccessCourse> {
  if (!isId(courseId)) throw new NotFoundError("course not found");
  const c = await s.db.selectFrom("courses")
    .select(["id", "name", "slug", "access", "published_at", "author_id"])
    .where("id", "=", courseId).where("archived_at", "is", null)
    .executeTakeFirst();
  if (!c || (!isStaff(actor) && c.author_id !== actor.id)) {
    throw new NotFoundError("course not found");
  }
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    access: c.access,
    published: c.published_at !== null,
    authorId: c.author_id,
  };
}

// ------------------------------------------------------------------ lists

export interface AccessCourseItem extends AccessCourse {
  grants: number;
}

/** The courses whose access `actor` manages (theirs; every course for staff), by name. */
export async function listAccessCourses(
  s: Services,
  viewer: Viewer | null,
): Promise<AccessCourseItem[]> {
  const actor = studioActor(viewer);
  let q = s.db.selectFrom("courses as c")
    .select([
      "c.id",
      "c.name",
      "c.slug",
      "c.access",
      "c.published_at",
      "c.author_id",
      (eb) =>
        eb.selectFrom("course_access as a").whereRef("a.course_id", "=", "c.id")
          .select((e) => e.fn.countAll<number>().as("n")).as("grants"),
    ])
    .where("c.archived_at", "is", null);
  if (!isStaff(actor)) q = q.where("c.author_id", "=", actor.id);
  const rows = await q.orderBy("c.name").orderBy("c.id").execute();
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    slug: c.slug,
    access: c.access,
    published: c.published_at !== null,
    authorId: c.author_id,
    grants: Number(c.grants ?? 0),
  }));
}

export interface AccessGrant {
  userId: string;
  username: string;
  since: Date;
  grantedBy: string | null;
}

export interface CourseAccessView {
  course: AccessCourse;
  /** Who may open the course, the latest grant first. */
  grants: AccessGrant[];
}

/** A course's access list for its author or staff (else 404). */
export async function courseAccess(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
): Promise<CourseAccessView> {
  const actor = studioActor(viewer);
  const course = await managedCourse(s, actor, courseId);
  const rows = await s.db.selectFrom("course_access as a")
    .innerJoin("users as u", "u.id", "a.user_id")
    .leftJoin("users as g", "g.id", "a.granted_by")
    .select(["a.user_id", "u.username", "a.created_at", "g.username as granted_by"])
    .where("a.course_id", "=", course.id)
    .orderBy("a.created_at", "desc").orderBy("u.username")
    .execute();
  return {
    course,
    grants: rows.map((r) => ({
      userId: r.user_id,
      username: r.username,
      since: r.created_at,
      grantedBy: r.granted_by,
    })),
  };
}

// ----------------------------------------------------------------- search

const searchSchema = z.object({
  q: z.string().trim().min(2, { error: "studio.access.validation.query" })
    .max(254, { error: "studio.access.validation.query" }),
});

export interface UserMatch {
  id: string;
  username: string;
  hasAccess: boolean;
}

function likePrefix(v: string): string {
  return v.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
}

/**
 * Users to let into the course: `q` with an "@" is an exact email (any
 * case), otherwise a prefix of the username. Disabled accounts and the
 * course's author are left out; no email is returned.
 */
export async function searchUsers(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
  input: unknown,
): Promise<UserMatch[]> {
  const actor = studioActor(viewer);
  const course = await managedCourse(s, actor, courseId);
  const { q } = searchSchema.parse(input);
  let query = s.db.selectFrom("users as u")
    .select([
      "u.id",
      "u.username",
      (eb) =>
        eb.exists(
          eb.selectFrom("course_access as a").select(sql<number>`1`.as("one"))
            .whereRef("a.user_id", "=", "u.id").where("a.course_id", "=", course.id),
        ).as("has_access"),
    ])
    .where("u.disabled_at", "is", null)
    .where("u.id", "!=", course.authorId);
  query = q.includes("@")
    ? query.where(sql<boolean>`lower(u.email) = lower(${q})`)
    : query.where(sql<boolean>`lower(u.username) LIKE lower(${likePrefix(q)}) ESCAPE '\\'`);
  const rows = await query.orderBy("u.username").limit(SEARCH_LIMIT).execute();
  return rows.map((r) => ({ id: r.id, username: r.username, hasAccess: !!r.has_access }));
}

// ---------------------------------------------------------------- changes

const targetSchema = z.object({
  userId: z.string().refine(isId, { error: "studio.access.validation.user" }),
});

function unknownUser(): AppError {
  return new AppError(422, "unknown_user", "studio.access.validation.user", {
    fields: { userId: "studio.access.validation.user" },
    message: "no such user",
  });
}

/**
 * Lets `userId` open the course. Returns false when they had access already
 * (nothing changes, no second notice).
 */
export async function grantAccess(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
  input: unknown,
): Promise<boolean> {
  const actor = studioActor(viewer);
  const course = await managedCourse(s, actor, courseId);
  const { userId } = targetSchema.parse(input);
  const user = await s.db.selectFrom("users").select(["id", "disabled_at"])
    .where("id", "=", userId).executeTakeFirst();
  if (!user || user.disabled_at || user.id === course.authorId) throw unknownUser();
  const trainer = await s.db.selectFrom("users").select("username")
    .where("id", "=", course.authorId).executeTakeFirst();

  const granted = await s.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto("course_access")
      .values({ course_id: course.id, user_id: userId, granted_by: actor.id })
      .onConflict((oc) => oc.columns(["course_id", "user_id"]).doNothing())
      .returning("user_id")
      .executeTakeFirst();
    if (!row) return false;
    await storeNotification(s, trx, userId, {
      ...ACCESS_GRANTED,
      vars: { course: course.name, trainer: trainer?.username ?? "" },
      url: coursePath(course.slug),
    });
    return true;
  });
  invalidateCourses(s);
  if (granted) {
    try {
      await enqueuePendingDeliveries(s, { userId });
    } catch (err) {
      // The outbox keeps the notice: a later sweep sends it.
      log.warn("studio: access push not enqueued", { err });
    }
  }
  return granted;
}

/** Takes the course away from `userId`. Returns false when they had no access. */
export async function revokeAccess(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
  input: unknown,
): Promise<boolean> {
  const actor = studioActor(viewer);
  const course = await managedCourse(s, actor, courseId);
  const { userId } = targetSchema.parse(input);
  const r = await s.db.deleteFrom("course_access")
    .where("course_id", "=", course.id).where("user_id", "=", userId)
    .executeTakeFirst();
  invalidateCourses(s);
  return Number(r.numDeletedRows) > 0;
}
