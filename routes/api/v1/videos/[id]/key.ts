/**
 * `GET /api/v1/videos/<id>/key?t=<token>`: the 16 raw bytes of the video's
 * AES-128 key. Access is checked on every request and the answer is never
 * stored, so revoking a learner's course access stops new keys at once.
 */
import { define } from "@/define.ts";
import { contentKey } from "@/core/video/playback.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const s = ctx.state.services;
    const key = await contentKey(s, ctx.state.user, ctx.params.id, ctx.url.searchParams.get("t"));
    return new Response(key, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": "16",
        "cache-control": "no-store",
      },
    });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The video's AES-128 key (16 bytes), checked on every request",
    tags: ["videos"],
    auth: "user",
    params: z.object({ id: z.string() }),
    query: z.object({ t: z.string().describe("The signed token from the playlist") }),
    responses: {
      200: { description: "The key", contentType: "application/octet-stream" },
      ...errorResponses(401, 403, 404, 409),
    },
  },
};
