/**
 * Course reviews. Only a learner who COMPLETED the course may write one (a
 * rating 1–5 and an optional comment of up to 2000 characters), one per
 * learner and course; the author may edit or delete it, and moderators and
 * admins may delete any (moderation) but not rewrite it. Every change
 * recomputes the course's `avg_rating` and `review_count` in the same
 * transaction, with the course row locked so concurrent reviews cannot leave
 * a stale average.
 */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { ForbiddenError, isStaff, NotFoundError, requireUser } from "./auth/guards.ts";
import type { CourseOutline } from "./courses/outline.ts";
import { invalidateCourses } from "./courses/cache.ts";
import { requireCourse } from "./courses/access.ts";
import { newId } from "@/platform/ids.ts";
import { isUniqueViolation } from "@/db/connection.ts";
import type { Database } from "@/db/schema.ts";
import { AppError } from "./app_error.ts";

export const REVIEW_COMMENT_MAX = 2000;
export const REVIEWS_PAGE_SIZE = 20;

const ratingError = { error: "reviews.rating" } as const;

export const reviewInputSchema = z.object({
  rating: z.coerce.number(ratingError).int(ratingError).min(1, ratingError).max(5, ratingError),
  comment: z.preprocess(
    (v) => (typeof v === "string" ? v.replace(/\r\n?/g, "\n").trim() : v ?? ""),
    z.string().max(REVIEW_COMMENT_MAX, { error: "validation.tooLong" }),
  ).transform((v) => (v === "" ? null : v)),
});

export type ReviewInput = z.input<typeof reviewInputSchema>;

/** Someone who already reviewed the course tries to add a second review. */
export class ReviewExistsError extends AppError {
  constructor() {
    super(409, "exists", "reviews.exists", {
      fields: { _form: "reviews.exists" },
      message: "you have already reviewed this course",
    });
    this.name = "ReviewExistsError";
  }
}

export interface Review {
  id: string;
  courseId: string;
  rating: number;
  comment: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Changed after it was first written. */
  edited: boolean;
  author: { id: string; username: string; name: string; avatarKey: string | null };
}

