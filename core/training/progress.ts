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
import { type Kysely, type QueryCreator, type Selectable, sql, type Updateable } from "kysely";
import type { Database, DayType, TrainingStatus, UserStepsTable } from "@/db/schema.ts";
import type { Services } from "../services.ts";
import {
  countStatus,
  currentStepIndex,
  deriveCourseStatus,
  deriveStatus,
  noCounts,
  stampDates,
  type StatusCounts,
  statusOfCounts,
} from "./status.ts";
import { writeBehind } from "@/db/pipelining.ts";
import { jsonValue } from "@/db/connection.ts";
import { type Prepared, prepared } from "@/db/prepared.ts";

type Db = Kysely<Database>;
type UserStepRow = Selectable<UserStepsTable>;

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
  return rows.map((r) =>
    dayStatusRow({
      id: r.id,
      dayId: r.day_id,
      type: r.type,
      shared: r.shared,
      stepCount: Number(r.step_count ?? 0),
      status: r.status,
      sharedDone: r.shared_done === true,
    })
  );
}

/** One day's row: the shared-day rule applied to the learner's own status. */
function dayStatusRow(r: {
  id: string;
  dayId: string;
  type: DayType;
  shared: boolean;
  stepCount: number;
  status: TrainingStatus | null;
  sharedDone: boolean;
}): DayStatusRow {
  const own: TrainingStatus = r.status ?? "NOT_STARTED";
  const fromOther = own !== "COMPLETED" && r.sharedDone;
  return {
    dayOnCourseId: r.id,
    dayId: r.dayId,
    type: r.type,
    shared: r.shared,
    stepCount: r.stepCount,
    own,
    status: fromOther ? "COMPLETED" : own,
    fromOtherCourse: fromOther,
  };
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
 * rows of `courseIds` (sorted) for the rest of the transaction; with
 * `stepId`, then also locks and returns that `user_steps` row (the lock
 * order of the module comment, in the same statement when it can).
 */
export async function lockCourses(
  trx: Db,
  userId: string,
  mainCourseId: string,
  courseIds: string[],
): Promise<void>;
export async function lockCourses(
  trx: Db,
  userId: string,
  mainCourseId: string,
  courseIds: string[],
  stepId: string,
): Promise<UserStepRow | null>;
export async function lockCourses(
  trx: Db,
  userId: string,
  mainCourseId: string,
  courseIds: string[],
  stepId?: string,
): Promise<UserStepRow | null | void> {
  // Usually one statement: the insert's new row is locked by this
  // transaction already; the SELECT locks the rows that existed, in course
  // id order. A row another transaction created after this statement's
  // snapshot is invisible to it, so then it is locked with a second look.
  // The step row is locked in the same statement only once the main
  // course's row is held (the EXISTS on `held` also makes the course locks
  // come first); otherwise after the second look, keeping the lock order.
  const ids = [...courseIds].sort();
  const { rows } = await sql<{ courses: unknown } & Partial<UserStepRow>>`WITH ins AS (
      INSERT INTO user_courses (user_id, course_id) VALUES (${userId}, ${mainCourseId})
      ON CONFLICT (user_id, course_id) DO NOTHING
      RETURNING course_id),
    locked AS (
      SELECT course_id FROM user_courses
      WHERE user_id = ${userId} AND course_id IN (${sql.join(ids)})
      ORDER BY course_id
      FOR UPDATE),
    held AS (SELECT course_id FROM locked UNION ALL SELECT course_id FROM ins)
    SELECT (SELECT coalesce(json_agg(course_id), '[]'::json) FROM held) AS courses${
    stepId ? sql`, us.*` : sql``
  }
    FROM (SELECT 1) one${
    stepId
      ? sql` LEFT JOIN LATERAL (SELECT * FROM user_steps
          WHERE id = ${stepId} AND EXISTS (SELECT 1 FROM held WHERE course_id = ${mainCourseId})
          FOR UPDATE) us ON true`
      : sql``
  }`.execute(trx);
  const r = rows[0];
  if (jsonValue<string[]>(r.courses).includes(mainCourseId)) {
    if (!stepId) return;
    if (r.id) {
      const { courses: _, ...row } = r;
      return row as UserStepRow;
    }
    return null;
  }
  await trx.selectFrom("user_courses").select("course_id")
    .where("user_id", "=", userId)
    .where("course_id", "in", ids)
    .orderBy("course_id")
    .forUpdate()
    .execute();
  if (!stepId) return;
  return await trx.selectFrom("user_steps").selectAll()
    .where("id", "=", stepId)
    .forUpdate()
    .executeTakeFirst() ?? null;
}

export interface Transition {
  before: TrainingStatus;
  after: TrainingStatus;
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

/** What `rollUp` reads in one statement (JSON columns; times as epoch milliseconds). */
interface RollUpState {
  ut: {
    dc: string;
    status: TrainingStatus;
    index: number;
    started: number | null;
    completed: number | null;
  };
  steps: { s: TrainingStatus | null; p: boolean | null }[];
  uc: { status: TrainingStatus; started: number | null; completed: number | null } | null;
  /**
   * The course's other days with steps, counted by effective status (the
   * shared-day rule applied), except the other places of this same shared
   * day, whose status follows this day's new one: those are listed.
   */
  days: StatusCounts & {
    /** This day completed in another of its places (a shared day). */
    mineDone: boolean;
    same: {
      status: TrainingStatus;
      /** Completed in another day-on-course than the one being rolled up. */
      done: boolean;
    }[];
  };
}

const date = (ms: number | null) => ms === null ? null : new Date(ms);
const sameTime = (a: Date | null, b: Date | null) => a?.getTime() === b?.getTime();
const epochMs = (col: string) => sql.raw(`floor(extract(epoch from ${col}) * 1000)::float8`);

/**
 * After a step changed: the day, the course, and — for a shared day whose
 * completion changed — every other started course that uses the day.
 * The caller holds the locks (`lockCourses`) on `courseIds`.
 *
 * The day and its course take two statements: one read of everything the
 * rules need (the day's steps, the training and course rows, the course's
 * day statuses as they are before the day changes), then one write of the
 * rows whose values changed. The day's new status is put into the course's
 * day statuses here, with the same shared-day rule `loadDayStatuses` applies.
 */
export async function rollUp(trx: Db, p: RollUpParams): Promise<RollUp> {
  return (await rollUpWith(trx, p, null)).rollup;
}

/** A step's new values, written by the roll-up's read statement (`writeStepAndRollUp`). */
export interface StepWrite {
  id: string;
  set: Updateable<UserStepsTable>;
}

/**
 * Writes a step (locked by the caller) and rolls up, one statement fewer
 * than an update then `rollUp`: the update is a data-modifying CTE of the
 * roll-up's read, which sees the day's steps as before it (one snapshot), so
 * the read takes the written step's status and pause from the CTE.
 */
export async function writeStepAndRollUp(
  trx: Db,
  p: RollUpParams,
  write: StepWrite,
): Promise<{ row: UserStepRow; rollup: RollUp }> {
  const { row, rollup } = await rollUpWith(trx, p, write);
  return { row: row!, rollup };
}

export interface RollUpParams {
  userId: string;
  userTrainingId: string;
  /** The day on the course of `userTrainingId`. */
  dayOnCourseId: string;
  dayId: string;
  courseId: string;
  courseIds: string[];
  now: Date;
}

/** The roll-up read's row: its JSON columns, and the written step's columns with a write. */
type RollUpRow = Record<keyof RollUpState, unknown> & Partial<UserStepRow>;

/** The read's values: `set:<column>` for each column a write sets. */
type RollUpValues = Record<string, unknown> & {
  ut: string;
  day: string;
  user: string;
  course: string;
  dc: string;
  /** The written step (with a write only). */
  step?: string;
};

/**
 * The roll-up's read, built and compiled once per kind of write (none, or
 * the columns it sets): a completion would otherwise spend about 5 % of its
 * CPU compiling it again.
 */
const rollUpReads = new Map<string, Prepared<RollUpValues, RollUpRow>>();

function rollUpRead(columns: string[] | null): Prepared<RollUpValues, RollUpRow> {
  const key = columns ? columns.join(",") : "";
  let read = rollUpReads.get(key);
  if (!read) {
    read = prepared((db, v: RollUpValues) => rollUpReadQuery(db, v, columns));
    rollUpReads.set(key, read);
  }
  return read;
}

function rollUpReadQuery(db: Db, v: RollUpValues, columns: string[] | null) {
  const set = columns && sql.join(columns.map((col) => sql`${sql.ref(col)} = ${v[`set:${col}`]}`));
  // With a write, `u` is the step as written: its status wins over the snapshot's.
  const stepStatus = columns ? sql`coalesce(u.status, us.status)` : sql`us.status`;
  const stepPaused = columns ? sql`coalesce(u.paused, us.paused)` : sql`us.paused`;
  const query = sql<RollUpRow>`${
    columns
      ? sql`WITH upd AS (UPDATE user_steps SET ${set} WHERE id = ${v.step} RETURNING *) SELECT upd.*,`
      : sql`SELECT`
  }
    (SELECT json_build_object('dc', ut.day_on_course_id, 'status', ut.status,
        'index', ut.current_step_index,
        'started', ${epochMs("ut.started_at")}, 'completed', ${epochMs("ut.completed_at")})
      FROM user_trainings ut WHERE ut.id = ${v.ut}) AS ut,
    (SELECT coalesce(json_agg(json_build_object('s', ${stepStatus}, 'p', ${stepPaused})
        ORDER BY sd.position), '[]'::json)
      FROM step_on_day sd
      LEFT JOIN user_steps us
        ON us.step_on_day_id = sd.id AND us.user_training_id = ${v.ut}${
    columns ? sql` LEFT JOIN upd u ON u.id = us.id` : sql``
  }
      WHERE sd.day_id = ${v.day} AND sd.archived_at IS NULL) AS steps,
    (SELECT json_build_object('status', uc.status,
        'started', ${epochMs("uc.started_at")}, 'completed', ${epochMs("uc.completed_at")})
      FROM user_courses uc
      WHERE uc.user_id = ${v.user} AND uc.course_id = ${v.course}) AS uc,
    (SELECT json_build_object(
        'total', count(*) FILTER (WHERE NOT mine AND NOT same),
        'completed', count(*) FILTER (WHERE NOT mine AND NOT same AND eff = 'COMPLETED'),
        'progress', count(*) FILTER (WHERE NOT mine AND NOT same
          AND eff IN ('IN_PROGRESS', 'COMPLETED')),
        'reset', count(*) FILTER (WHERE NOT mine AND NOT same AND eff = 'RESET'),
        'mineDone', coalesce(bool_or(done) FILTER (WHERE mine), false),
        'same', coalesce(json_agg(json_build_object('status', own, 'done', done))
          FILTER (WHERE same), '[]'::json))
      FROM (SELECT mine, same, own, done,
          CASE WHEN own <> 'COMPLETED' AND done THEN 'COMPLETED' ELSE own END AS eff
        FROM (SELECT
            dc.id = ${v.dc} AS mine,
            dc.id <> ${v.dc} AND d.share_progress_across_courses
              AND dc.day_id = ${v.day} AS same,
            coalesce(ut.status, 'NOT_STARTED') AS own,
            d.share_progress_across_courses AND EXISTS (
              SELECT 1 FROM user_trainings ut2
              JOIN day_on_course dc2 ON dc2.id = ut2.day_on_course_id
              WHERE ut2.user_id = ${v.user} AND dc2.day_id = dc.day_id
                AND ut2.status = 'COMPLETED' AND dc2.id <> dc.id
                AND ut2.id <> ${v.ut}) AS done
          FROM day_on_course dc
          JOIN training_days d ON d.id = dc.day_id
          LEFT JOIN user_trainings ut ON ut.day_on_course_id = dc.id AND ut.user_id = ${v.user}
          WHERE dc.course_id = ${v.course} AND dc.archived_at IS NULL
            AND EXISTS (SELECT 1 FROM step_on_day sd
              WHERE sd.day_id = dc.day_id AND sd.archived_at IS NULL)) one_day) x) AS days${
    columns ? sql` FROM upd` : sql``
  }`;
  return { compile: () => query.compile(db) };
}

type DayValues = {
  ut: string;
  dayStatus: TrainingStatus;
  index: number;
  dayStarted: Date | null;
  dayCompleted: Date | null;
};
type CourseValues = {
  user: string;
  course: string;
  courseStatus: TrainingStatus;
  courseStarted: Date | null;
  courseCompleted: Date | null;
};

// The roll-up's writes (write-behind), prepared like its read.
const dayUpdate = (db: QueryCreator<Database>, v: DayValues) =>
  db.updateTable("user_trainings")
    .set({
      status: v.dayStatus,
      current_step_index: v.index,
      started_at: v.dayStarted,
      completed_at: v.dayCompleted,
    })
    .where("id", "=", v.ut);
const courseUpdate = (db: QueryCreator<Database>, v: CourseValues) =>
  db.updateTable("user_courses")
    .set({ status: v.courseStatus, started_at: v.courseStarted, completed_at: v.courseCompleted })
    .where("user_id", "=", v.user)
    .where("course_id", "=", v.course);
const dayWrite = prepared((db, v: DayValues) => writeBehind(dayUpdate(db, v)));
const courseWrite = prepared((db, v: CourseValues) => writeBehind(courseUpdate(db, v)));
const dayAndCourseWrite = prepared((db, v: DayValues & CourseValues) =>
  writeBehind(courseUpdate(db.with("day_update", (d) => dayUpdate(d, v).returning("id")), v))
);

async function rollUpWith(
  trx: Db,
  p: RollUpParams,
  write: StepWrite | null,
): Promise<{ row: UserStepRow | null; rollup: RollUp }> {
  const columns = write && Object.keys(write.set);
  const values: RollUpValues = {
    ut: p.userTrainingId,
    day: p.dayId,
    user: p.userId,
    course: p.courseId,
    dc: p.dayOnCourseId,
  };
  if (write) {
    values.step = write.id;
    for (const col of columns!) values[`set:${col}`] = write.set[col as keyof StepWrite["set"]];
  }
  const rows = await rollUpRead(columns)(trx, values);
  const r = rows[0];
  // The written step is gone (the caller held its lock: only a bug gets here).
  if (!r) throw new Error(`user step ${write?.id} not found for the roll-up`);
  const ut = jsonValue<RollUpState["ut"]>(r.ut);
  const steps = jsonValue<RollUpState["steps"]>(r.steps);
  const uc = jsonValue<RollUpState["uc"]>(r.uc);
  const days = jsonValue<RollUpState["days"]>(r.days);

  // The day, from its steps.
  const items = steps.map((st) => ({ status: st.s ?? "NOT_STARTED", paused: st.p ?? false }));
  const dayAfter = deriveStatus(items);
  const index = currentStepIndex(items.map((i) => i.status));
  const utDates = { startedAt: date(ut.started), completedAt: date(ut.completed) };
  const dayDates = stampDates(dayAfter, utDates, p.now);
  const dayChanged = dayAfter !== ut.status || index !== ut.index ||
    !sameTime(dayDates.startedAt, utDates.startedAt) ||
    !sameTime(dayDates.completedAt, utDates.completedAt);
  const day: Transition = { before: ut.status, after: dayAfter };

  // The course, from its days with this day's new status in place.
  let course: Transition = { before: "NOT_STARTED", after: "NOT_STARTED" };
  let courseDates: { startedAt: Date | null; completedAt: Date | null } | null = null;
  if (uc) {
    // The other days as counted, then this day and its other places, which
    // count as COMPLETED (shared-day rule) once this one is.
    const counts = { ...noCounts(), ...days };
    if (steps.length > 0) {
      countStatus(counts, dayAfter !== "COMPLETED" && days.mineDone ? "COMPLETED" : dayAfter);
    }
    for (const d of days.same) {
      const done = d.done || dayAfter === "COMPLETED";
      countStatus(counts, d.status !== "COMPLETED" && done ? "COMPLETED" : d.status);
    }
    const courseAfter = statusOfCounts(counts);
    const ucDates = { startedAt: date(uc.started), completedAt: date(uc.completed) };
    const next = stampDates(courseAfter, ucDates, p.now);
    if (
      courseAfter !== uc.status || !sameTime(next.startedAt, ucDates.startedAt) ||
      !sameTime(next.completedAt, ucDates.completedAt)
    ) courseDates = next;
    course = { before: uc.status, after: courseAfter };
  }

  // One write for whichever of the two rows changed. Nothing here reads its
  // result, so it goes out with the next statement or the COMMIT.
  const dayValues = {
    ut: p.userTrainingId,
    dayStatus: dayAfter,
    index,
    dayStarted: dayDates.startedAt,
    dayCompleted: dayDates.completedAt,
  };
  const courseValues = courseDates && {
    user: p.userId,
    course: p.courseId,
    courseStatus: course.after,
    courseStarted: courseDates.startedAt,
    courseCompleted: courseDates.completedAt,
  };
  if (dayChanged && courseValues) {
    await dayAndCourseWrite(trx, { ...dayValues, ...courseValues });
  } else if (dayChanged) {
    await dayWrite(trx, dayValues);
  } else if (courseValues) {
    await courseWrite(trx, courseValues);
  }

  const completionChanged = (day.before === "COMPLETED") !== (day.after === "COMPLETED");
  if (completionChanged) {
    for (const other of p.courseIds) {
      if (other !== p.courseId) await rollUpCourse(trx, p.userId, other, p.now);
    }
  }
  const rollup = { day, course, celebrate: celebration(day, course) };
  if (!write) return { row: null, rollup };
  const { ut: _ut, steps: _steps, uc: _uc, days: _days, ...row } = r;
  return { row: row as UserStepRow, rollup };
}

export function celebration(day: Transition, course: Transition): Celebration {
  if (course.after === "COMPLETED" && course.before !== "COMPLETED") return "course";
  if (day.after === "COMPLETED" && day.before !== "COMPLETED") return "day";
  return null;
}
