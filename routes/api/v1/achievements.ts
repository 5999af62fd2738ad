/**
 * `GET /api/v1/achievements` → what `/achievements` shows the signed-in
 * learner: statistics, streaks in their time zone, the awards with progress,
 * the activity calendar and the per-course breakdown. Only one's own.
 */
import { define } from "@/define.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { achievementsSchema, errorResponses } from "@/http/api_schemas.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { loadAchievements } from "@/core/achievements.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx.state.user);
    const view = await loadAchievements(ctx.state.services, user);
    return Response.json(view, { headers: { "cache-control": "private, no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The learner's statistics, awards and activity",
    tags: ["achievements"],
    auth: "user",
    responses: {
      200: { description: "Achievements", schema: achievementsSchema },
      ...errorResponses(401),
    },
  },
};
