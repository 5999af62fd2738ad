/**
 * `GET /api/v1/videos/<id>/offline/key`: the 16 raw bytes of the video's
 * AES-128 key for its kept copy. Access is checked on every request; the
 * answer is `no-store`, so only the course cache the learner's browser puts
 * it in holds it, and that cache is deleted once their access ends.
 */
import { define } from "@/define.ts";
import { offlineContentKey } from "@/core/video/offline.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const key = await offlineContentKey(ctx.state.services, ctx.state.user, ctx.params.id);
    return new Response(key, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": "16",
        "cache-control": "private, no-store",
      },
    });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The video's AES-128 key (16 bytes) for its offline copy",
    description: "Checked against the viewer's access on every request; never stored by caches.",
    tags: ["videos", "offline"],
    auth: "user",
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: "The key", contentType: "application/octet-stream" },
      ...errorResponses(401, 404, 409),
    },
  },
};
