/**
 * Exam review in the trainer studio: the queue of submissions, one
 * submission in full, and the verdict.
 *
 * A trainer sees the exams sent on the courses they author; moderators and
 * admins see all. Anyone else in the studio learns nothing of an exam they
 * may not review (404); people outside the studio are refused (403) before
 * anything is read. The verdict itself is core/training/exams.ts
 * (`approveExam`, `returnExam`: the step completed or reopened, the learner
 * notified in the same transaction); this module only checks, shapes and
 * hands over.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { Viewer } from "../courses/access.ts";
import { ForbiddenError, isStaff, NotFoundError, STUDIO_ROLES } from "../auth/guards.ts";
import { UnauthenticatedError } from "../auth/guards.ts";
import { isId } from "@/platform/ids.ts";
import type {
  ChecklistQuestion,
  ExamStatus,
  ExamVideoDeleteReason,
  ExamVideoReviewStatus,
  PetType,
  TestAnswers,
} from "@/db/schema.ts";
import { EXAM_STATUSES } from "@/db/schema.ts";
import { mediaPath } from "../paths.ts";
import {
  approveExam,
  COMMENT_MAX,
  percent,
  returnExam,
  type ReviewResult,
} from "../training/exams.ts";
import { TrainingError } from "../training/errors.ts";

export const EXAMS_PAGE_SIZE = 20;

/** Someone in the studio (trainer, moderator, admin); others are refused. */
function studioActor(actor: Viewer | null): Viewer {
  if (!actor) throw new UnauthenticatedError();
  if (!STUDIO_ROLES.includes(actor.role)) throw new ForbiddenError();
  return actor;
}

// ------------------------------------------------------------------ queue

