/**
 * `POST /api/v1/videos/<id>/session` → `{ url, expiresAt }`: a fresh master
 * playlist URL signed for the signed-in viewer (the player asks on play and
 * again before the last one expires). CSRF header as for every API write.
 */
import { define } from "@/define.ts";
import { startPlayback } from "@/core/video/playback.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const r = await startPlayback(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json(r, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "A fresh signed master playlist URL for the viewer",
    tags: ["videos"],
    auth: "user",
    params: z.object({ id: z.string() }),
    responses: {
      200: {
        description: "The URL and when it expires (ms since the epoch)",
        schema: z.object({ url: z.string(), expiresAt: z.number() }),
      },
      ...errorResponses(401, 403, 404, 409),
    },
  },
};
