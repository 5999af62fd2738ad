/**
 * The progress engine: step → day → course roll-up, in the caller's
 * transaction, with the locks that keep two tabs (or a tab and the timer
 * job) from leaving a half-updated state.
 *
 * Locking rule (the same on every path, so there is no deadlock): a
 * transaction that changes a learner's progress first locks that learner's
 * `user_courses` rows of every course it will roll up, in course id order,
 * then the `user_steps` row it changes. Two changes in one course therefore
 * run one after the other; READ COMMITTED gives each statement after the
 * lock the other's committed rows.
 *
 * Shared days (`share_progress_across_courses`): a day completed in any
 * course counts as COMPLETED in every course that uses it. That is applied
 * when statuses are read (`loadDayStatuses`), and the courses the learner
 * has started that use the day are rolled up in the same transaction.
 */
import { type Kysely, sql } from "kysely";
import type { Database, DayType, TrainingStatus } from "@/db/schema.ts";
import type { Services } from "../services.ts";
import { currentStepIndex, deriveCourseStatus, deriveStatus, stampDates } from "./status.ts";

type Db = Kysely<Database>;

export interface DayStatusRow {
  dayOnCourseId: string;
  dayId: string;
  type: DayType;
  shared: boolean;
  stepCount: number;
  /** The learner's own status of this day in this course. */
  own: TrainingStatus;
  /** Own status, or COMPLETED when a shared day was completed in another course. */
  status: TrainingStatus;
  /** True when the status comes from another course (shared day). */
  fromOtherCourse: boolean;
}

/** Day statuses of a course for a learner, in course order (one query). */
export async function loadDayStatuses(
  db: Db,
  userId: string,
  courseId: string,
): Promise<DayStatusRow[]> {
  const rows = await db
    .selectFrom("day_on_course as dc")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .leftJoin(
      "user_trainings as ut",
      (j) => j.onRef("ut.day_on_course_id", "=", "dc.id").on("ut.user_id", "=", userId),
    )
    .select((eb) => [
      "dc.id",
      "dc.day_id",
      "d.type",
      "d.share_progress_across_courses as shared",
      "ut.status",
      eb.selectFrom("step_on_day as sd")
        .whereRef("sd.day_id", "=", "dc.day_id")
        .where("sd.archived_at", "is", null)
        .select(eb.fn.countAll<number>().as("n"))
        .as("step_count"),
      sql<boolean>`d.share_progress_across_courses AND EXISTS (
        SELECT 1 FROM user_trainings ut2
        JOIN day_on_course dc2 ON dc2.id = ut2.day_on_course_id
        WHERE ut2.user_id = ${userId} AND dc2.day_id = dc.day_id
          AND ut2.status = 'COMPLETED' AND dc2.id <> dc.id)`.as("shared_done"),
    ])
    .where("dc.course_id", "=", courseId)
    .where("dc.archived_at", "is", null)
    .orderBy("dc.position")
    .execute();
  return rows.map((r) => {
    const own: TrainingStatus = r.status ?? "NOT_STARTED";
    const fromOther = own !== "COMPLETED" && r.shared_done === true;
    return {
      dayOnCourseId: r.id,
      dayId: r.day_id,
      type: r.type,
      shared: r.shared,
      stepCount: Number(r.step_count ?? 0),
      own,
      status: fromOther ? "COMPLETED" : own,
      fromOtherCourse: fromOther,
    };
  });
}

/**
 * Summary days that stay locked: a `summary` day opens when every other day
 * of the course that has steps is COMPLETED (shared days included).
 */
export function lockedDays(rows: readonly DayStatusRow[]): Set<string> {
  const locked = new Set<string>();
  for (const r of rows) {
    if (r.type !== "summary") continue;
    const open = rows.every((o) =>
      o.dayOnCourseId === r.dayOnCourseId || o.type === "summary" || o.stepCount === 0 ||
      o.status === "COMPLETED"
    );
    if (!open) locked.add(r.dayOnCourseId);
  }
  return locked;
}

