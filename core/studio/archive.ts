/**
 * Archive and delete for days and courses, as steps already have
 * (`steps.ts:deleteStep`): content nobody has progress on can be deleted;
 * content learners have progress on can only be archived. Both are asked for
 * on a confirmation page first (the routes), and an archived one can be
 * brought back.
 *
 * Archived means out of the studio's lists and choice lists (and, for a
 * course, out of the catalogue), nothing more: links stay, so learners who
 * follow an archived day or course keep their progress, exam results and
 * diary, and their pages still render (`core/courses/access.ts` lets the
 * learners who started an archived course in). Deleting takes a day out of
 * every course that uses it (the links are deleted).
 *
 * A TRAINER archives, deletes and restores their own days and courses;
 * another trainer's answers 404. MODERATOR and ADMIN may do it to any.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff, NotFoundError, requireStudio } from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { isId } from "@/platform/ids.ts";
import { isReferencedError } from "@/db/connection.ts";
import type { Database } from "@/db/schema.ts";
import { invalidateCourses } from "../courses/cache.ts";
import type { CourseRef } from "./usage.ts";

export type ArchiveKind = "day" | "course";
type Db = Kysely<Database> | Transaction<Database>;

/** Learners have progress on the day or course: it can only be archived (409). */
export class ContentInUseError extends AppError {
  constructor(kind: ArchiveKind, learners: number) {
    super(
      409,
      `${kind}_in_use`,
      kind === "day" ? "studio.authoring.day.inUse" : "studio.authoring.course.inUse",
      { data: { learners }, message: `learners have progress on this ${kind}` },
    );
    this.name = "ContentInUseError";
  }
}

/**
 * Distinct learners with anything on the day: a training in any course that
 * uses it (archived links too) or a diary entry for it.
 */
export async function dayLearners(db: Db, dayId: string): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT ut.user_id FROM user_trainings ut
        JOIN day_on_course dc ON dc.id = ut.day_on_course_id
       WHERE dc.day_id = ${dayId}
      UNION
      SELECT user_id FROM diary_entries WHERE day_id = ${dayId}
    ) AS u`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** Distinct learners who started the course, trained in it, sent an exam or reviewed it. */
export async function courseLearners(db: Db, courseId: string): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT user_id FROM user_courses WHERE course_id = ${courseId}
      UNION
      SELECT ut.user_id FROM user_trainings ut
        JOIN day_on_course dc ON dc.id = ut.day_on_course_id
       WHERE dc.course_id = ${courseId}
      UNION
      SELECT user_id FROM exam_results WHERE course_id = ${courseId}
      UNION
      SELECT user_id FROM course_reviews WHERE course_id = ${courseId}
    ) AS u`.execute(db);
  return r.rows[0]?.n ?? 0;
}

function learners(db: Db, kind: ArchiveKind, id: string): Promise<number> {
  return kind === "day" ? dayLearners(db, id) : courseLearners(db, id);
}

/** The day or course if the viewer may change it (staff: any); 404 otherwise. */
async function own(
  s: Services,
  user: SessionUser,
  kind: ArchiveKind,
  id: string,
  archived: boolean,
): Promise<{ id: string; title: string }> {
  if (!isId(id)) throw new NotFoundError();
  const row = kind === "day"
    ? await s.db.selectFrom("training_days").select(["id", "title", "author_id", "archived_at"])
      .where("id", "=", id).executeTakeFirst()
    : await s.db.selectFrom("courses").select(["id", "name as title", "author_id", "archived_at"])
      .where("id", "=", id).executeTakeFirst();
  if (!row || (row.archived_at !== null) !== archived) throw new NotFoundError();
  if (!isStaff(user) && row.author_id !== user.id) throw new NotFoundError();
  return { id: row.id, title: row.title };
}

/** What removing would do, for the confirmation page. */
export interface RemovalPreview {
  kind: ArchiveKind;
  id: string;
  title: string;
  /** Learners with progress: > 0 means archive only. */
  learners: number;
  /** A day: the courses it would be taken out of (deleting) or stays in (archiving). */
  courses: CourseRef[];
}

