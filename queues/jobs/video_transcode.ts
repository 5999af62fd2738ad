/**
 * `video-transcode`: one uploaded video through the ffmpeg ladder
 * (core/video/transcode.ts). Enqueued by the studio's library after an
 * upload and on "retry". PLACEHOLDER of the shared contract: the lead keeps
 * the pipeline slice's version of this file at merge.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { transcodeVideo } from "@/core/video/transcode.ts";
import { isId } from "@/platform/ids.ts";

export default defineJob({
  name: "video-transcode",
  queue: "video-transcoding",
  schema: z.object({ videoId: z.string().refine(isId, { error: "not an id" }) }).strict(),
  async handler(payload, ctx) {
    return await transcodeVideo(ctx.services, payload.videoId, ctx);
  },
});