function reviewSelect(db: Kysely<Database>) {
  return db.selectFrom("course_reviews as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .leftJoin("user_profiles as p", "p.user_id", "u.id")
    .select([
      "r.id",
      "r.course_id",
      "r.rating",
      "r.comment",
      "r.created_at",
      "r.updated_at",
      "u.id as user_id",
      "u.username",
      "p.full_name",
      "p.avatar_key",
    ]);
}

type ReviewRow = Awaited<ReturnType<ReturnType<typeof reviewSelect>["execute"]>>[number];

function toReview(r: ReviewRow): Review {
  return {
    id: r.id,
    courseId: r.course_id,
    rating: r.rating,
    comment: r.comment,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    // A minute of slack: the same save can stamp the two columns a moment apart.
    edited: r.updated_at.getTime() - r.created_at.getTime() > 60_000,
    author: {
      id: r.user_id,
      username: r.username,
      name: r.full_name || r.username,
      avatarKey: r.avatar_key,
    },
  };
}

export interface RatingSummary {
  average: number | null;
  count: number;
  /** Reviews per rating, index 0 = one star … 4 = five stars. */
  histogram: [number, number, number, number, number];
}

/** A page of a visible course's reviews, newest first, with the rating breakdown. */
export async function listReviews(
  s: Services,
  course: CourseOutline,
  opts: { page?: number; pageSize?: number } = {},
): Promise<{ reviews: Review[]; summary: RatingSummary; page: number; pages: number }> {
  const pageSize = opts.pageSize ?? REVIEWS_PAGE_SIZE;
  const [rows, counts] = await Promise.all([
    reviewSelect(s.db)
      .where("r.course_id", "=", course.id)
      .orderBy("r.created_at", "desc")
      .orderBy("r.id", "desc")
      .limit(pageSize)
      .offset(Math.max(0, (opts.page ?? 1) - 1) * pageSize)
      .execute(),
    s.db.selectFrom("course_reviews")
      .select(["rating", (eb) => eb.fn.countAll<number>().as("n")])
      .where("course_id", "=", course.id)
      .groupBy("rating")
      .execute(),
  ]);
  const histogram: RatingSummary["histogram"] = [0, 0, 0, 0, 0];
  let count = 0, sum = 0;
  for (const c of counts) {
    histogram[c.rating - 1] = Number(c.n);
    count += Number(c.n);
    sum += c.rating * Number(c.n);
  }
  return {
    reviews: rows.map(toReview),
    summary: { average: count ? sum / count : null, count, histogram },
    page: Math.max(1, opts.page ?? 1),
    pages: Math.max(1, Math.ceil(count / pageSize)),
  };
}

/** Did this user complete the course (the progress engine's `user_courses` status)? */
export async function hasCompleted(s: Services, userId: string, courseId: string) {
  const row = await s.db.selectFrom("user_courses").select("status")
    .where("user_id", "=", userId).where("course_id", "=", courseId).executeTakeFirst();
  return row?.status === "COMPLETED";
}

export async function myReview(
  s: Services,
  userId: string,
  courseId: string,
): Promise<Review | null> {
  const row = await reviewSelect(s.db)
    .where("r.course_id", "=", courseId).where("r.user_id", "=", userId)
    .executeTakeFirst();
  return row ? toReview(row) : null;
}

export interface ReviewAccess {
  mine: Review | null;
  /** May write (or has written) a review. */
  canWrite: boolean;
  /** Why not, when `canWrite` is false. */
  reason: "signIn" | "notCompleted" | null;
}

/** What the viewer may do on a course's reviews page. */
export async function reviewAccess(
  s: Services,
  viewer: SessionUser | null,
  course: CourseOutline,
): Promise<ReviewAccess> {
  if (!viewer) return { mine: null, canWrite: false, reason: "signIn" };
  const [mine, completed] = await Promise.all([
    myReview(s, viewer.id, course.id),
    hasCompleted(s, viewer.id, course.id),
  ]);
  if (mine || completed) return { mine, canWrite: true, reason: null };
  return { mine: null, canWrite: false, reason: "notCompleted" };
}

/** Recomputes a course's average and count; call inside the transaction that changed reviews. */
export async function recomputeRating(trx: Kysely<Database>, courseId: string): Promise<void> {
  await sql`
    UPDATE courses SET
      avg_rating = (SELECT avg(rating)::double precision FROM course_reviews WHERE course_id = ${courseId}),
      review_count = (SELECT count(*) FROM course_reviews WHERE course_id = ${courseId})
    WHERE id = ${courseId}
  `.execute(trx);
}

/** Runs `fn` in a transaction holding the course row, then recomputes its rating. */
async function withCourseLocked<T>(
  s: Services,
  courseId: string,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const result = await s.db.transaction().execute(async (trx) => {
    await trx.selectFrom("courses").select("id").where("id", "=", courseId).forUpdate()
      .executeTakeFirst();
    const out = await fn(trx);
    await recomputeRating(trx, courseId);
    return out;
  });
  // The catalogue and outlines show the rating.
  invalidateCourses(s);
  return result;
}

/** The acting user and the course they act on (a course they may not see: 404). */
async function reviewTarget(s: Services, actor: SessionUser | null, slug: string) {
  const user = requireUser(actor);
  return { user, course: await requireCourse(s, slug, user) };
}

type Target = Awaited<ReturnType<typeof reviewTarget>>;

async function insertReview(s: Services, { user, course }: Target, input: unknown) {
  if (!await hasCompleted(s, user.id, course.id)) {
    throw new ForbiddenError("only learners who completed the course may review it");
  }
  const data = reviewInputSchema.parse(input);
  const id = newId();
  try {
    await withCourseLocked(s, course.id, async (trx) => {
      await trx.insertInto("course_reviews").values({
        id,
        course_id: course.id,
        user_id: user.id,
        rating: data.rating,
        comment: data.comment,
      }).execute();
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ReviewExistsError();
    throw e;
  }
  return (await myReview(s, user.id, course.id))!;
}

async function changeReview(
  s: Services,
  { user, course }: Target,
  reviewId: string,
  input: unknown,
) {
  const row = await reviewOf(s, course, reviewId);
  if (row.user_id !== user.id) throw new ForbiddenError("not your review");
  const data = reviewInputSchema.parse(input);
  await withCourseLocked(s, course.id, async (trx) => {
    await trx.updateTable("course_reviews")
      .set({ rating: data.rating, comment: data.comment })
      .where("id", "=", reviewId).where("user_id", "=", user.id)
      .execute();
  });
  return (await myReview(s, user.id, course.id))!;
}

/** Loads a review of this course; a review of another course is not found. */
async function reviewOf(s: Services, course: CourseOutline, reviewId: string) {
  const row = await s.db.selectFrom("course_reviews").select(["id", "user_id"])
    .where("id", "=", reviewId).where("course_id", "=", course.id).executeTakeFirst();
  if (!row) throw new NotFoundError("review not found");
  return row;
}

/** Adds the acting learner's review. 403 unless they completed the course; 409 if one exists. */
export async function createReview(
  s: Services,
  actor: SessionUser | null,
  slug: string,
  input: unknown,
): Promise<Review> {
  return await insertReview(s, await reviewTarget(s, actor, slug), input);
}

/** Changes the acting user's own review. Someone else's review: 403. */
export async function updateReview(
  s: Services,
  actor: SessionUser | null,
  slug: string,
  reviewId: string,
  input: unknown,
): Promise<Review> {
  return await changeReview(s, await reviewTarget(s, actor, slug), reviewId, input);
}

/** Deletes a review: its author, or a moderator/admin (moderation). Others: 403. */
export async function deleteReview(
  s: Services,
  actor: SessionUser | null,
  slug: string,
  reviewId: string,
): Promise<void> {
  const { user, course } = await reviewTarget(s, actor, slug);
  const row = await reviewOf(s, course, reviewId);
  if (row.user_id !== user.id && !isStaff(user)) throw new ForbiddenError("not your review");
  await withCourseLocked(s, course.id, async (trx) => {
    await trx.deleteFrom("course_reviews").where("id", "=", reviewId).execute();
  });
}

/** The page form: creates the learner's review, or updates it when there is one. */
export async function saveMyReview(
  s: Services,
  actor: SessionUser | null,
  slug: string,
  input: unknown,
): Promise<Review> {
  const target = await reviewTarget(s, actor, slug);
  const mine = await myReview(s, target.user.id, target.course.id);
  return mine
    ? await changeReview(s, target, mine.id, input)
    : await insertReview(s, target, input);
}
