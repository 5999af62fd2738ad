/**
 * `/studio/videos/<id>/thumb`: a video's list thumbnail for its owner and
 * staff (`videos/` has no `/media` rule: the library checks who asks).
 * 404 while there is none yet, or for another trainer's video.
 */
import { define } from "@/define.ts";
import { HttpError } from "@/framework/mod.ts";
import { videoThumbnail } from "@/core/video/library.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const file = await videoThumbnail(ctx.state.services, ctx.state.user, ctx.params.id);
    if (!file) throw new HttpError(404, "no thumbnail yet");
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-length": String(file.size),
        // Private: only the owner and staff may see it; a new transcode writes the same key.
        "cache-control": "private, max-age=60",
        etag: file.etag,
      },
    });
  },
});
