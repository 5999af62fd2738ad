/**
 * Finding a learner's step (with everything the rules need) and running a
 * change to it inside the engine's locking transaction.
 *
 * Learners address a step by where it is (`StepRef`: the step on the day
 * within the day on the course), not by their own progress row: the rows are
 * created by the learner's first action on the day, so that merely looking
 * at a day (a GET) writes nothing.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type {
  ChecklistQuestion,
  Database,
  DayType,
  StepType,
  UserStepsTable,
} from "@/db/schema.ts";
import type { Services } from "../services.ts";
import { NotFoundError } from "../auth/guards.ts";
import { canViewCourse, type Viewer } from "../courses/access.ts";
import { isId, newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import { prepared } from "@/db/prepared.ts";
import { jsonValue } from "@/db/connection.ts";
import { TrainingError } from "./errors.ts";
import {
  affectedCourses,
  loadDayStatuses,
  lockCourses,
  lockedDays,
  type RollUp,
  rollUp,
  type StepWrite,
  writeStepAndRollUp,
} from "./progress.ts";

export type UserStepRow = Selectable<UserStepsTable>;

/** A step as a learner addresses it: the step on the day, within the day on the course. */
export interface StepRef {
  dayOnCourseId: string;
  stepOnDayId: string;
}

/** Where a step is, and what the access rules need to know, before any progress row exists. */
export interface StepPlace {
  dayOnCourseId: string;
  stepOnDayId: string;
  dayId: string;
  dayType: DayType;
  shared: boolean;
  courseId: string;
  courseAccess: "PUBLIC" | "PRIVATE";
  coursePublished: boolean;
  courseAuthorId: string;
  courseArchived: boolean;
  durationSec: number | null;
}

export interface StepContext {
  userStepId: string;
  userId: string;
  userTrainingId: string;
  stepOnDayId: string;
  dayOnCourseId: string;
  dayId: string;
  dayType: DayType;
  shared: boolean;
  courseId: string;
  courseSlug: string;
  courseAccess: "PUBLIC" | "PRIVATE";
  coursePublished: boolean;
  courseAuthorId: string;
  courseArchived: boolean;
  stepId: string;
  stepType: StepType;
  stepTitle: string;
  durationSec: number | null;
  checklist: ChecklistQuestion[];
  requiresVideo: boolean;
  requiresWritten: boolean;
  passPercent: number;
  row: UserStepRow;
}

/** What a step lookup adds to the learner's row (`us.*`): its day, course and step. */
const STEP_CONTENT = [
  "dc.id as dc_id",
  "dc.day_id",
  "d.type as day_type",
  "d.share_progress_across_courses as shared",
  "c.id as course_id",
  "c.slug",
  "c.access",
  "c.published_at",
  "c.author_id",
  "c.archived_at as course_archived_at",
  "st.id as step_id",
  "st.type as step_type",
  "st.title",
  "st.duration_sec",
  "st.checklist",
  "st.requires_video_report",
  "st.requires_written_feedback",
  "st.pass_percent",
] as const;

/** Those columns by their names in a lookup's result. */
const STEP_CONTENT_NAMES = STEP_CONTENT.map((c) => c.split(" as ")[1] ?? c.split(".")[1]);

/** A learner's step row with its day, course and step, on live content. */
function stepQuery(db: Kysely<Database>) {
  return db
    .selectFrom("user_steps as us")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("steps as st", "st.id", "sd.step_id")
    .selectAll("us")
    .select(STEP_CONTENT)
    .where("dc.archived_at", "is", null)
    .where("sd.archived_at", "is", null);
}

// Prepared: every step action and timer job starts with one of these lookups.
type StepQueryRow = Awaited<ReturnType<ReturnType<typeof stepQuery>["executeTakeFirstOrThrow"]>>;

