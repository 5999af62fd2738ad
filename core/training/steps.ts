/**
 * Step actions: timers (start, pause, resume, reset, finish) and the simple
 * completions (theory read, practice done). The server owns a timer's
 * state: status, paused, remaining seconds and `timer_ends_at`, so a reload
 * or another device shows the same clock.
 *
 * Timer states of a TRAINING/BREAK step:
 * - not running: NOT_STARTED or RESET (remaining = duration);
 * - running: IN_PROGRESS, not paused, `timer_started_at` and `timer_ends_at`
 *   set (at most one per learner: a partial unique index);
 * - paused: IN_PROGRESS, paused, `remaining_sec` left, no end time;
 * - COMPLETED.
 * `active_seconds` adds up the time the timer really ran.
 */
import type { Kysely } from "kysely";
import type { Database } from "@/db/schema.ts";
import { isUniqueViolation } from "@/db/connection.ts";
import type { Services } from "../services.ts";
import type { Viewer } from "../courses/access.ts";
import { TrainingError } from "./errors.ts";
import type { StepWrite } from "./progress.ts";
import {
  type Change,
  mutateStep,
  mutateStepAt,
  type MutationResult,
  resolveStep,
  runAfter,
  type StepContext,
  stepForLearner,
  type StepRef,
  type UserStepRow,
} from "./context.ts";
import { enqueuePendingDeliveries, NOTIFICATIONS, storeNotification } from "../notifications.ts";
import { crashPoint } from "@/platform/crash_point.ts";
import { stepPath } from "../paths.ts";
import { personalTitle } from "../personalisation/titles.ts";
import { type AppliedTime, applyClientTime, type ClientTime } from "../offline/client_time.ts";

/** How early a timer may be completed (clock skew between browser and server). */
export const TIMER_TOLERANCE_MS = 2000;
const RUNNING_INDEX = "user_steps_one_running_timer";

export function isTimerStep(type: string): boolean {
  return type === "TRAINING" || type === "BREAK";
}

export function isRunning(row: Pick<UserStepRow, "status" | "paused" | "timer_ends_at">): boolean {
  return row.status === "IN_PROGRESS" && !row.paused && row.timer_ends_at !== null;
}

/** Milliseconds left on a step's timer at `now` (null for steps without a timer). */
export function remainingMs(
  row: Pick<UserStepRow, "status" | "paused" | "timer_ends_at" | "remaining_sec">,
  durationSec: number | null,
  now: Date,
): number | null {
  if (durationSec === null) return null;
  if (row.status === "COMPLETED") return 0;
  if (isRunning(row)) return Math.max(0, row.timer_ends_at!.getTime() - now.getTime());
  if (row.paused && row.remaining_sec !== null) return row.remaining_sec * 1000;
  return durationSec * 1000;
}

/** What clients see of a step's progress. */
export interface StepState {
  id: string;
  status: UserStepRow["status"];
  paused: boolean;
  /** Timer steps: milliseconds left now; null otherwise. */
  remainingMs: number | null;
  /** Running timers: when the time is up (ISO). */
  endsAt: string | null;
  activeSeconds: number;
  completedAt: string | null;
}

