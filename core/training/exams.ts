/**
 * Exams: a learner answers (test questions, a written answer, a video
 * report — any mix the step asks for) and the step waits for the trainer
 * (IN_PROGRESS, exam PENDING). The course author or staff approve it (step
 * COMPLETED, roll-up) or return it with a comment (step stays IN_PROGRESS,
 * the learner may send again). Each review notifies the learner.
 *
 * Test answers are scored on the server against the step's checklist; the
 * correct options never reach the browser before the answers are sent.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { Viewer } from "../courses/access.ts";
import { mediaPath, stepPath, studioExamPath } from "../paths.ts";
import { ForbiddenError, isStaff, NotFoundError } from "../auth/guards.ts";
import { isId, newId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import type { ChecklistQuestion, ExamStatus, TestAnswers } from "@/db/schema.ts";
import { enqueuePendingDeliveries, NOTIFICATIONS, storeNotification } from "../notifications.ts";
import { isValidKey } from "../storage/mod.ts";
import { pendingExamsChanged } from "../studio/pending.ts";
import { TrainingError } from "./errors.ts";
import {
  mutateStep,
  resolveStep,
  runAfter,
  type StepContext,
  stepForLearner,
  type StepRef,
} from "./context.ts";
import { type ActionResult, untimedCompletion } from "./steps.ts";
import { personalTitle } from "../personalisation/titles.ts";
import { enqueueExamPreview, examVideoFiles, reviewFieldsFor } from "../video/exam.ts";
import { jobsWithChange } from "../jobs_tx.ts";

export const WRITTEN_MAX = 10_000;
export const COMMENT_MAX = 2_000;
export const EXAM_VIDEO_MAX_BYTES = 100 * 1024 * 1024;

/** The exam form's field of the video file (its refusals are shown there). */
export const EXAM_VIDEO_FIELD = "video";

/** Correct answers out of the questions asked. */
export function scoreTest(
  checklist: readonly ChecklistQuestion[],
  answers: TestAnswers,
): { score: number; max: number } {
  let score = 0;
  for (const q of checklist) if (answers[q.id] === q.correctIndex) score++;
  return { score, max: checklist.length };
}

export function percent(score: number, max: number): number {
  return max === 0 ? 100 : Math.round((score / max) * 100);
}

/** Where a learner's exam files live: `exams/<userId>/<userStepId>/`. */
export function examPrefix(userId: string, userStepId: string): string {
  return `exams/${userId}/${userStepId}/`;
}

/** The schema of one step's answers: every question, a written answer and a video as asked. */
export function examSchema(ctx: Pick<StepContext, "checklist" | "requiresWritten">) {
  const answers = z.object(
    Object.fromEntries(ctx.checklist.map((q) => [
      q.id,
      z.number({ error: "training.validation.answers" })
        .int({ error: "training.validation.answers" })
        .min(0, { error: "training.validation.answers" })
        .max(q.options.length - 1, { error: "training.validation.answers" }),
    ])),
    { error: "training.validation.answers" },
  );
  const written = ctx.requiresWritten
    ? z.string({ error: (iss) => iss.input == null ? "training.validation.written" : undefined })
      .trim()
      .min(1, { error: "training.validation.written" }).max(WRITTEN_MAX)
    : z.string().trim().max(WRITTEN_MAX).optional();
  return z.object({
    answers: ctx.checklist.length ? answers : z.object({}).optional(),
    written,
    videoKey: z.string().max(500).optional(),
  });
}

export interface ExamResultView {
  id: string;
  status: ExamStatus;
  answers: TestAnswers;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passed: boolean | null;
  written: string | null;
  videoUrl: string | null;
  /** The video was sent and has since been removed (retention, core/video/exam_cleanup.ts). */
  videoRemoved: boolean;
  trainerComment: string | null;
  reviewedAt: Date | null;
  submittedAt: Date;
  /** Per question after submission: right or wrong, and the trainer's note on it. */
  perQuestion: { id: string; correct: boolean; comment: string | null }[];
}

export interface ExamRow {
  id: string;
  status: ExamStatus;
  test_answers: TestAnswers;
  test_score: number | null;
  test_max_score: number | null;
  written_answer: string | null;
  video_key: string | null;
  video_deleted_at: Date | null;
  trainer_comment: string | null;
  reviewed_at: Date | null;
  submitted_at: Date;
}

export function examResultView(
  row: ExamRow,
  checklist: readonly ChecklistQuestion[],
  passPercent: number,
): ExamResultView {
  const hasTest = row.test_max_score !== null && row.test_max_score > 0;
  const pct = hasTest ? percent(row.test_score ?? 0, row.test_max_score!) : null;
  return {
    id: row.id,
    status: row.status,
    answers: row.test_answers,
    score: row.test_score,
    maxScore: row.test_max_score,
    percent: pct,
    passed: pct === null ? null : pct >= passPercent,
    written: row.written_answer,
    videoUrl: row.video_key && !row.video_deleted_at ? mediaPath(row.video_key) : null,
    videoRemoved: !!row.video_key && !!row.video_deleted_at,
    trainerComment: row.trainer_comment,
    reviewedAt: row.reviewed_at,
    submittedAt: row.submitted_at,
    // Which answers were right is shown once a trainer has reviewed the exam:
    // shown at once, a learner could resend until every answer is right.
    perQuestion: row.status === "PENDING" ? [] : checklist.map((q) => ({
      id: q.id,
      correct: row.test_answers[q.id] === q.correctIndex,
      comment: q.comment ?? null,
    })),
  };
}