const stepById = prepared((db, p: { id: string }) => stepQuery(db).where("us.id", "=", p.id));
const learnerStepById = prepared((db, p: { id: string; userId: string }) =>
  stepQuery(db).where("us.id", "=", p.id).where("us.user_id", "=", p.userId)
);
const learnerStepAt = prepared((db, p: { userId: string; dc: string; sd: string }) =>
  stepQuery(db)
    .where("us.user_id", "=", p.userId)
    .where("ut.day_on_course_id", "=", p.dc)
    .where("us.step_on_day_id", "=", p.sd)
);

/** The step `userStepId` (optionally only if it belongs to `userId`), on live content. */
export async function resolveStep(
  s: Services,
  userStepId: string,
  userId: string | null,
): Promise<StepContext | null> {
  if (!isId(userStepId)) return null;
  const rows = userId
    ? await learnerStepById(s.db, { id: userStepId, userId })
    : await stepById(s.db, { id: userStepId });
  return toContext(rows[0]);
}

/** The learner's row for the step at `ref`, if their first action on the day created it. */
async function resolveStepAt(
  s: Services,
  userId: string,
  ref: StepRef,
): Promise<StepContext | null> {
  const rows = await learnerStepAt(s.db, {
    userId,
    dc: ref.dayOnCourseId,
    sd: ref.stepOnDayId,
  });
  return toContext(rows[0]);
}

function toContext(r: StepQueryRow | undefined): StepContext | null {
  if (!r) return null;
  return {
    userStepId: r.id,
    userId: r.user_id,
    userTrainingId: r.user_training_id,
    stepOnDayId: r.step_on_day_id,
    dayOnCourseId: r.dc_id,
    dayId: r.day_id,
    dayType: r.day_type,
    shared: r.shared,
    courseId: r.course_id,
    courseSlug: r.slug,
    courseAccess: r.access,
    coursePublished: r.published_at !== null,
    courseAuthorId: r.author_id,
    courseArchived: r.course_archived_at !== null,
    stepId: r.step_id,
    stepType: r.step_type,
    stepTitle: r.title,
    durationSec: r.duration_sec,
    checklist: r.checklist,
    requiresVideo: r.requires_video_report,
    requiresWritten: r.requires_written_feedback,
    passPercent: r.pass_percent,
    row: {
      id: r.id,
      user_training_id: r.user_training_id,
      step_on_day_id: r.step_on_day_id,
      user_id: r.user_id,
      status: r.status,
      paused: r.paused,
      remaining_sec: r.remaining_sec,
      timer_started_at: r.timer_started_at,
      timer_ends_at: r.timer_ends_at,
      active_seconds: r.active_seconds,
      notification_job_id: r.notification_job_id,
      completed_at: r.completed_at,
      created_at: r.created_at,
      updated_at: r.updated_at,
    },
  };
}

/** The live step at `ref` (the step on that day, the day on a live course), rows or not. */
async function stepPlace(s: Services, ref: StepRef): Promise<StepPlace | null> {
  if (!isId(ref.dayOnCourseId) || !isId(ref.stepOnDayId)) return null;
  const r = await s.db.selectFrom("day_on_course as dc")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .innerJoin("step_on_day as sd", "sd.day_id", "dc.day_id")
    .innerJoin("steps as st", "st.id", "sd.step_id")
    .select([
      "dc.day_id",
      "d.type",
      "d.share_progress_across_courses as shared",
      "c.id as course_id",
      "c.access",
      "c.published_at",
      "c.author_id",
      "c.archived_at",
      "st.duration_sec",
    ])
    .where("dc.id", "=", ref.dayOnCourseId)
    .where("sd.id", "=", ref.stepOnDayId)
    .where("dc.archived_at", "is", null)
    .where("sd.archived_at", "is", null)
    .executeTakeFirst();
  if (!r) return null;
  return {
    dayOnCourseId: ref.dayOnCourseId,
    stepOnDayId: ref.stepOnDayId,
    dayId: r.day_id,
    dayType: r.type,
    shared: r.shared,
    courseId: r.course_id,
    courseAccess: r.access,
    coursePublished: r.published_at !== null,
    courseAuthorId: r.author_id,
    courseArchived: r.archived_at !== null,
    durationSec: r.duration_sec,
  };
}

