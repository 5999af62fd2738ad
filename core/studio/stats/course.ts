/**
 * Course statistics for the trainer studio: headline numbers of every
 * course the trainer owns (staff: all), and the per-course page's numbers.
 *
 * Everything is aggregated in SQL: a handful of GROUP BY queries, the
 * independent ones in parallel; a course's aggregates are then reused for a
 * minute (`STATS_TTL_MS`), since they read every progress row of the course
 * (bench/stats.ts measures both). Definitions:
 *
 * - started: learners whose `user_courses` status is past NOT_STARTED;
 *   completed: status COMPLETED; in progress: the rest of the started.
 * - per day and per step: learners who completed it, and that count over
 *   the course's started learners (a funnel in course order; archived days
 *   and steps are left out). Shared days count the learner's own progress in
 *   this course only.
 * - medians: `percentile_cont(0.5)` of `completed_at - started_at` of the
 *   completed days (`user_trainings`) and courses (`user_courses`).
 * - exams: pass rate = APPROVED over reviewed (APPROVED + RETURNED); the
 *   average score is test_score / test_max_score over submissions with a test.
 * - activity: step completions (`user_steps.completed_at`) by ISO weekday
 *   and hour in the course trainer's time zone.
 */
import { sql } from "kysely";
import type { Services } from "../../services.ts";
import type { Viewer } from "../../courses/access.ts";
import { isStaff } from "../../auth/guards.ts";
import { COURSES_TAG } from "../../courses/cache.ts";
import {
  durationSec,
  type LiveDay,
  liveStructure,
  num,
  numOrNull,
  rate,
  type StatsCourse,
  statsCourse,
  studioActor,
} from "./scope.ts";
import type { StepType } from "@/db/schema.ts";

export interface Headline {
  started: number;
  inProgress: number;
  completed: number;
  /** completed ÷ started; null with no learner. */
  completionRate: number | null;
  pendingExams: number;
}

export interface StatsCourseItem {
  id: string;
  name: string;
  slug: string;
  published: boolean;
  archived: boolean;
  authorName: string;
  headline: Headline;
}

function headlineOf(started: number, completed: number, pendingExams: number): Headline {
  return {
    started,
    inProgress: started - completed,
    completed,
    completionRate: rate(completed, started),
    pendingExams,
  };
}

/** The courses whose statistics `actor` reads (theirs; every course for staff), by name. */
export async function listStatsCourses(
  s: Services,
  viewer: Viewer | null,
): Promise<StatsCourseItem[]> {
  const actor = studioActor(viewer);
  let q = s.db.selectFrom("courses as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .leftJoin(
      (eb) =>
        eb.selectFrom("user_courses").select([
          "course_id",
          sql<number>`count(*) FILTER (WHERE status <> 'NOT_STARTED')`.as("started"),
          sql<number>`count(*) FILTER (WHERE status = 'COMPLETED')`.as("completed"),
        ]).groupBy("course_id").as("uc"),
      (j) => j.onRef("uc.course_id", "=", "c.id"),
    )
    .leftJoin(
      (eb) =>
        eb.selectFrom("exam_results").select([
          "course_id",
          sql<number>`count(*)`.as("pending"),
        ]).where("status", "=", "PENDING").groupBy("course_id").as("ex"),
      (j) => j.onRef("ex.course_id", "=", "c.id"),
    )
    .select([
      "c.id",
      "c.name",
      "c.slug",
      "c.published_at",
      "c.archived_at",
      "u.username",
      "uc.started",
      "uc.completed",
      "ex.pending",
    ]);
  if (!isStaff(actor)) q = q.where("c.author_id", "=", actor.id);
  const rows = await q.orderBy("c.name").orderBy("c.id").execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    published: r.published_at !== null,
    archived: r.archived_at !== null,
    authorName: r.username,
    headline: headlineOf(num(r.started), num(r.completed), num(r.pending)),
  }));
}

export interface StepStat {
  stepOnDayId: string;
  title: string;
  type: StepType;
  completed: number;
  /** completed ÷ the course's started learners. */
  rate: number | null;
}

export interface DayStat {
  dayOnCourseId: string;
  title: string;
  number: number;
  started: number;
  completed: number;
  rate: number | null;
  /** Median seconds from the day's start to its completion; null when nobody finished it. */
  medianSec: number | null;
  steps: StepStat[];
}

