/**
 * `/api/v1/studio/videos`: the viewer's video library (staff: everyone's).
 * `POST` uploads — multipart field `videos` (one or several) or one raw
 * file as the body — and answers 201 `{videos}`, each PENDING with its
 * transcode job enqueued; refusals are JSON through `mapError` (415 not a
 * video, 413 too large, 422 unreadable / no video stream / too long).
 * `GET` lists them; `?ids=a,b` only those (the page's live status polls
 * this; ids the viewer may not see are left out).
 */
import { define } from "@/define.ts";
import { uploadVideos, videoJson, videoStatuses } from "@/core/video/library.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, videoSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const videos = await videoStatuses(ctx.state.services, ctx.state.user, {
      ids: ctx.url.searchParams.get("ids") ?? undefined,
    });
    return Response.json({ videos: videos.map(videoJson) }, {
      headers: { "cache-control": "no-store" },
    });
  },
  async POST(ctx) {
    const videos = await uploadVideos(ctx.state.services, ctx.state.user, ctx.req);
    return Response.json({ videos: videos.map(videoJson) }, { status: 201 });
  },
});

const list = z.object({ videos: z.array(videoSchema) });

export const openapi: ApiDoc = {
  GET: {
    summary: "The viewer's video library (staff: everyone's)",
    tags: ["videos"],
    auth: "trainer",
    query: z.object({ ids: z.string().optional().describe("Comma-separated: only these") }),
    responses: { 200: { description: "Videos", schema: list }, ...errorResponses(401, 403) },
  },
  POST: {
    summary: "Upload videos (each is transcoded in the background)",
    tags: ["videos"],
    auth: "trainer",
    bodyType: "multipart",
    body: z.object({ videos: z.string().describe("Video files; or one as the raw body") }),
    responses: {
      201: { description: "Accepted, PENDING", schema: list },
      ...errorResponses(400, 401, 403, 413, 415, 422),
    },
  },
};