/** How many days still stand between the learner and a locked summary day. */
export function daysLeftBeforeSummary(rows: readonly DayStatusRow[]): number {
  return rows.filter((o) => o.type !== "summary" && o.stepCount > 0 && o.status !== "COMPLETED")
    .length;
}

/** `dayStatuses` answer: statuses by day_on_course id, plus the locked summary days. */
export interface DayStatusMap extends Map<string, TrainingStatus> {
  /** Summary days the learner cannot open yet. */
  readonly locked: ReadonlySet<string>;
}

/**
 * Status of every day of a course for a learner (by day_on_course id), with
 * the shared-day rule applied; `locked` lists summary days still closed.
 * For the course page, achievements and statistics.
 */
export async function dayStatuses(
  services: Services,
  userId: string,
  courseId: string,
): Promise<DayStatusMap> {
  const rows = await loadDayStatuses(services.db, userId, courseId);
  const map = new Map(rows.map((r) => [r.dayOnCourseId, r.status])) as
    & Map<
      string,
      TrainingStatus
    >
    & { locked: ReadonlySet<string> };
  Object.defineProperty(map, "locked", { value: lockedDays(rows), enumerable: false });
  return map;
}

/** The course ids whose roll-up a change of `dayId` in `courseId` touches (sorted). */
export async function affectedCourses(
  trx: Db,
  userId: string,
  courseId: string,
  dayId: string,
  shared: boolean,
): Promise<string[]> {
  if (!shared) return [courseId];
  const rows = await trx
    .selectFrom("day_on_course as dc")
    .innerJoin(
      "user_courses as uc",
      (j) => j.onRef("uc.course_id", "=", "dc.course_id").on("uc.user_id", "=", userId),
    )
    .select("dc.course_id")
    .distinct()
    .where("dc.day_id", "=", dayId)
    .where("dc.archived_at", "is", null)
    .execute();
  return [...new Set([courseId, ...rows.map((r) => r.course_id)])].sort();
}

/**
 * Creates the learner's row for `mainCourseId` if missing, then locks the
 * rows of `courseIds` (sorted) for the rest of the transaction.
 */
export async function lockCourses(
  trx: Db,
  userId: string,
  mainCourseId: string,
  courseIds: string[],
): Promise<void> {
  // Usually one statement: the insert's new row is locked by this
  // transaction already; the SELECT locks the rows that existed, in course
  // id order. A row another transaction created after this statement's
  // snapshot is invisible to it, so then it is locked with a second look.
  const ids = [...courseIds].sort();
  const { rows } = await sql<{ course_id: string }>`WITH ins AS (
      INSERT INTO user_courses (user_id, course_id) VALUES (${userId}, ${mainCourseId})
      ON CONFLICT (user_id, course_id) DO NOTHING
      RETURNING course_id),
    locked AS (
      SELECT course_id FROM user_courses
      WHERE user_id = ${userId} AND course_id IN (${sql.join(ids)})
      ORDER BY course_id
      FOR UPDATE)
    SELECT course_id FROM locked UNION ALL SELECT course_id FROM ins`.execute(trx);
  if (!rows.some((r) => r.course_id === mainCourseId)) {
    await trx.selectFrom("user_courses").select("course_id")
      .where("user_id", "=", userId)
      .where("course_id", "in", ids)
      .orderBy("course_id")
      .forUpdate()
      .execute();
  }
}

export interface Transition {
  before: TrainingStatus;
  after: TrainingStatus;
}