export interface ExamStats {
  submissions: number;
  pending: number;
  approved: number;
  returned: number;
  /** approved ÷ (approved + returned). */
  passRate: number | null;
  /** Mean of test_score ÷ test_max_score (0..1) over submissions with a test. */
  averageScore: number | null;
}

export interface CourseStats {
  course: StatsCourse;
  /** When the aggregates were computed (they are reused for `STATS_TTL_MS`). */
  computedAt: Date;
  headline: Headline;
  medianCourseSec: number | null;
  days: DayStat[];
  exams: ExamStats;
  /** `ratings[i]`: reviews with i + 1 stars. */
  ratings: [number, number, number, number, number];
  reviewCount: number;
  averageRating: number | null;
  favourites: number;
  /** `activity[weekday][hour]`: completions; weekday 0 = Monday, in `course.timeZone`. */
  activity: number[][];
}

/** How long a course's aggregates are reused (statistics, not a live feed). */
export const STATS_TTL_MS = 60_000;

/** Cache tag of one course's statistics. */
export function statsTag(courseId: string): string {
  return `stats:${courseId}`;
}

/** Drops a course's cached statistics (e.g. after a change a trainer wants to see at once). */
export function invalidateCourseStats(s: Services, courseId: string): void {
  s.cache.invalidate(statsTag(courseId));
}

type Aggregates = Omit<CourseStats, "course">;

/**
 * The per-course statistics for its author or staff (else 404). The access
 * check runs on every request; the aggregates, which read every progress row
 * of the course, are computed once per `STATS_TTL_MS` and shared by
 * concurrent requests (`computedAt` says when), so a course with ten
 * thousand learners costs one computation a minute, not one per view.
 */
export async function courseStats(
  s: Services,
  viewer: Viewer | null,
  courseId: string,
): Promise<CourseStats> {
  const actor = studioActor(viewer);
  const course = await statsCourse(s, actor, courseId);
  const key = `${statsTag(course.id)}:${course.timeZone}`;
  const aggregates = await s.cache.get(
    key,
    // Content changes (days, steps archived) drop it with the course caches.
    { ttlMs: STATS_TTL_MS, tags: [statsTag(course.id), COURSES_TAG] },
    () => computeAggregates(s, course),
  );
  return { course, ...aggregates };
}

