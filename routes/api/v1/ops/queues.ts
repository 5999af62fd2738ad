/**
 * Queue counts as JSON for the live table on /ops/queues (and scripts):
 * per queue, jobs by state, latency, done and failed in the last hour.
 * Moderators and admins; 401 for visitors, 403 for everyone else.
 */
import { define } from "@/define.ts";
import { queueStats } from "@/core/ops.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, jobStatsSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const stats = await queueStats(ctx.state.services, ctx.state.user);
    return Response.json(stats, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "Job queue counts, latency and recent outcomes",
    tags: ["ops"],
    auth: "staff",
    responses: {
      200: { description: "Per queue and in total", schema: jobStatsSchema },
      ...errorResponses(401, 403),
    },
  },
};
