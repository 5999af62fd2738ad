/**
 * A learner's progress in courses, as the catalogue, the course page and the
 * achievements show it: status, completed days of days with steps, start and
 * finish. Day statuses come from the progress engine (`dayStatuses`), so the
 * counts match the day pages.
 */
import { sql } from "kysely";
import type { Services } from "../services.ts";
import { dayStatuses } from "../training/progress.ts";
import { CATALOGUE_TTL_MS, COURSES_TAG } from "./cache.ts";
import type { ProgressStatus } from "./filter.ts";
import type { TrainingStatus } from "@/db/schema.ts";

export interface CourseProgress {
  status: ProgressStatus;
  /** Completed days with steps (days without steps have nothing to do). */
  completedDays: number;
  totalDays: number;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** 0..1 */
export function progressRatio(p: CourseProgress | null | undefined): number {
  return p && p.totalDays > 0 ? Math.min(1, p.completedDays / p.totalDays) : 0;
}

/**
 * The course's status as a learner sees it: what the progress engine recorded
 * in `user_courses`, else "under way" once they did something in this course
 * themselves (a shared day completed elsewhere alone does not start it).
 * RESET counts as under way.
 */
function courseStatus(recorded: TrainingStatus | undefined, ownActivity: boolean): ProgressStatus {
  if (recorded === "COMPLETED") return "COMPLETED";
  if (recorded === "IN_PROGRESS" || recorded === "RESET") return "IN_PROGRESS";
  return ownActivity ? "IN_PROGRESS" : "NOT_STARTED";
}

export interface ProgressDetail {
  progress: CourseProgress;
  statuses: Map<string, TrainingStatus>;
}

/**
 * Progress in the courses a learner has touched (or in one course): courses
 * with a `user_courses` row, with a day opened, or containing a shared day
 * they completed elsewhere (it counts there too). Day statuses come from the
 * progress engine (`dayStatuses`), so the counts match the day pages.
 */
export async function progressDetails(
  s: Services,
  userId: string,
  onlyCourseId?: string,
): Promise<Map<string, ProgressDetail>> {
  let recordedQ = s.db.selectFrom("user_courses")
    .select(["course_id", "status", "started_at", "completed_at"])
    .where("user_id", "=", userId);
  let touchedQ = s.db.selectFrom("user_trainings as ut")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .innerJoin("training_days as td", "td.id", "dc.day_id")
    .leftJoin(
      "day_on_course as other",
      (j) =>
        j.onRef("other.day_id", "=", "dc.day_id")
          .on("other.archived_at", "is", null)
          .on("td.share_progress_across_courses", "=", true)
          .on("ut.status", "=", "COMPLETED"),
    )
    .select([
      "dc.course_id",
      "other.course_id as shared_course_id",
      "ut.status",
      "ut.started_at",
      "ut.completed_at",
    ])
    .where("ut.user_id", "=", userId);
  if (onlyCourseId) {
    recordedQ = recordedQ.where("course_id", "=", onlyCourseId);
    touchedQ = touchedQ.where((eb) =>
      eb.or([eb("dc.course_id", "=", onlyCourseId), eb("other.course_id", "=", onlyCourseId)])
    );
  }
  const [recorded, touched] = await Promise.all([recordedQ.execute(), touchedQ.execute()]);
  const byCourse = new Map(recorded.map((r) => [r.course_id, r]));
  const courseIds = new Set<string>(byCourse.keys());
  // From the learner's own day rows: did they act here, and when did they start and finish.
  const own = new Map<string, { active: boolean; first: Date | null; last: Date | null }>();
  for (const r of touched) {
    courseIds.add(r.course_id);
    if (r.shared_course_id) courseIds.add(r.shared_course_id);
    const o = own.get(r.course_id) ?? { active: false, first: null, last: null };
    if (r.status !== "NOT_STARTED") o.active = true;
    if (r.started_at && (!o.first || r.started_at < o.first)) o.first = r.started_at;
    if (r.completed_at && (!o.last || r.completed_at > o.last)) o.last = r.completed_at;
    own.set(r.course_id, o);
  }
  if (onlyCourseId) {
    courseIds.clear();
    courseIds.add(onlyCourseId);
  }
  if (courseIds.size === 0) return new Map();

  // Days without steps have nothing to do and do not count (as in the progress engine).
  const totals = await s.db.selectFrom("day_on_course as dc")
    .select(["dc.course_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("dc.course_id", "in", [...courseIds])
    .where("dc.archived_at", "is", null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("step_on_day as sd").select(sql<number>`1`.as("one"))
          .whereRef("sd.day_id", "=", "dc.day_id").where("sd.archived_at", "is", null),
      )
    )
    .groupBy("dc.course_id")
    .execute();
  const totalOf = new Map(totals.map((r) => [r.course_id, Number(r.n)]));

  const out = new Map<string, ProgressDetail>();
  for (const courseId of courseIds) {
    const statuses = await dayStatuses(s, userId, courseId);
    let completed = 0;
    for (const st of statuses.values()) if (st === "COMPLETED") completed++;
    const rec = byCourse.get(courseId);
    const mine = own.get(courseId);
    const total = totalOf.get(courseId) ?? 0;
    const status = courseStatus(rec?.status, mine?.active ?? false);
    out.set(courseId, {
      statuses,
      progress: {
        status,
        completedDays: Math.min(completed, total),
        totalDays: total,
        startedAt: rec?.started_at ?? mine?.first ?? null,
        completedAt: status === "COMPLETED" ? rec?.completed_at ?? mine?.last ?? null : null,
      },
    });
  }
  return out;
}

/**
 * A fingerprint of everything day statuses depend on for this learner: their
 * day rows and course rows (ids and update times, which every write stamps).
 * Content changes drop the cache through `invalidateCourses` instead.
 */
async function progressStamp(s: Services, userId: string): Promise<string> {
  const { rows } = await sql<{ stamp: string | null }>`
    SELECT md5(
      coalesce((SELECT string_agg(id || ':' || status || ':' || updated_at::text, ',' ORDER BY id)
                FROM user_trainings WHERE user_id = ${userId}), '') || '|' ||
      coalesce((SELECT string_agg(course_id || ':' || status || ':' || updated_at::text, ',' ORDER BY course_id)
                FROM user_courses WHERE user_id = ${userId}), '')
    ) AS stamp
  `.execute(s.db);
  return rows[0]?.stamp ?? "";
}

/**
 * The learner's progress in every course they have touched, by course id.
 * Cached under a fingerprint of their progress rows, so the next page after
 * any step change recomputes it and repeat visits cost one small query.
 */
export async function learnerProgress(
  s: Services,
  userId: string,
): Promise<Map<string, CourseProgress>> {
  const stamp = await progressStamp(s, userId);
  return await s.cache.get(
    `progress:${userId}:${stamp}`,
    { ttlMs: CATALOGUE_TTL_MS, tags: [COURSES_TAG] },
    async () => {
      const details = await progressDetails(s, userId);
      return new Map([...details].map(([id, d]) => [id, d.progress]));
    },
  );
}