/** The statistics' SQL: independent GROUP BY queries, in parallel. */
async function computeAggregates(s: Services, course: StatsCourse): Promise<Aggregates> {
  const computedAt = new Date();
  const days = await liveStructure(s, course.id);
  const dcIds = days.map((d) => d.dayOnCourseId);
  const courseTrainings = () =>
    s.db.selectFrom("user_trainings as ut")
      .innerJoin("user_steps as us", "us.user_training_id", "ut.id")
      .where("ut.day_on_course_id", "in", dcIds);
  const [learners, perDay, perStep, activityRows, exams, ratings, favourites] = await Promise.all([
    s.db.selectFrom("user_courses").select([
      sql<number>`count(*) FILTER (WHERE status <> 'NOT_STARTED')`.as("started"),
      sql<number>`count(*) FILTER (WHERE status = 'COMPLETED')`.as("completed"),
      sql<number | null>`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${
        durationSec("started_at", "completed_at")
      }) FILTER (WHERE status = 'COMPLETED' AND started_at IS NOT NULL AND completed_at IS NOT NULL)`
        .as("median"),
    ]).where("course_id", "=", course.id).executeTakeFirstOrThrow(),
    dcIds.length === 0 ? Promise.resolve([]) : s.db.selectFrom("user_trainings").select([
      "day_on_course_id",
      sql<number>`count(*) FILTER (WHERE status <> 'NOT_STARTED')`.as("started"),
      sql<number>`count(*) FILTER (WHERE status = 'COMPLETED')`.as("completed"),
      sql<number | null>`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${
        durationSec("started_at", "completed_at")
      }) FILTER (WHERE status = 'COMPLETED' AND started_at IS NOT NULL AND completed_at IS NOT NULL)`
        .as("median"),
    ]).where("day_on_course_id", "in", dcIds).groupBy("day_on_course_id").execute(),
    dcIds.length === 0 ? Promise.resolve([]) : courseTrainings()
      .select(["ut.day_on_course_id", "us.step_on_day_id", sql<number>`count(*)`.as("completed")])
      .where("us.status", "=", "COMPLETED")
      .groupBy(["ut.day_on_course_id", "us.step_on_day_id"])
      .execute(),
    // Completions are first counted per quarter hour in UTC (cheap arithmetic
    // per row; quarters keep zones with :30 and :45 offsets exact), and only
    // those buckets are turned into the trainer's weekday and hour.
    dcIds.length === 0 ? Promise.resolve([]) : s.db.selectFrom(
      courseTrainings()
        .select([
          sql<number>`floor(extract(epoch from us.completed_at) / 900)`.as("q"),
          sql<number>`count(*)`.as("n"),
        ])
        .where("us.completed_at", "is not", null)
        .groupBy("q")
        .as("b"),
    ).select([
      sql<number>`extract(isodow from to_timestamp(b.q * 900) AT TIME ZONE ${course.timeZone})::int`
        .as("dow"),
      sql<number>`extract(hour from to_timestamp(b.q * 900) AT TIME ZONE ${course.timeZone})::int`
        .as("hour"),
      sql<number>`sum(b.n)`.as("events"),
    ]).groupBy(["dow", "hour"]).execute(),
    s.db.selectFrom("exam_results").select([
      sql<number>`count(*)`.as("submissions"),
      sql<number>`count(*) FILTER (WHERE status = 'PENDING')`.as("pending"),
      sql<number>`count(*) FILTER (WHERE status = 'APPROVED')`.as("approved"),
      sql<number>`count(*) FILTER (WHERE status = 'RETURNED')`.as("returned"),
      sql<
        number | null
      >`avg(test_score::float8 / test_max_score) FILTER (WHERE test_max_score > 0 AND test_score IS NOT NULL)`
        .as("score"),
    ]).where("course_id", "=", course.id).executeTakeFirstOrThrow(),
    s.db.selectFrom("course_reviews").select(["rating", sql<number>`count(*)`.as("n")])
      .where("course_id", "=", course.id).groupBy("rating").execute(),
    s.db.selectFrom("favorites").select(sql<number>`count(*)`.as("n"))
      .where("course_id", "=", course.id).executeTakeFirstOrThrow(),
  ]);

  const started = num(learners.started);
  const completed = num(learners.completed);
  const byDay = new Map(perDay.map((r) => [r.day_on_course_id, r]));
  const stepDone = new Map(
    perStep.map((r) => [`${r.day_on_course_id}/${r.step_on_day_id}`, num(r.completed)]),
  );
  const activity = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of activityRows) {
    const dow = num(r.dow), hour = num(r.hour);
    if (dow >= 1 && dow <= 7 && hour >= 0 && hour < 24) activity[dow - 1][hour] += num(r.events);
  }
  const dayStats = days.map((d: LiveDay): DayStat => {
    const row = byDay.get(d.dayOnCourseId);
    const dayDone = num(row?.completed);
    return {
      dayOnCourseId: d.dayOnCourseId,
      title: d.title,
      number: d.number,
      started: num(row?.started),
      completed: dayDone,
      rate: rate(dayDone, started),
      medianSec: numOrNull(row?.median),
      steps: d.steps.map((st) => {
        const done = stepDone.get(`${d.dayOnCourseId}/${st.stepOnDayId}`) ?? 0;
        return {
          stepOnDayId: st.stepOnDayId,
          title: st.title,
          type: st.type,
          completed: done,
          rate: rate(done, started),
        };
      }),
    };
  });

  const stars: CourseStats["ratings"] = [0, 0, 0, 0, 0];
  for (const r of ratings) {
    if (r.rating >= 1 && r.rating <= 5) stars[r.rating - 1] = num(r.n);
  }
  const reviewCount = stars.reduce((a, b) => a + b, 0);
  const approved = num(exams.approved), returned = num(exams.returned);
  return {
    computedAt,
    headline: headlineOf(started, completed, num(exams.pending)),
    medianCourseSec: numOrNull(learners.median),
    days: dayStats,
    exams: {
      submissions: num(exams.submissions),
      pending: num(exams.pending),
      approved,
      returned,
      passRate: rate(approved, approved + returned),
      averageScore: numOrNull(exams.score),
    },
    ratings: stars,
    reviewCount,
    averageRating: reviewCount
      ? stars.reduce((sum, n, i) => sum + n * (i + 1), 0) / reviewCount
      : null,
    favourites: num(favourites.n),
    activity,
  };
}