/** Refuses a course the learner may not see (404) and a summary day still locked (403). */
async function checkLearner(
  // Only the database: inside a transaction that holds locks, the transaction.
  s: Pick<Services, "db">,
  user: Viewer,
  place: StepPlace,
): Promise<void> {
  const course = {
    id: place.courseId,
    access: place.courseAccess,
    published: place.coursePublished,
    authorId: place.courseAuthorId,
    archived: place.courseArchived,
  };
  if (!(await canViewCourse(s, course, user))) throw new NotFoundError();
  if (place.dayType === "summary") {
    const rows = await loadDayStatuses(s.db, user.id, place.courseId);
    if (lockedDays(rows).has(place.dayOnCourseId)) throw new TrainingError(403, "day_locked");
  }
}

/**
 * The learner's step at `ref` without writing anything: null while their
 * first action on the day has not created its rows. A step that is not
 * there, archived content or a course they may not see is "not found"; a
 * summary day that is still locked is refused.
 */
export async function findLearnerStep(
  s: Services,
  user: Viewer,
  ref: StepRef,
): Promise<{ place: StepPlace; ctx: StepContext | null }> {
  if (!isId(ref.dayOnCourseId) || !isId(ref.stepOnDayId)) throw new NotFoundError();
  const ctx = await resolveStepAt(s, user.id, ref);
  const place = ctx ?? await stepPlace(s, ref);
  if (!place) throw new NotFoundError();
  await checkLearner(s, user, place);
  return { place, ctx };
}

/**
 * The learner's own step at `ref`, for an action, if they may still train
 * in that course (see `findLearnerStep`). The learner's first action on a
 * day creates their rows for it (every step NOT_STARTED).
 */
export async function stepForLearner(
  s: Services,
  user: Viewer,
  ref: StepRef,
): Promise<StepContext> {
  const { place, ctx } = await findLearnerStep(s, user, ref);
  if (ctx) return ctx;
  await createDayRows(s, user.id, place, new Date());
  const created = await resolveStepAt(s, user.id, ref);
  if (!created) throw new NotFoundError();
  return created;
}

/**
 * Creates the learner's missing rows for the day (its user_training and a
 * user_step per live step) and rolls up, under the engine's locks: two first
 * actions at once create them once (the second finds them, by the unique keys).
 */
async function createDayRows(
  s: Services,
  userId: string,
  place: StepPlace,
  now: Date,
): Promise<void> {
  await s.db.transaction().execute(async (trx) => {
    const courseIds = await affectedCourses(
      trx,
      userId,
      place.courseId,
      place.dayId,
      place.shared,
    );
    await lockCourses(trx, userId, place.courseId, courseIds);
    await trx.insertInto("user_trainings")
      .values({ id: newId(), user_id: userId, day_on_course_id: place.dayOnCourseId })
      .onConflict((oc) => oc.columns(["user_id", "day_on_course_id"]).doNothing())
      .execute();
    const ut = await trx.selectFrom("user_trainings").select("id")
      .where("user_id", "=", userId)
      .where("day_on_course_id", "=", place.dayOnCourseId)
      .executeTakeFirstOrThrow();
    const steps = await trx.selectFrom("step_on_day").select("id")
      .where("day_id", "=", place.dayId)
      .where("archived_at", "is", null)
      .execute();
    if (steps.length) {
      await trx.insertInto("user_steps")
        .values(steps.map((st) => ({
          id: newId(),
          user_training_id: ut.id,
          step_on_day_id: st.id,
          user_id: userId,
        })))
        .onConflict((oc) => oc.columns(["user_training_id", "step_on_day_id"]).doNothing())
        .execute();
    }
    await rollUp(trx, {
      userId,
      userTrainingId: ut.id,
      dayOnCourseId: place.dayOnCourseId,
      dayId: place.dayId,
      courseId: place.courseId,
      courseIds,
      now,
    });
  });
}

