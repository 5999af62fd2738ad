/**
 * A course's learners in the trainer studio: the paginated, searchable list
 * on the statistics page, one learner's progress (with their diary only
 * where they chose to share it, `user_courses.diary_shared`), and the CSV
 * export of every learner's progress.
 *
 * The same access rule as the statistics (./scope.ts): author or staff,
 * another trainer 404. A user who has no `user_courses` row on the course
 * is not its learner: 404 as well, so the view cannot be used to probe
 * other users.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../../services.ts";
import type { Viewer } from "../../courses/access.ts";
import { NotFoundError } from "../../auth/guards.ts";
import { courseDiary, type DiaryEntryView } from "../../training/diary.ts";
import { courseProgressExport, csvStream } from "../../exports.ts";
import { likePattern } from "../steps.ts";
import { isId } from "@/platform/ids.ts";
import type { ExamStatus, StepType, TrainingStatus } from "@/db/schema.ts";
import {
  type LiveDay,
  liveStructure,
  num,
  type StatsCourse,
  statsCourse,
  studioActor,
} from "./scope.ts";

export const LEARNERS_PAGE = 25;

const listQuerySchema = z.object({
  q: z.string().trim().max(100).catch(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export interface LearnerRow {
  userId: string;
  username: string;
  status: TrainingStatus;
  startedAt: Date | null;
  completedAt: Date | null;
  daysCompleted: number;
}

export interface LearnerPage {
  q: string;
  page: number;
  pages: number;
  total: number;
  daysTotal: number;
  learners: LearnerRow[];
}

/**
 * One page of the course's learners by username; `q` finds a part of the
 * username (any case). A bad query is read as none rather than refused: it
 * is a filter, not a form.
 */
export async function courseLearners(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
  input: unknown,
): Promise<LearnerPage> {
  const actor = studioActor(viewer);
  const course = await statsCourse(s, actor, courseId);
  const { q, page } = listQuerySchema.parse(input ?? {});
  let base = s.db.selectFrom("user_courses as uc")
    .innerJoin("users as u", "u.id", "uc.user_id")
    .where("uc.course_id", "=", course.id);
  if (q) base = base.where(sql<boolean>`u.username ILIKE ${likePattern(q)} ESCAPE '\\'`);
  const [count, days] = await Promise.all([
    // Without a search the count needs no users: an index-only count.
    (q ? base.select(sql<number>`count(*)`.as("n")) : s.db.selectFrom("user_courses")
      .select(sql<number>`count(*)`.as("n")).where("course_id", "=", course.id))
      .executeTakeFirstOrThrow(),
    s.db.selectFrom("day_on_course").select("id")
      .where("course_id", "=", course.id).where("archived_at", "is", null).execute(),
  ]);
  const total = num(count.n);
  const pages = Math.max(1, Math.ceil(total / LEARNERS_PAGE));
  const current = Math.min(page, pages);
  const rows = await base
    .select(["u.id", "u.username", "uc.status", "uc.started_at", "uc.completed_at"])
    .orderBy("u.username").limit(LEARNERS_PAGE).offset((current - 1) * LEARNERS_PAGE)
    .execute();
  const dcIds = days.map((d) => d.id);
  const done = rows.length && dcIds.length
    ? await s.db.selectFrom("user_trainings").select(["user_id", sql<number>`count(*)`.as("n")])
      .where("user_id", "in", rows.map((r) => r.id))
      .where("day_on_course_id", "in", dcIds)
      .where("status", "=", "COMPLETED")
      .groupBy("user_id").execute()
    : [];
  const doneBy = new Map(done.map((r) => [r.user_id, num(r.n)]));
  return {
    q,
    page: current,
    pages,
    total,
    daysTotal: dcIds.length,
    learners: rows.map((r) => ({
      userId: r.id,
      username: r.username,
      status: r.status,
      startedAt: r.started_at,
      completedAt: r.completed_at,
      daysCompleted: doneBy.get(r.id) ?? 0,
    })),
  };
}

// ------------------------------------------------------------ one learner

export interface LearnerExam {
  status: ExamStatus;
  submittedAt: Date;
  reviewedAt: Date | null;
  testScore: number | null;
  testMaxScore: number | null;
}

export interface LearnerStep {
  stepOnDayId: string;
  title: string;
  type: StepType;
  status: TrainingStatus;
  startedAt: Date | null;
  completedAt: Date | null;
  exam: LearnerExam | null;
}

export interface LearnerDay {
  dayOnCourseId: string;
  title: string;
  number: number;
  status: TrainingStatus;
  startedAt: Date | null;
  completedAt: Date | null;
  steps: LearnerStep[];
}

