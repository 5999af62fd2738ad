/**
 * One review: `PATCH { rating, comment? }` (its author only) and `DELETE`
 * (its author, or a moderator/admin). Someone else's review: 403.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { deleteReview, updateReview } from "@/core/reviews.ts";
import { reviewJson } from "./index.ts";

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
