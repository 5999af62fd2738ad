/**
 * `exam-video-preview`: the small review copy of a learner's exam video
 * (core/video/exam.ts). In the `video-transcoding` queue, not
 * `exam-cleanup`: it runs ffmpeg, and that queue lets one encoder run at a
 * time, so an exam copy never competes with a trainer's video for the CPU.
 * Enqueued after a submission with a new video (dedupe key: exam and
 * video); the sweeper finds copies whose job was lost.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { isId } from "@/platform/ids.ts";
import { makeExamPreview, REVIEW_JOB_TIMEOUT_MS, sweepExamPreviews } from "@/core/video/exam.ts";

export const examVideoPreviewSchema = z.object({
  examId: z.string().refine(isId, { error: "not an id" }),
  videoKey: z.string().min(1).max(500),
}).strict();

export default defineJob({
  name: "exam-video-preview",
  queue: "video-transcoding",
  schema: examVideoPreviewSchema,
  retry: [30_000, 300_000],
  timeoutMs: REVIEW_JOB_TIMEOUT_MS,
  async handler(payload, ctx) {
    return await makeExamPreview(ctx.services, payload.examId, payload.videoKey, ctx);
  },
  sweep: sweepExamPreviews,
});