/**
 * Sends (or sends again) the learner's answers. Refused once the exam is
 * approved. A new video replaces the old one, whose file is deleted.
 */
export async function submitExam(
  s: Services,
  user: Viewer,
  ref: StepRef,
  input: unknown,
  opts: { now?: Date } = {},
): Promise<ActionResult & { exam: ExamResultView }> {
  const now = opts.now ?? new Date();
  const ctx = await stepForLearner(s, user, ref);
  if (ctx.stepType !== "EXAMINATION") throw new TrainingError(409, "wrong_type");
  const data = examSchema(ctx).parse(input);
  const answers: TestAnswers = (data.answers ?? {}) as TestAnswers;
  const { score, max } = scoreTest(ctx.checklist, answers);

  let videoKey: string | null = null;
  if (ctx.requiresVideo) {
    // A resubmission without a new video keeps the one already sent.
    const sent = data.videoKey ? null : await s.db.selectFrom("exam_results")
      .select("video_key").where("user_step_id", "=", ctx.userStepId)
      .where("video_deleted_at", "is", null).executeTakeFirst();
    const key = data.videoKey ?? sent?.video_key ?? "";
    const mine = key.startsWith(examPrefix(ctx.userId, ctx.userStepId)) && isValidKey(key);
    if (!mine || !(await s.storage.head(key))) {
      throw new TrainingError(422, "video_missing", {}, {
        [EXAM_VIDEO_FIELD]: "training.error.videoMissing",
      });
    }
    videoKey = key;
  }

  let exam: ExamRow | undefined;
  let notified = false;
  const jobs = jobsWithChange(s);
  const result = await mutateStep(s, ctx, now, async (trx, row) => {
    const prev = await trx.selectFrom("exam_results")
      .selectAll()
      .where("user_step_id", "=", row.id)
      .executeTakeFirst();
    if (prev?.status === "APPROVED" || row.status === "COMPLETED") {
      throw new TrainingError(409, "exam_closed");
    }
    if (prev?.status === "RETURNED") {
      // The returned attempt is kept in the history before the new one replaces it.
      await trx.insertInto("exam_attempts").values({
        id: newId(),
        exam_result_id: prev.id,
        user_id: prev.user_id,
        step_id: prev.step_id,
        test_answers: json(prev.test_answers),
        test_score: prev.test_score,
        test_max_score: prev.test_max_score,
        written_answer: prev.written_answer,
        had_video: prev.video_key !== null,
        status: "RETURNED",
        trainer_comment: prev.trainer_comment,
        reviewed_at: prev.reviewed_at,
        reviewed_by: prev.reviewed_by,
        submitted_at: prev.submitted_at,
      }).execute();
    }
    const values = {
      test_answers: json(answers),
      test_score: ctx.checklist.length ? score : null,
      test_max_score: ctx.checklist.length ? max : null,
      written_answer: data.written ? data.written : null,
      video_key: videoKey,
      video_deleted_at: null,
      video_delete_reason: null,
      // The same video keeps its review copy; a new one waits for its own.
      ...reviewFieldsFor(prev, videoKey),
      status: "PENDING" as const,
      trainer_comment: null,
      reviewed_at: null,
      reviewed_by: null,
      submitted_at: now,
    };
    const saved = await trx.insertInto("exam_results")
      .values({
        id: newId(),
        user_step_id: row.id,
        step_id: ctx.stepId,
        course_id: ctx.courseId,
        user_id: ctx.userId,
        ...values,
      })
      .onConflict((oc) => oc.column("user_step_id").doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    exam = saved;
    if (saved.video_review_status === "PENDING" && saved.video_key) {
      // With the submission (PostgreSQL jobs), or right after its commit (KV: the sweeper covers a crash).
      await enqueueExamPreview(s, saved.id, saved.video_key, jobs.in(trx));
    }
    const updated = await trx.updateTable("user_steps")
      .set({ status: "IN_PROGRESS", paused: false, completed_at: null })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // A new submission (not a change to one still waiting) tells the course's trainer.
    if (prev?.status !== "PENDING" && ctx.courseAuthorId !== ctx.userId) {
      const about = await trx.selectFrom("users").select("username")
        .where("id", "=", ctx.userId).executeTakeFirstOrThrow();
      notified = !!await storeNotification(s, trx, ctx.courseAuthorId, {
        ...NOTIFICATIONS.examSubmitted,
        vars: { step: ctx.stepTitle, learner: about.username },
        url: studioExamPath(exam.id),
      });
    }
    // The replaced video goes with its review copy.
    const oldFiles = prev?.video_key && prev.video_key !== videoKey
      ? examVideoFiles(prev.video_key, prev.video_review_key)
      : [];
    return {
      row: updated,
      changed: row.status !== "IN_PROGRESS",
      after: oldFiles.length
        ? async () => {
          for (const key of oldFiles) await s.storage.delete(key);
        }
        : undefined,
    };
  });
  pendingExamsChanged(s);
  await runAfter(() => jobs.committed());
  if (notified) await runAfter(() => enqueuePendingDeliveries(s, { userId: ctx.courseAuthorId }));
  return { ...result, ctx, exam: examResultView(exam!, ctx.checklist, ctx.passPercent) };
}

/** The learner's exam for a step (null before the first submission). */
export async function examResultFor(
  s: Services,
  user: Viewer,
  ref: StepRef,
): Promise<ExamResultView | null> {
  const ctx = await stepForLearner(s, user, ref);
  if (ctx.stepType !== "EXAMINATION") throw new TrainingError(409, "wrong_type");
  const row = await s.db.selectFrom("exam_results").selectAll()
    .where("user_step_id", "=", ctx.userStepId).executeTakeFirst();
  return row ? examResultView(row, ctx.checklist, ctx.passPercent) : null;
}

// --------------------------------------------------------------- reviews

const approveSchema = z.object({
  comment: z.string().trim().max(COMMENT_MAX).optional(),
});
const returnSchema = z.object({
  comment: z.string({
    error: (iss) => iss.input == null ? "training.validation.comment" : undefined,
  }).trim()
    .min(1, { error: "training.validation.comment" }).max(COMMENT_MAX),
});

export interface ReviewResult {
  exam: ExamResultView;
  learnerId: string;
  celebrate: "day" | "course" | null;
}

/** The exam and its step, if `actor` may review it (course author or staff). */
async function examForReviewer(s: Services, actor: Viewer, examId: string) {
  if (!isId(examId)) throw new NotFoundError();
  const exam = await s.db.selectFrom("exam_results as er")
    .innerJoin("courses as c", "c.id", "er.course_id")
    .select(["er.id", "er.user_id", "er.user_step_id", "c.author_id"])
    .where("er.id", "=", examId)
    .executeTakeFirst();
  if (!exam) throw new NotFoundError();
  const allowed = actor.id === exam.author_id || isStaff(actor);
  if (!allowed) {
    // The learner knows their exam exists; anyone else learns nothing.
    if (actor.id === exam.user_id) throw new ForbiddenError();
    throw new NotFoundError();
  }
  const ctx = await resolveStep(s, exam.user_step_id, exam.user_id);
  if (!ctx) throw new NotFoundError();
  return { exam, ctx };
}

async function review(
  s: Services,
  actor: Viewer,
  examId: string,
  approve: boolean,
  comment: string | null,
  now: Date,
): Promise<ReviewResult> {
  const { exam, ctx } = await examForReviewer(s, actor, examId);
  let updated: ExamRow | undefined;
  const result = await mutateStep(s, ctx, now, async (trx, row) => {
    const current = await trx.selectFrom("exam_results").select("status")
      .where("id", "=", exam.id).forUpdate().executeTakeFirstOrThrow();
    if (current.status !== "PENDING") throw new TrainingError(409, "exam_not_pending");
    updated = await trx.updateTable("exam_results")
      .set({
        status: approve ? "APPROVED" : "RETURNED",
        trainer_comment: comment,
        reviewed_at: now,
        reviewed_by: actor.id,
      })
      .where("id", "=", exam.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // The review and its notice commit together (only a PENDING exam gets here).
    const step = await personalTitle(trx, ctx.userId, ctx.courseId, ctx.stepTitle);
    await storeNotification(s, trx, ctx.userId, {
      ...(approve ? NOTIFICATIONS.examApproved : NOTIFICATIONS.examReturned),
      vars: comment ? { step, comment } : { step },
      url: stepPath(ctx.courseSlug, ctx.dayOnCourseId, ctx.stepOnDayId),
    });
    if (!approve) return { row, changed: false };
    return { write: untimedCompletion(now), changed: true };
  });
  pendingExamsChanged(s);
  await runAfter(() => enqueuePendingDeliveries(s, { userId: ctx.userId }));
  return {
    exam: examResultView(updated!, ctx.checklist, ctx.passPercent),
    learnerId: ctx.userId,
    celebrate: result.rollup?.celebrate ?? null,
  };
}

/** Approves a pending exam: the step is completed and the learner told. */
export async function approveExam(
  s: Services,
  actor: Viewer,
  examId: string,
  input: unknown = {},
  opts: { now?: Date } = {},
): Promise<ReviewResult> {
  const { comment } = approveSchema.parse(input);
  return await review(s, actor, examId, true, comment || null, opts.now ?? new Date());
}

/** Returns a pending exam with a comment: the learner fixes it and sends it again. */
export async function returnExam(
  s: Services,
  actor: Viewer,
  examId: string,
  input: unknown,
  opts: { now?: Date } = {},
): Promise<ReviewResult> {
  const { comment } = returnSchema.parse(input);
  return await review(s, actor, examId, false, comment, opts.now ?? new Date());
}
