/**
 * Finding a learner's step (with everything the rules need) and running a
 * change to it inside the engine's locking transaction.
 */
import type { Kysely, Selectable } from "kysely";
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
import { isId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import { TrainingError } from "./errors.ts";
import {
  affectedCourses,
  loadDayStatuses,
  lockCourses,
  lockedDays,
  type RollUp,
  rollUp,
} from "./progress.ts";

export type UserStepRow = Selectable<UserStepsTable>;

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

/** The step `userStepId` (optionally only if it belongs to `userId`), on live content. */
export async function resolveStep(
  s: Services,
  userStepId: string,
  userId: string | null,
): Promise<StepContext | null> {
  if (!isId(userStepId)) return null;
  let q = s.db
    .selectFrom("user_steps as us")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("steps as st", "st.id", "sd.step_id")
    .selectAll("us")
    .select([
      "dc.id as dc_id",
      "dc.day_id",
      "d.type as day_type",
      "d.share_progress_across_courses as shared",
      "c.id as course_id",
      "c.slug",
      "c.access",
      "c.published_at",
      "c.author_id",
      "st.id as step_id",
      "st.type as step_type",
      "st.title",
      "st.duration_sec",
      "st.checklist",
      "st.requires_video_report",
      "st.requires_written_feedback",
      "st.pass_percent",
    ])
    .where("us.id", "=", userStepId)
    .where("dc.archived_at", "is", null)
    .where("sd.archived_at", "is", null)
    .where("c.archived_at", "is", null);
  if (userId) q = q.where("us.user_id", "=", userId);
  const r = await q.executeTakeFirst();
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

/**
 * The learner's own step, if they may still train in that course: someone
 * else's step, archived content or a course they lost access to is "not
 * found"; a summary day that is still locked is refused.
 */
export async function stepForLearner(
  s: Services,
  user: Viewer,
  userStepId: string,
): Promise<StepContext> {
  const ctx = await resolveStep(s, userStepId, user.id);
  if (!ctx) throw new NotFoundError();
  const course = {
    id: ctx.courseId,
    access: ctx.courseAccess,
    published: ctx.coursePublished,
    authorId: ctx.courseAuthorId,
  };
  if (!(await canViewCourse(s, course, user))) throw new NotFoundError();
  if (ctx.dayType === "summary") {
    const rows = await loadDayStatuses(s.db, user.id, ctx.courseId);
    if (lockedDays(rows).has(ctx.dayOnCourseId)) throw new TrainingError(403, "day_locked");
  }
  return ctx;
}

export interface Change<T> {
  /** The step row after the change (unchanged row when nothing happened). */
  row: UserStepRow;
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
  fn: (trx: Kysely<Database>, row: UserStepRow) => Promise<Change<T>>,
): Promise<MutationResult<T>> {
  let after: (() => Promise<void>) | undefined;
  const result = await s.db.transaction().execute(async (trx) => {
    const courseIds = await affectedCourses(trx, ctx.userId, ctx.courseId, ctx.dayId, ctx.shared);
    await lockCourses(trx, ctx.userId, ctx.courseId, courseIds);
    const row = await trx.selectFrom("user_steps").selectAll()
      .where("id", "=", ctx.userStepId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const change = await fn(trx, row);
    after = change.after;
    const rollup = change.changed
      ? await rollUp(trx, {
        userId: ctx.userId,
        userTrainingId: ctx.userTrainingId,
        dayId: ctx.dayId,
        courseId: ctx.courseId,
        courseIds,
        now,
      })
      : null;
    return { row: change.row, changed: change.changed, value: change.value, rollup };
  });
  ctx.row = result.row;
  if (after) await runAfter(after);
  return result;
}

export async function runAfter(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.warn("training: after-commit step failed", { err });
  }
}