/** Recomputes a user_training (status, current step, dates) from its steps. */
export async function rollUpDay(
  trx: Db,
  userTrainingId: string,
  dayId: string,
  now: Date,
): Promise<Transition> {
  // One query: the training row beside each live step of the day.
  const rows = await trx.selectFrom("user_trainings as ut")
    .leftJoin(
      "step_on_day as sd",
      (j) => j.on("sd.day_id", "=", dayId).on("sd.archived_at", "is", null),
    )
    .leftJoin(
      "user_steps as us",
      (j) => j.onRef("us.step_on_day_id", "=", "sd.id").onRef("us.user_training_id", "=", "ut.id"),
    )
    .select([
      "ut.status as ut_status",
      "ut.current_step_index",
      "ut.started_at",
      "ut.completed_at",
      "sd.id as sd_id",
      "us.status",
      "us.paused",
    ])
    .where("ut.id", "=", userTrainingId)
    .orderBy("sd.position")
    .execute();
  const ut = rows[0];
  const items = rows.filter((r) => r.sd_id !== null).map((s) => ({
    status: s.status ?? "NOT_STARTED" as TrainingStatus,
    paused: s.paused ?? false,
  }));
  const after = deriveStatus(items);
  const index = currentStepIndex(items.map((i) => i.status));
  const dates = stampDates(after, { startedAt: ut.started_at, completedAt: ut.completed_at }, now);
  const same = after === ut.ut_status && index === ut.current_step_index &&
    dates.startedAt?.getTime() === ut.started_at?.getTime() &&
    dates.completedAt?.getTime() === ut.completed_at?.getTime();
  if (!same) {
    await trx.updateTable("user_trainings")
      .set({
        status: after,
        current_step_index: index,
        started_at: dates.startedAt,
        completed_at: dates.completedAt,
      })
      .where("id", "=", userTrainingId)
      .execute();
  }
  return { before: ut.ut_status, after };
}

/** Recomputes a learner's user_courses row from the course's day statuses. */
export async function rollUpCourse(
  trx: Db,
  userId: string,
  courseId: string,
  now: Date,
): Promise<Transition | null> {
  const [uc, days] = await Promise.all([
    trx.selectFrom("user_courses")
      .select(["status", "started_at", "completed_at"])
      .where("user_id", "=", userId)
      .where("course_id", "=", courseId)
      .executeTakeFirst(),
    loadDayStatuses(trx, userId, courseId),
  ]);
  if (!uc) return null;
  const after = deriveCourseStatus(days);
  const dates = stampDates(after, { startedAt: uc.started_at, completedAt: uc.completed_at }, now);
  if (
    after !== uc.status || dates.startedAt?.getTime() !== uc.started_at?.getTime() ||
    dates.completedAt?.getTime() !== uc.completed_at?.getTime()
  ) {
    await trx.updateTable("user_courses")
      .set({ status: after, started_at: dates.startedAt, completed_at: dates.completedAt })
      .where("user_id", "=", userId)
      .where("course_id", "=", courseId)
      .execute();
  }
  return { before: uc.status, after };
}

export type Celebration = "day" | "course" | null;

export interface RollUp {
  day: Transition;
  course: Transition;
  celebrate: Celebration;
}

/**
 * After a step changed: the day, the course, and — for a shared day whose
 * completion changed — every other started course that uses the day.
 * The caller holds the locks (`lockCourses`) on `courseIds`.
 */
export async function rollUp(
  trx: Db,
  p: {
    userId: string;
    userTrainingId: string;
    dayId: string;
    courseId: string;
    courseIds: string[];
    now: Date;
  },
): Promise<RollUp> {
  const day = await rollUpDay(trx, p.userTrainingId, p.dayId, p.now);
  const course = await rollUpCourse(trx, p.userId, p.courseId, p.now) ??
    { before: "NOT_STARTED", after: "NOT_STARTED" };
  const completionChanged = (day.before === "COMPLETED") !== (day.after === "COMPLETED");
  if (completionChanged) {
    for (const other of p.courseIds) {
      if (other !== p.courseId) await rollUpCourse(trx, p.userId, other, p.now);
    }
  }
  return { day, course, celebrate: celebration(day, course) };
}

export function celebration(day: Transition, course: Transition): Celebration {
  if (course.after === "COMPLETED" && course.before !== "COMPLETED") return "course";
  if (day.after === "COMPLETED" && day.before !== "COMPLETED") return "day";
  return null;
}