/** The queue's filters, from a GET form: values that make no sense are dropped, not refused. */
const filtersSchema = z.object({
  course: z.string().refine(isId).optional().catch(undefined),
  status: z.enum(EXAM_STATUSES as [ExamStatus, ...ExamStatus[]]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

export type ExamFilters = z.output<typeof filtersSchema>;

/** Reads the queue's filters from the query string (or any object of strings). */
export function parseExamFilters(input: URLSearchParams | Record<string, unknown>): ExamFilters {
  const raw = input instanceof URLSearchParams ? Object.fromEntries(input) : input;
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ""));
  return filtersSchema.parse(clean);
}

/** The query string of a queue page (`?course=…&status=…&page=…`, empty values left out). */
export function examFiltersSearch(f: Partial<ExamFilters>): string {
  const q = new URLSearchParams();
  if (f.course) q.set("course", f.course);
  if (f.status) q.set("status", f.status);
  if (f.page && f.page > 1) q.set("page", String(f.page));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export interface ExamCounts {
  PENDING: number;
  APPROVED: number;
  RETURNED: number;
}

export interface ExamQueueItem {
  id: string;
  status: ExamStatus;
  learner: string;
  courseName: string;
  dayTitle: string;
  stepTitle: string;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  hasWritten: boolean;
  hasVideo: boolean;
  submittedAt: Date;
}

export interface ExamQueue {
  items: ExamQueueItem[];
  /** Over the reviewer's courses (and the course filter), whatever the status filter. */
  counts: ExamCounts;
  filters: ExamFilters;
  page: number;
  pages: number;
  /** The reviewer's courses that have submissions (the course filter's choices). */
  courses: { id: string; name: string }[];
}

/** The submissions `actor` may review, newest first, with counts and filters. */
export async function listExams(
  s: Services,
  viewer: Viewer | null,
  filters: ExamFilters,
): Promise<ExamQueue> {
  const actor = studioActor(viewer);
  const staff = isStaff(actor);
  if (filters.course) {
    // Another trainer's course is not found, as its exams are.
    const course = await s.db.selectFrom("courses").select("author_id")
      .where("id", "=", filters.course).executeTakeFirst();
    if (!course || (!staff && course.author_id !== actor.id)) throw new NotFoundError();
  }

  const scoped = () => {
    let q = s.db.selectFrom("exam_results as er")
      .innerJoin("courses as c", "c.id", "er.course_id");
    if (!staff) q = q.where("c.author_id", "=", actor.id);
    if (filters.course) q = q.where("er.course_id", "=", filters.course);
    return q;
  };

  const countRows = await scoped()
    .select(["er.status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("er.status")
    .execute();
  const counts: ExamCounts = { PENDING: 0, APPROVED: 0, RETURNED: 0 };
  for (const r of countRows) counts[r.status] = Number(r.n);
  const total = filters.status
    ? counts[filters.status]
    : counts.PENDING + counts.APPROVED + counts.RETURNED;
  const pages = Math.max(1, Math.ceil(total / EXAMS_PAGE_SIZE));
  const page = Math.min(filters.page, pages);

  let q = scoped()
    .innerJoin("users as u", "u.id", "er.user_id")
    .innerJoin("steps as st", "st.id", "er.step_id")
    .innerJoin("user_steps as us", "us.id", "er.user_step_id")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .select([
      "er.id",
      "er.status",
      "er.test_score",
      "er.test_max_score",
      "er.written_answer",
      "er.video_key",
      "er.video_deleted_at",
      "er.submitted_at",
      "u.username",
      "c.name as course_name",
      "d.title as day_title",
      "st.title as step_title",
    ]);
  if (filters.status) q = q.where("er.status", "=", filters.status);
  const rows = await q.orderBy("er.submitted_at", "desc").orderBy("er.id", "desc")
    .limit(EXAMS_PAGE_SIZE).offset((page - 1) * EXAMS_PAGE_SIZE)
    .execute();

  let courses = s.db.selectFrom("courses as c")
    .select(["c.id", "c.name"])
    .where((eb) =>
      eb.exists(
        eb.selectFrom("exam_results as x").select("x.id").whereRef("x.course_id", "=", "c.id"),
      )
    );
  if (!staff) courses = courses.where("c.author_id", "=", actor.id);

  return {
    items: rows.map((r) => ({
      id: r.id,
      status: r.status,
      learner: r.username,
      courseName: r.course_name,
      dayTitle: r.day_title,
      stepTitle: r.step_title,
      score: r.test_score,
      maxScore: r.test_max_score,
      percent: r.test_max_score ? percent(r.test_score ?? 0, r.test_max_score) : null,
      hasWritten: !!r.written_answer,
      hasVideo: !!r.video_key && !r.video_deleted_at,
      submittedAt: r.submitted_at,
    })),
    counts,
    filters: { ...filters, page },
    page,
    pages,
    courses: await courses.orderBy("c.name").limit(500).execute(),
  };
}

// ----------------------------------------------------------------- detail

export interface AnswerView {
  id: string;
  question: string;
  options: string[];
  /** The learner's option (null: not answered). */
  chosen: number | null;
  correctIndex: number;
  correct: boolean;
  comment: string | null;
}

export interface AttemptView {
  status: ExamStatus;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  written: string | null;
  hadVideo: boolean;
  trainerComment: string | null;
  submittedAt: Date;
  reviewedAt: Date | null;
}

export interface ExamDetail {
  id: string;
  status: ExamStatus;
  learner: { id: string; username: string };
  /** The learner's pets (the exam does not say which one took part). */
  pets: { name: string; type: PetType; breed: string | null }[];
  course: { id: string; name: string; slug: string };
  day: { title: string; position: number };
  step: { title: string; position: number };
  answers: AnswerView[];
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passPercent: number;
  passed: boolean | null;
  written: string | null;
  /** The private video (`/media/…`, readable by the learner, the author and staff). */
  videoUrl: string | null;
  videoDeleted: boolean;
  /** When and why the video was removed, and the retention that applied (null while kept). */
  videoRemoval: { at: Date; reason: ExamVideoDeleteReason | null; keptDays: number | null } | null;
  /**
   * The small copy for review (core/video/exam.ts): its URL once READY;
   * PENDING while it is being made, FAILED with a reason code (`corrupt`,
   * `tooLong`, `timeout`, `ffmpeg`, `missing`) — the original plays meanwhile.
   */
  review: { status: ExamVideoReviewStatus; url: string | null; error: string | null } | null;
  trainerComment: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  submittedAt: Date;
  /** Earlier attempts that a trainer returned, oldest first (the current one is above). */
  history: AttemptView[];
}

/** Compares each test answer with the correct option. */
export function answersAgainstKey(
  checklist: readonly ChecklistQuestion[],
  answers: TestAnswers,
): AnswerView[] {
  return checklist.map((q) => {
    const chosen = typeof answers[q.id] === "number" ? answers[q.id] : null;
    return {
      id: q.id,
      question: q.question,
      options: [...q.options],
      chosen,
      correctIndex: q.correctIndex,
      correct: chosen === q.correctIndex,
      comment: q.comment ?? null,
    };
  });
}

/** The submission if `actor` may review it (course author or staff), else not found. */
async function examInScope(s: Services, actor: Viewer, examId: string) {
  if (!isId(examId)) throw new NotFoundError();
  const row = await s.db.selectFrom("exam_results as er")
    .innerJoin("courses as c", "c.id", "er.course_id")
    .innerJoin("users as u", "u.id", "er.user_id")
    .innerJoin("steps as st", "st.id", "er.step_id")
    .innerJoin("user_steps as us", "us.id", "er.user_step_id")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .leftJoin("users as r", "r.id", "er.reviewed_by")
    .selectAll("er")
    .select([
      "c.author_id",
      "c.name as course_name",
      "c.slug as course_slug",
      "u.username",
      "st.title as step_title",
      "st.checklist",
      "st.pass_percent",
      "sd.position as step_position",
      "d.title as day_title",
      "dc.position as day_position",
      "r.username as reviewer",
    ])
    .where("er.id", "=", examId)
    .executeTakeFirst();
  if (!row || (row.author_id !== actor.id && !isStaff(actor))) throw new NotFoundError();
  return row;
}

/** One submission in full, for its reviewer. */
export async function examDetail(
  s: Services,
  viewer: Viewer | null,
  examId: string,
): Promise<ExamDetail> {
  const actor = studioActor(viewer);
  const row = await examInScope(s, actor, examId);
  const [pets, history] = await Promise.all([
    s.db.selectFrom("pets").select(["name", "type", "breed"])
      .where("owner_id", "=", row.user_id).orderBy("created_at").limit(20).execute(),
    s.db.selectFrom("exam_attempts").selectAll()
      .where("exam_result_id", "=", row.id).orderBy("submitted_at").execute(),
  ]);
  const pct = row.test_max_score ? percent(row.test_score ?? 0, row.test_max_score) : null;
  return {
    id: row.id,
    status: row.status,
    learner: { id: row.user_id, username: row.username },
    pets,
    course: { id: row.course_id, name: row.course_name, slug: row.course_slug },
    day: { title: row.day_title, position: row.day_position + 1 },
    step: { title: row.step_title, position: row.step_position + 1 },
    answers: answersAgainstKey(row.checklist, row.test_answers),
    score: row.test_score,
    maxScore: row.test_max_score,
    percent: pct,
    passPercent: row.pass_percent,
    passed: pct === null ? null : pct >= row.pass_percent,
    written: row.written_answer,
    videoUrl: row.video_key && !row.video_deleted_at ? mediaPath(row.video_key) : null,
    videoDeleted: !!row.video_key && !!row.video_deleted_at,
    videoRemoval: row.video_key && row.video_deleted_at
      ? {
        at: row.video_deleted_at,
        reason: row.video_delete_reason,
        keptDays: row.video_delete_reason === "auto_cleanup_approved"
          ? s.config.examVideoRetention.approvedDays
          : row.video_delete_reason === "auto_cleanup_pending"
          ? s.config.examVideoRetention.pendingDays
          : null,
      }
      : null,
    review: row.video_key && !row.video_deleted_at && row.video_review_status
      ? {
        status: row.video_review_status,
        url: row.video_review_status === "READY" && row.video_review_key
          ? mediaPath(row.video_review_key)
          : null,
        error: row.video_review_status === "FAILED"
          ? (row.video_review_error ?? "ffmpeg").split(":")[0]
          : null,
      }
      : null,
    trainerComment: row.trainer_comment,
    reviewedBy: row.reviewer,
    reviewedAt: row.reviewed_at,
    submittedAt: row.submitted_at,
    history: history.map((h) => ({
      status: h.status,
      score: h.test_score,
      maxScore: h.test_max_score,
      percent: h.test_max_score ? percent(h.test_score ?? 0, h.test_max_score) : null,
      written: h.written_answer,
      hadVideo: h.had_video,
      trainerComment: h.trainer_comment,
      submittedAt: h.submitted_at,
      reviewedAt: h.reviewed_at,
    })),
  };
}

// ----------------------------------------------------------------- verdict

export const DECISIONS = ["approve", "return"] as const;
export type Decision = typeof DECISIONS[number];

const decisionSchema = z.object({
  decision: z.enum(DECISIONS, { error: "studio.exams.validation.decision" }),
  comment: z.string().max(COMMENT_MAX).optional(),
});

/**
 * Approves or returns a submission (`{ decision, comment }`; returning needs
 * a comment). Checks the reviewer first, so someone else's exam is not found
 * whatever was sent; then the review of core/training/exams.ts does the rest.
 * An exam already reviewed (by someone else meanwhile) is refused with a
 * message for the form.
 */
export async function reviewExam(
  s: Services,
  viewer: Viewer | null,
  examId: string,
  input: unknown,
  opts: { now?: Date } = {},
): Promise<ReviewResult & { decision: Decision }> {
  const actor = studioActor(viewer);
  await examInScope(s, actor, examId);
  const { decision, comment } = decisionSchema.parse(input);
  try {
    const result = decision === "approve"
      ? await approveExam(s, actor, examId, { comment }, opts)
      : await returnExam(s, actor, examId, { comment }, opts);
    return { ...result, decision };
  } catch (err) {
    if (err instanceof TrainingError && err.code === "exam_not_pending") {
      err.fields = { _form: "studio.exams.error.notPending" };
    }
    throw err;
  }
}