export interface LearnerView {
  course: StatsCourse;
  learner: {
    id: string;
    username: string;
    status: TrainingStatus;
    startedAt: Date | null;
    completedAt: Date | null;
  };
  days: LearnerDay[];
  /** The learner's diary for the course's days; null when they have not shared it. */
  diary: DiaryEntryView[] | null;
}

/** One learner's progress on the course, for its author or staff (else 404). */
export async function learnerView(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
  userId: string,
): Promise<LearnerView> {
  const actor = studioActor(viewer);
  const course = await statsCourse(s, actor, courseId);
  if (!isId(userId)) throw new NotFoundError("learner not found");
  const learner = await s.db.selectFrom("user_courses as uc")
    .innerJoin("users as u", "u.id", "uc.user_id")
    .select([
      "u.id",
      "u.username",
      "uc.status",
      "uc.started_at",
      "uc.completed_at",
      "uc.diary_shared",
    ])
    .where("uc.course_id", "=", course.id).where("uc.user_id", "=", userId)
    .executeTakeFirst();
  if (!learner) throw new NotFoundError("learner not found");
  const days = await liveStructure(s, course.id);
  const dcIds = days.map((d) => d.dayOnCourseId);
  const [trainings, steps, diary] = await Promise.all([
    dcIds.length
      ? s.db.selectFrom("user_trainings")
        .select(["id", "day_on_course_id", "status", "started_at", "completed_at"])
        .where("user_id", "=", learner.id).where("day_on_course_id", "in", dcIds).execute()
      : Promise.resolve([]),
    dcIds.length
      ? s.db.selectFrom("user_steps as us")
        .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
        .leftJoin("exam_results as er", "er.user_step_id", "us.id")
        .select([
          "ut.day_on_course_id",
          "us.step_on_day_id",
          "us.status",
          "us.created_at",
          "us.completed_at",
          "er.status as exam_status",
          "er.submitted_at",
          "er.reviewed_at",
          "er.test_score",
          "er.test_max_score",
        ])
        .where("ut.user_id", "=", learner.id).where("ut.day_on_course_id", "in", dcIds)
        .execute()
      : Promise.resolve([]),
    learner.diary_shared ? courseDiary(s, learner.id, course.id) : Promise.resolve(null),
  ]);
  const trainingOf = new Map(trainings.map((t) => [t.day_on_course_id, t]));
  const stepOf = new Map(steps.map((r) => [`${r.day_on_course_id}/${r.step_on_day_id}`, r]));
  return {
    course,
    learner: {
      id: learner.id,
      username: learner.username,
      status: learner.status,
      startedAt: learner.started_at,
      completedAt: learner.completed_at,
    },
    days: days.map((d: LiveDay) => {
      const t = trainingOf.get(d.dayOnCourseId);
      return {
        dayOnCourseId: d.dayOnCourseId,
        title: d.title,
        number: d.number,
        status: t?.status ?? "NOT_STARTED",
        startedAt: t?.started_at ?? null,
        completedAt: t?.completed_at ?? null,
        steps: d.steps.map((st) => {
          const r = stepOf.get(`${d.dayOnCourseId}/${st.stepOnDayId}`);
          return {
            stepOnDayId: st.stepOnDayId,
            title: st.title,
            type: st.type,
            status: r?.status ?? "NOT_STARTED",
            // A progress row is made when the learner first acts on the step.
            startedAt: r?.created_at ?? null,
            completedAt: r?.completed_at ?? null,
            exam: r?.exam_status && r.submitted_at
              ? {
                status: r.exam_status,
                submittedAt: r.submitted_at,
                reviewedAt: r.reviewed_at ?? null,
                testScore: r.test_score ?? null,
                testMaxScore: r.test_max_score ?? null,
              }
              : null,
          };
        }),
      };
    }),
    diary,
  };
}

// -------------------------------------------------------------------- CSV

export interface CsvExport {
  filename: string;
  /** UTF-8 with a BOM, CRLF lines, RFC 4180 quoting, formula cells guarded (core/exports.ts). */
  body: ReadableStream<Uint8Array>;
}

/**
 * Every learner's progress on the course as CSV, for its author or staff
 * (else 404): the one course-progress export the admin CLI also writes,
 * streamed in batches.
 */
export async function courseProgressCsv(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
): Promise<CsvExport> {
  const course = await statsCourse(s, studioActor(viewer), courseId);
  const data = await courseProgressExport(s, course.id);
  return { filename: `${course.slug}-progress.csv`, body: csvStream(data) };
}
