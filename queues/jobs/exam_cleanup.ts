/**
 * `exam-cleanup`: the daily removal of exam videos past their retention
 * (core/video/exam_cleanup.ts; cron in queues/cron.ts). Safe to run again:
 * removed videos are not looked at twice and missing files are no error.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { CLEANUP_BATCH, cleanupExamVideos } from "@/core/video/exam_cleanup.ts";
import { log } from "@/platform/log.ts";

export const examCleanupSchema = z.object({
  batchSize: z.number().int().min(1).max(1000).default(CLEANUP_BATCH),
}).strict();

export default defineJob({
  name: "exam-cleanup",
  queue: "exam-cleanup",
  schema: examCleanupSchema,
  retry: [60_000, 600_000],
  timeoutMs: 30 * 60_000,
  async handler(payload, ctx) {
    const result = await cleanupExamVideos(ctx.services, {
      batchSize: payload.batchSize,
      signal: ctx.signal,
    });
    log.info("exam-cleanup done", { ...result });
    return result;
  },
});