export async function removalPreview(
  s: Services,
  viewer: SessionUser | null,
  kind: ArchiveKind,
  id: string,
): Promise<RemovalPreview> {
  const user = requireStudio(viewer);
  const item = await own(s, user, kind, id, false);
  let courses: CourseRef[] = [];
  if (kind === "day") {
    const rows = await s.db.selectFrom("day_on_course as doc")
      .innerJoin("courses as c", "c.id", "doc.course_id")
      .select(["c.id", "c.name", "c.published_at"])
      .where("doc.day_id", "=", id).where("doc.archived_at", "is", null)
      .groupBy(["c.id", "c.name", "c.published_at"]).orderBy("c.name").execute();
    courses = rows.map((c) => ({ id: c.id, name: c.name, published: c.published_at !== null }));
  }
  return { kind, ...item, learners: await learners(s.db, kind, id), courses };
}

/**
 * Deletes a day or course nobody has progress on (409 `ContentInUseError`
 * otherwise). Checked again inside the transaction with the row locked; a
 * progress row that still slips in makes the database refuse (RESTRICT),
 * which is the same 409.
 */
export async function deleteContent(
  s: Services,
  viewer: SessionUser | null,
  kind: ArchiveKind,
  id: string,
): Promise<void> {
  const user = requireStudio(viewer);
  await own(s, user, kind, id, false);
  try {
    await s.db.transaction().execute(async (trx) => {
      if (kind === "day") {
        await trx.selectFrom("training_days").select("id").where("id", "=", id).forUpdate()
          .execute();
      } else {
        await trx.selectFrom("courses").select("id").where("id", "=", id).forUpdate().execute();
      }
      const n = await learners(trx, kind, id);
      if (n > 0) throw new ContentInUseError(kind, n);
      if (kind === "day") {
        // Out of every course that uses it (no learner is on those links).
        await trx.deleteFrom("day_on_course").where("day_id", "=", id).execute();
        await trx.deleteFrom("training_days").where("id", "=", id).execute();
      } else {
        await trx.deleteFrom("day_on_course").where("course_id", "=", id).execute();
        await trx.deleteFrom("courses").where("id", "=", id).execute();
      }
    });
  } catch (err) {
    if (isReferencedError(err)) throw new ContentInUseError(kind, 1);
    throw err;
  }
  invalidateCourses(s);
}

/** Archives a day or course (progress or not): out of the lists, links and progress kept. */
export async function archiveContent(
  s: Services,
  viewer: SessionUser | null,
  kind: ArchiveKind,
  id: string,
): Promise<void> {
  const user = requireStudio(viewer);
  await own(s, user, kind, id, false);
  await setArchived(s, kind, id, new Date());
}

/** Brings an archived day or course back into the lists (a course: the catalogue too). */
export async function unarchiveContent(
  s: Services,
  viewer: SessionUser | null,
  kind: ArchiveKind,
  id: string,
): Promise<void> {
  const user = requireStudio(viewer);
  await own(s, user, kind, id, true);
  await setArchived(s, kind, id, null);
}

async function setArchived(s: Services, kind: ArchiveKind, id: string, at: Date | null) {
  const now = new Date();
  if (kind === "day") {
    await s.db.updateTable("training_days").set({ archived_at: at, updated_at: now })
      .where("id", "=", id).execute();
  } else {
    await s.db.updateTable("courses").set({ archived_at: at, updated_at: now })
      .where("id", "=", id).execute();
  }
  invalidateCourses(s);
}

export interface ArchivedItem {
  id: string;
  title: string;
  authorName: string;
  archivedAt: Date;
}

/** The viewer's archived days or courses (staff: everyone's), most recently archived first. */
export async function listArchived(
  s: Services,
  viewer: SessionUser | null,
  kind: ArchiveKind,
): Promise<ArchivedItem[]> {
  const user = requireStudio(viewer);
  const mine = isStaff(user) ? null : user.id;
  const rows = kind === "day"
    ? await s.db.selectFrom("training_days as x").innerJoin("users as u", "u.id", "x.author_id")
      .select(["x.id", "x.title", "u.username", "x.archived_at"])
      .where("x.archived_at", "is not", null)
      .$if(mine !== null, (q) => q.where("x.author_id", "=", mine!))
      .orderBy("x.archived_at", "desc").limit(200).execute()
    : await s.db.selectFrom("courses as x").innerJoin("users as u", "u.id", "x.author_id")
      .select(["x.id", "x.name as title", "u.username", "x.archived_at"])
      .where("x.archived_at", "is not", null)
      .$if(mine !== null, (q) => q.where("x.author_id", "=", mine!))
      .orderBy("x.archived_at", "desc").limit(200).execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    authorName: r.username,
    archivedAt: r.archived_at!,
  }));
}
