/**
 * `GET /api/v1/videos/<id>/offline/<rendition>/<file>`: one encrypted segment
 * of the offline rendition. Streamed through the app from either storage
 * (no redirect to a presigned URL: the browser keeps what it downloads under
 * this URL).
 */
import { define, type State } from "@/define.ts";
import type { Context } from "@/framework/mod.ts";
import { offlineSegmentKey } from "@/core/video/offline.ts";
import { serveObject } from "@/core/storage/serve.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

async function serve(ctx: Context<State>): Promise<Response> {
  const s = ctx.state.services;
  const { id, rendition, file } = ctx.params;
  const key = await offlineSegmentKey(s, ctx.state.user, id, rendition, file);
  // Encrypted and immutable: the browser may keep them for a while.
  const res = await serveObject(s.storage, key, ctx.req, { cacheControl: "private, max-age=3600" });
  if (!res) throw new NotFoundError("segment not found");
  return res;
}

export const handler = define.handlers({ GET: serve, HEAD: serve });

export const openapi: ApiDoc = {
  GET: {
    summary: "One encrypted segment of the video's offline rendition",
    tags: ["videos", "offline"],
    auth: "user",
    params: z.object({ id: z.string(), rendition: z.string(), file: z.string() }),
    responses: {
      200: { description: "The segment", contentType: "video/mp2t" },
      206: { description: "Part of a segment (Range)", contentType: "video/mp2t" },
      ...errorResponses(401, 404, 409),
    },
  },
};