export function stepState(row: UserStepRow, durationSec: number | null, now: Date): StepState {
  return {
    id: row.id,
    status: row.status,
    paused: row.paused,
    remainingMs: remainingMs(row, durationSec, now),
    endsAt: isRunning(row) ? row.timer_ends_at!.toISOString() : null,
    activeSeconds: row.active_seconds,
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}

/** What clients see of a step the learner has not acted on yet (it has no row). */
export function notStartedState(durationSec: number | null): StepState {
  return {
    id: "",
    status: "NOT_STARTED",
    paused: false,
    remainingMs: durationSec === null ? null : durationSec * 1000,
    endsAt: null,
    activeSeconds: 0,
    completedAt: null,
  };
}

/** Whole seconds between two instants (never negative). */
function seconds(from: Date | null, to: Date): number {
  if (!from) return 0;
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

async function cancelJob(s: Services, jobId: string | null): Promise<void> {
  if (jobId) await s.jobs.cancel(jobId);
}

/** A completed untimed step's values (theory, practice, diary, approved exam), at `now`. */
export function untimedCompletion(now: Date): StepWrite["set"] {
  return { status: "COMPLETED", paused: false, completed_at: now };
}

/** A completed timer step's values (running or paused), at `now`: its time counted. */
function timerCompletion(row: UserStepRow, now: Date): StepWrite["set"] {
  const until = row.timer_ends_at && row.timer_ends_at < now ? row.timer_ends_at : now;
  const ran = isRunning(row) ? seconds(row.timer_started_at, until) : 0;
  return {
    status: "COMPLETED",
    paused: false,
    remaining_sec: 0,
    timer_started_at: null,
    timer_ends_at: null,
    notification_job_id: null,
    active_seconds: row.active_seconds + ran,
    completed_at: now,
  };
}

export interface RunningTimer {
  userStepId: string;
  dayOnCourseId: string;
  stepOnDayId: string;
  title: string;
  url: string;
  endsAt: Date;
}

/** The learner's running timer other than `exceptId`, if any. */
export async function runningTimer(
  s: Services,
  userId: string,
  exceptId?: string,
): Promise<RunningTimer | null> {
  let q = s.db.selectFrom("user_steps as us")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("steps as st", "st.id", "sd.step_id")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .select([
      "us.id",
      "us.timer_ends_at",
      "st.title",
      "c.id as course_id",
      "c.slug",
      "dc.id as dc_id",
      "sd.id as sd_id",
    ])
    .where("us.user_id", "=", userId)
    .where("us.status", "=", "IN_PROGRESS")
    .where("us.paused", "=", false)
    .where("us.timer_ends_at", "is not", null);
  if (exceptId) q = q.where("us.id", "<>", exceptId);
  const r = await q.executeTakeFirst();
  if (!r) return null;
  return {
    userStepId: r.id,
    dayOnCourseId: r.dc_id,
    stepOnDayId: r.sd_id,
    title: await personalTitle(s.db, userId, r.course_id, r.title),
    url: stepPath(r.slug, r.dc_id, r.sd_id),
    endsAt: r.timer_ends_at!,
  };
}

function conflict(running: RunningTimer): TrainingError {
  return new TrainingError(409, "timer_running", {
    runningStepId: running.userStepId,
    title: running.title,
    url: running.url,
  });
}

/**
 * Makes room for a new running timer: a timer whose time is already up is
 * completed; a live one is paused when `pauseOther`, else the start is
 * refused with 409 naming it.
 */
async function freeTimerSlot(
  s: Services,
  user: Viewer,
  ctx: StepContext,
  pauseOther: boolean,
  now: Date,
): Promise<void> {
  const other = await runningTimer(s, user.id, ctx.userStepId);
  if (!other) return;
  if (other.endsAt.getTime() - now.getTime() <= TIMER_TOLERANCE_MS) {
    await finishTimer(s, other.userStepId, null, { now });
  } else if (pauseOther) {
    const otherCtx = await resolveStep(s, other.userStepId, user.id);
    if (otherCtx) await pauseTimer(s, otherCtx, now);
  } else {
    throw conflict(other);
  }
}

export interface ActionOptions {
  now?: Date;
  /** Start/resume: pause the learner's other running timer first. */
  pauseOther?: boolean;
  /**
   * The client's time of the action (an offline action replayed later),
   * applied within the rules of core/offline/client_time.ts.
   */
  client?: ClientTime;
}

export type ActionResult = MutationResult<unknown> & {
  ctx: StepContext;
  /** How the client's time was applied, when the action carried one and changed the step. */
  clock?: AppliedTime;
};

/** The step's last action as applied: its timer's start or its completion. */
function previousAction(row: UserStepRow): Date | null {
  const times = [row.timer_started_at, row.completed_at].filter((d): d is Date => d !== null);
  return times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null;
}

/** The time an action applies at: the client's (within the rules) or the server's now. */
function actionTime(
  client: ClientTime | undefined,
  now: Date,
  row: UserStepRow,
): { at: Date; clock?: AppliedTime } {
  if (!client) return { at: now };
  const clock = applyClientTime(client, now, previousAction(row));
  return { at: clock.applied, clock };
}

/** Starts a timer step, or resumes it when paused (same thing from the learner's side). */
export async function startStep(
  s: Services,
  user: Viewer,
  ref: StepRef,
  opts: ActionOptions = {},
): Promise<ActionResult> {
  const now = opts.now ?? new Date();
  const ctx = await stepForLearner(s, user, ref);
  if (!isTimerStep(ctx.stepType)) throw new TrainingError(409, "not_timer");
  if (ctx.row.status === "COMPLETED" || isRunning(ctx.row)) {
    return { ctx, row: ctx.row, changed: false, rollup: null };
  }
  await freeTimerSlot(s, user, ctx, opts.pauseOther ?? false, now);
  const job: { id: string | null } = { id: null };
  let clock: AppliedTime | undefined;
  try {
    const result = await mutateStep(s, ctx, now, async (trx, row) => {
      if (row.status === "COMPLETED" || isRunning(row)) return { row, changed: false };
      const left = row.paused && row.remaining_sec !== null ? row.remaining_sec : ctx.durationSec!;
      // An offline start keeps its real start time: the timer ends that much sooner.
      const time = actionTime(opts.client, now, row);
      clock = time.clock;
      const endsAt = new Date(time.at.getTime() + left * 1000);
      // With PostgreSQL jobs the job commits with the step (KV ignores `tx`: see catch below).
      job.id = await s.jobs.enqueue("step-finished", { userStepId: row.id }, {
        delay: Math.max(0, endsAt.getTime() - now.getTime()),
        tx: trx,
      });
      const updated = await trx.updateTable("user_steps")
        .set({
          status: "IN_PROGRESS",
          paused: false,
          remaining_sec: left,
          timer_started_at: time.at,
          timer_ends_at: endsAt,
          notification_job_id: job.id,
          completed_at: null,
        })
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const old = row.notification_job_id;
      return { row: updated, changed: true, after: () => cancelJob(s, old) };
    });
    return { ...result, ctx, clock: result.changed ? clock : undefined };
  } catch (err) {
    if (job.id) await s.jobs.cancel(job.id).catch(() => false);
    if (isUniqueViolation(err, RUNNING_INDEX)) {
      // Another tab started a timer between our check and our update.
      const other = await runningTimer(s, user.id, ctx.userStepId);
      if (other) throw conflict(other);
    }
    throw err;
  }
}

/** Same as start: a paused timer continues with the seconds it had left. */
export const resumeStep = startStep;

/**
 * The pause of a locked step row: nothing unless its timer runs; completed
 * when its time is already up.
 */
async function pauseChange(
  s: Services,
  trx: Kysely<Database>,
  row: UserStepRow,
  serverNow: Date,
  client: ClientTime | undefined,
): Promise<{ change: Change<unknown>; clock?: AppliedTime }> {
  if (!isRunning(row)) return { change: { row, changed: false } };
  const time = actionTime(client, serverNow, row);
  const now = time.at;
  const job = row.notification_job_id;
  if (row.timer_ends_at!.getTime() <= now.getTime()) {
    // The time is already up: pausing now means the step is done.
    return {
      change: { write: timerCompletion(row, now), changed: true, after: () => cancelJob(s, job) },
      clock: time.clock,
    };
  }
  const left = Math.ceil((row.timer_ends_at!.getTime() - now.getTime()) / 1000);
  const updated = await trx.updateTable("user_steps")
    .set({
      paused: true,
      remaining_sec: left,
      timer_started_at: null,
      timer_ends_at: null,
      notification_job_id: null,
      active_seconds: row.active_seconds + seconds(row.timer_started_at, now),
    })
    .where("id", "=", row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    change: { row: updated, changed: true, after: () => cancelJob(s, job) },
    clock: time.clock,
  };
}

/** Pauses the learner's other running timer (see `freeTimerSlot`). */
async function pauseTimer(
  s: Services,
  ctx: StepContext,
  serverNow: Date,
): Promise<MutationResult<unknown>> {
  return await mutateStep(s, ctx, serverNow, async (trx, row) => {
    return (await pauseChange(s, trx, row, serverNow, undefined)).change;
  });
}

/** Pauses a running timer (and cancels its "finished" notification). */
export async function pauseStep(
  s: Services,
  user: Viewer,
  ref: StepRef,
  opts: ActionOptions = {},
): Promise<ActionResult> {
  const now = opts.now ?? new Date();
  let clock: AppliedTime | undefined;
  const result = await mutateStepAt(s, user, ref, now, async (trx, row, ctx) => {
    if (!isTimerStep(ctx.stepType)) throw new TrainingError(409, "not_timer");
    const paused = await pauseChange(s, trx, row, now, opts.client);
    clock = paused.clock;
    return paused.change;
  });
  return { ...result, clock: result.changed ? clock : undefined };
}

/**
 * Resets a timer or practice step (status RESET): the learner does it
 * again. A step that was never started has nothing to reset.
 */
export async function resetStep(
  s: Services,
  user: Viewer,
  ref: StepRef,
  opts: ActionOptions = {},
): Promise<ActionResult> {
  const now = opts.now ?? new Date();
  let clock: AppliedTime | undefined;
  const result = await mutateStepAt(s, user, ref, now, async (trx, row, ctx) => {
    if (!isTimerStep(ctx.stepType) && ctx.stepType !== "PRACTICE") {
      throw new TrainingError(409, "wrong_type");
    }
    if (row.status === "NOT_STARTED" || (row.status === "RESET" && !row.paused)) {
      return { row, changed: false };
    }
    const time = actionTime(opts.client, now, row);
    clock = time.clock;
    const ran = isRunning(row) ? seconds(row.timer_started_at, time.at) : 0;
    const job = row.notification_job_id;
    const updated = await trx.updateTable("user_steps")
      .set({
        status: "RESET",
        paused: false,
        remaining_sec: null,
        timer_started_at: null,
        timer_ends_at: null,
        notification_job_id: null,
        active_seconds: row.active_seconds + ran,
        completed_at: null,
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { row: updated, changed: true, after: () => cancelJob(s, job) };
  });
  return { ...result, clock: result.changed ? clock : undefined };
}

/**
 * Completes a step by the learner: theory read, practice done, or a timer
 * whose time is up (refused before its end, give or take the tolerance).
 * Completing a completed step changes nothing.
 */
export async function completeStep(
  s: Services,
  user: Viewer,
  ref: StepRef,
  opts: ActionOptions = {},
): Promise<ActionResult> {
  const now = opts.now ?? new Date();
  let clock: AppliedTime | undefined;
  const result = await mutateStepAt(s, user, ref, now, (_trx, row, ctx) => {
    if (ctx.stepType === "DIARY" || ctx.stepType === "EXAMINATION") {
      throw new TrainingError(409, "wrong_type");
    }
    if (row.status === "COMPLETED") return { row, changed: false };
    // An offline completion counts at its (checked) time: a timer ended offline is not too early.
    const time = actionTime(opts.client, now, row);
    clock = time.clock;
    if (!isTimerStep(ctx.stepType)) {
      return { write: untimedCompletion(time.at), changed: true };
    }
    const left = remainingMs(row, ctx.durationSec, time.at)!;
    const started = isRunning(row) || row.paused;
    if (!started || left > TIMER_TOLERANCE_MS) {
      throw new TrainingError(409, "too_early", { remainingMs: started ? left : null });
    }
    const job = row.notification_job_id;
    return {
      write: timerCompletion(row, time.at),
      changed: true,
      after: () => cancelJob(s, job),
    };
  });
  return { ...result, clock: result.changed ? clock : undefined };
}

/**
 * The `step-finished` job (and anyone else who finds a timer's time up):
 * completes a running timer whose time is up and, in the same transaction,
 * stores the learner's notification; its pushes leave through the outbox
 * after the commit. Safe to run twice and against each other: the row is
 * locked and completed by one conditional update, so only one run completes
 * it and notifies; a later run (a retry after a crash) only sends pushes
 * still pending. A job that arrives early is rescheduled for the remaining
 * time.
 */
export async function finishTimer(
  s: Services,
  userStepId: string,
  jobId: string | null,
  opts: { now?: Date; notify?: boolean } = {},
): Promise<{ completed: boolean; rescheduled?: string }> {
  const now = opts.now ?? new Date();
  const ctx = await resolveStep(s, userStepId, null);
  if (!ctx) return { completed: false };
  // A run after a crash finds the step completed: its notification's pushes may still wait.
  const sendPending = () => runAfter(() => enqueuePendingDeliveries(s, { userId: ctx.userId }));
  if (
    !isTimerStep(ctx.stepType) || !isRunning(ctx.row) ||
    (jobId && ctx.row.notification_job_id !== jobId)
  ) {
    await sendPending();
    return { completed: false };
  }
  let rescheduled: string | undefined;
  const result = await mutateStep(s, ctx, now, async (trx, row) => {
    if (!isRunning(row) || (jobId && row.notification_job_id !== jobId)) {
      return { row, changed: false };
    }
    const left = row.timer_ends_at!.getTime() - now.getTime();
    if (left > TIMER_TOLERANCE_MS) {
      rescheduled = await s.jobs.enqueue("step-finished", { userStepId: row.id }, {
        delay: left,
        tx: trx,
      });
      const updated = await trx.updateTable("user_steps")
        .set({ notification_job_id: rescheduled })
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { row: updated, changed: false };
    }
    const job = row.notification_job_id;
    if (opts.notify !== false) {
      // In the completion's transaction: the completion and its notice commit together,
      // and only the run that found the locked step still running writes it.
      await storeNotification(s, trx, ctx.userId, {
        ...NOTIFICATIONS.stepFinished,
        vars: { step: await personalTitle(trx, ctx.userId, ctx.courseId, ctx.stepTitle) },
        url: stepPath(ctx.courseSlug, ctx.dayOnCourseId, ctx.stepOnDayId),
      });
    }
    return {
      write: timerCompletion(row, now),
      changed: true,
      // Our own job needs no cancelling; anything else scheduled for this run does.
      after: () => job && job !== jobId ? cancelJob(s, job) : Promise.resolve(),
    };
  });
  crashPoint("step-finished:committed");
  await sendPending();
  return { completed: result.changed, rescheduled };
}
