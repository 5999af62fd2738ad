/**
 * `video-transcode`: one uploaded video → encrypted adaptive HLS
 * (core/video/transcode.ts does the work). Enqueued after an upload and on a
 * retry from the library, and by the sweeper for a PENDING video whose job
 * was lost. A redelivery after a crash starts over (the
 * transcoder removes the partial files first); a READY video returns at once.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { transcodeVideo } from "@/core/video/transcode.ts";
import { sweepTranscodes } from "@/core/video/library.ts";
import { isId } from "@/platform/ids.ts";

export default defineJob({
  name: "video-transcode",
  queue: "video-transcoding",
  schema: z.object({ videoId: z.string().refine(isId) }).strict(),
  // A corrupt source fails the same way every time; a few spaced retries
  // cover passing causes (storage outage, a full disk) before FAILED.
  retry: [30_000, 300_000],
  // The transcoder has its own timeout proportional to the duration (at
  // most 60 s + factor × 60 min); this is only the runtime's backstop.
  timeoutMs: 12 * 3600_000,
  async handler(payload, ctx) {
    return await transcodeVideo(ctx.services, payload.videoId, ctx);
  },
  // Uploads whose job was lost between the row's commit and the enqueue.
  sweep: sweepTranscodes,
});