export type Change<T> =
  & ChangeBase<T>
  & (
    /** The step row after the change (unchanged row when nothing happened). */
    | { row: UserStepRow; write?: never }
    /** The step's new values: written with the roll-up (one statement fewer), changed only. */
    | { write: StepWrite["set"]; row?: never; changed: true }
  );

interface ChangeBase<T> {
  changed: boolean;
  value?: T;
  /** Runs after commit (cancel a job, delete a file, notify). Failures are logged, not thrown. */
  after?: () => Promise<void>;
}

export interface MutationResult<T> {
  row: UserStepRow;
  changed: boolean;
  value?: T;
  rollup: RollUp | null;
}

/**
 * Runs `fn` on the locked step row; when it changed the step, rolls the day
 * and course(s) up in the same transaction.
 */
export async function mutateStep<T>(
  s: Services,
  ctx: StepContext,
  now: Date,
  fn: (trx: Kysely<Database>, row: UserStepRow) => Change<T> | Promise<Change<T>>,
): Promise<MutationResult<T>> {
  let after: (() => Promise<void>) | undefined;
  const result = await s.db.transaction().execute(async (trx) => {
    const courseIds = await affectedCourses(trx, ctx.userId, ctx.courseId, ctx.dayId, ctx.shared);
    const row = await lockCourses(trx, ctx.userId, ctx.courseId, courseIds, ctx.userStepId);
    if (!row) throw new NotFoundError();
    const change = await fn(trx, row);
    after = change.after;
    return await applyChange(trx, ctx, courseIds, now, change);
  });
  ctx.row = result.row;
  if (after) await runAfter(after);
  return result;
}

/**
 * `stepForLearner`, then `mutateStep`, one round trip fewer: one statement,
 * sent with BEGIN, finds the learner's step at `ref` and takes the locks
 * (`lockStepAt`). The learner's first action on a day, which creates their
 * rows, takes the long way. `fn` gets the step's context to check the rules
 * it needs (a step of the wrong type, say) before it changes anything.
 */
export async function mutateStepAt<T>(
  s: Services,
  user: Viewer,
  ref: StepRef,
  now: Date,
  fn: (
    trx: Kysely<Database>,
    row: UserStepRow,
    ctx: StepContext,
  ) => Change<T> | Promise<Change<T>>,
): Promise<MutationResult<T> & { ctx: StepContext }> {
  if (!isId(ref.dayOnCourseId) || !isId(ref.stepOnDayId)) throw new NotFoundError();
  let after: (() => Promise<void>) | undefined;
  const done = await s.db.transaction().execute(async (trx) => {
    const locked = await lockStepAt(trx, user.id, ref);
    if (!locked) return null;
    const { ctx, courseIds } = locked;
    // The locks are held: the access check reads through this transaction, not the pool.
    await checkLearner({ db: trx }, user, ctx);
    const change = await fn(trx, ctx.row, ctx);
    after = change.after;
    return { ctx, result: await applyChange(trx, ctx, courseIds, now, change) };
  });
  if (!done) {
    const ctx = await stepForLearner(s, user, ref);
    return { ...(await mutateStep(s, ctx, now, (trx, row) => fn(trx, row, ctx))), ctx };
  }
  done.ctx.row = done.result.row;
  if (after) await runAfter(after);
  return { ...done.result, ctx: done.ctx };
}

