/**
 * Reviews of a course.
 *
 * - `GET ?page=N` → `{ reviews, summary: { average, count, histogram }, page, pages, mine? }`
 * - `POST { rating: 1..5, comment?: string ≤ 2000 }` → 201 `{ review }`. Only a
 *   learner who completed the course (403 otherwise), once (409 when they
 *   already have one: edit it with PATCH).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { requireCourse } from "@/core/courses/access.ts";
import { requireUser } from "@/core/auth/guards.ts";
import {
  createReview,
  listReviews,
  myReview,
  type Review,
  reviewInputSchema,
} from "@/core/reviews.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, reviewPageSchema, reviewSchema } from "@/http/api_schemas.ts";

export function reviewJson(r: Review) {
  return {
    id: r.id,
    rating: r.rating,
    comment: r.comment,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    edited: r.edited,
    author: { username: r.author.username, name: r.author.name },
  };
}

const pageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

export const handler = define.handlers({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const course = await requireCourse(services, ctx.params.slug, user);
    const page = pageSchema.parse(ctx.url.searchParams.get("page") ?? 1);
    const [list, mine] = await Promise.all([
      listReviews(services, course, { page }),
      user ? myReview(services, user.id, course.id) : Promise.resolve(null),
    ]);
    return Response.json({
      reviews: list.reviews.map(reviewJson),
      summary: list.summary,
      page: list.page,
      pages: list.pages,
      ...(user ? { mine: mine ? reviewJson(mine) : null } : {}),
    }, { headers: { "cache-control": "private, no-store" } });
  },
  async POST(ctx) {
    const { services, user } = ctx.state;
    requireUser(user);
    const body = await readJson(ctx);
    // Already reviewed: ReviewExistsError, 409 `exists` (http/errors.ts).
    const review = await createReview(services, user, ctx.params.slug, body);
    return Response.json({ review: reviewJson(review) }, { status: 201 });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "A page of a course's reviews with the rating summary",
    tags: ["reviews"],
    auth: "optional",
    params: z.object({ slug: z.string() }),
    query: z.object({ page: z.number().int().min(1).max(10_000).optional() }),
    responses: {
      200: { description: "Reviews, newest first", schema: reviewPageSchema },
      ...errorResponses(404),
    },
  },
  POST: {
    summary: "Review a completed course (once)",
    tags: ["reviews"],
    auth: "user",
    params: z.object({ slug: z.string() }),
    body: reviewInputSchema,
    responses: {
      201: { description: "Created", schema: z.object({ review: reviewSchema }) },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  },
};
