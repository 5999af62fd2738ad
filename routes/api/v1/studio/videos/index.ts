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
