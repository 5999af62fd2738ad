/**
 * One review: `PATCH { rating, comment? }` (its author only) and `DELETE`
 * (its author, or a moderator/admin). Someone else's review: 403.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { deleteReview, reviewInputSchema, updateReview } from "@/core/reviews.ts";
import { reviewJson } from "./index.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, reviewSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async PATCH(ctx) {
    const { services, user } = ctx.state;
    requireUser(user);
    const body = await readJson(ctx);
    const review = await updateReview(services, user, ctx.params.slug, ctx.params.id, body);
    return Response.json({ review: reviewJson(review) });
  },
  async DELETE(ctx) {
    await deleteReview(ctx.state.services, ctx.state.user, ctx.params.slug, ctx.params.id);
    return new Response(null, { status: 204 });
  },
});

const params = z.object({ slug: z.string(), id: z.string() });

export const openapi: ApiDoc = {
  PATCH: {
    summary: "Change one's own review",
    tags: ["reviews"],
    auth: "user",
    params,
    body: reviewInputSchema,
    responses: {
      200: { description: "The review", schema: z.object({ review: reviewSchema }) },
      ...errorResponses(400, 401, 403, 404),
    },
  },
  DELETE: {
    summary: "Delete a review (its author, or a moderator/admin)",
    tags: ["reviews"],
    auth: "user",
    params,
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
  },
};