/** Writes what `fn` decided and rolls up (the locks are held). */
async function applyChange<T>(
  trx: Kysely<Database>,
  ctx: StepContext,
  courseIds: string[],
  now: Date,
  change: Change<T>,
): Promise<MutationResult<T>> {
  const p = {
    userId: ctx.userId,
    userTrainingId: ctx.userTrainingId,
    dayOnCourseId: ctx.dayOnCourseId,
    dayId: ctx.dayId,
    courseId: ctx.courseId,
    courseIds,
    now,
  };
  if (change.write) {
    const written = await writeStepAndRollUp(trx, p, { id: ctx.userStepId, set: change.write });
    return { ...written, changed: true, value: change.value };
  }
  const rollup = change.changed ? await rollUp(trx, p) : null;
  return { row: change.row, changed: change.changed, value: change.value, rollup };
}

/**
 * The learner's step at `ref` with its context, locked for a change, in one
 * statement: `stepQuery`'s lookup, then what `affectedCourses` and
 * `lockCourses` do (the learner's course row made if missing, the rows of
 * every course to roll up locked in course id order, then the step row), in
 * the same lock order. Null when the learner has no row there yet (or the
 * step is not live). The user id appears once, in the lookup: the rest takes
 * it from there, so the statement can be prepared.
 */
const stepLockedAt = prepared((db, p: { userId: string; dc: string; sd: string }) => {
  const place = stepQuery(db)
    .where("us.user_id", "=", p.userId)
    .where("ut.day_on_course_id", "=", p.dc)
    .where("us.step_on_day_id", "=", p.sd);
  const content = sql.join(STEP_CONTENT_NAMES.map((c) => sql.ref(`place.${c}`)));
  const query = sql<StepQueryRow & { course_ids: unknown; held: unknown; place_id: string }>`WITH
    place AS MATERIALIZED ${place},
    courses AS (
      SELECT course_id FROM place
      UNION
      SELECT dc.course_id FROM place p
      JOIN day_on_course dc ON dc.day_id = p.day_id AND dc.archived_at IS NULL
      JOIN user_courses uc ON uc.course_id = dc.course_id AND uc.user_id = p.user_id
      WHERE p.shared),
    ins AS (
      INSERT INTO user_courses (user_id, course_id) SELECT user_id, course_id FROM place
      ON CONFLICT (user_id, course_id) DO NOTHING
      RETURNING course_id),
    locked AS (
      SELECT course_id FROM user_courses
      WHERE user_id = (SELECT user_id FROM place)
        AND course_id IN (SELECT course_id FROM courses)
      ORDER BY course_id
      FOR UPDATE),
    held AS (SELECT course_id FROM locked UNION ALL SELECT course_id FROM ins)
    SELECT (SELECT json_agg(course_id ORDER BY course_id) FROM courses) AS course_ids,
      (SELECT coalesce(json_agg(course_id), '[]'::json) FROM held) AS held,
      place.id AS place_id, ${content}, us.*
    FROM place LEFT JOIN LATERAL (SELECT * FROM user_steps
      WHERE id = place.id AND EXISTS (SELECT 1 FROM held WHERE course_id = place.course_id)
      FOR UPDATE) us ON true`;
  return { compile: () => query.compile(db) };
});

async function lockStepAt(
  trx: Kysely<Database>,
  userId: string,
  ref: StepRef,
): Promise<{ ctx: StepContext; courseIds: string[] } | null> {
  const [r] = await stepLockedAt(trx, { userId, dc: ref.dayOnCourseId, sd: ref.stepOnDayId });
  if (!r) return null;
  const courseIds = jsonValue<string[]>(r.course_ids);
  if (jsonValue<string[]>(r.held).includes(r.course_id)) {
    return { ctx: toContext(r)!, courseIds };
  }
  // The course row was made by another transaction after this statement's
  // snapshot: lock again, as `lockCourses` does (its second look).
  const row = await lockCourses(trx, userId, r.course_id, courseIds, r.place_id);
  if (!row) return null;
  return { ctx: toContext({ ...r, ...row })!, courseIds };
}

export async function runAfter(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.warn("training: after-commit step failed", { err });
  }
}
