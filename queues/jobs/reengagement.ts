/**
 * `reengagement`: the daily campaign run (core/reengagement/campaigns.ts;
 * cron in queues/cron.ts). Safe to run again the same day: messages are
 * unique per campaign and level and `notify` is deduplicated by the same key.
 * `now` (ISO) lets an operator or a test run it for another moment.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { runReengagement } from "@/core/reengagement/campaigns.ts";
import { log } from "@/platform/log.ts";

export const reengagementSchema = z.object({
  now: z.iso.datetime().optional(),
}).strict();

export default defineJob({
  name: "reengagement",
  queue: "reengagement",
  schema: reengagementSchema,
  retry: [60_000, 600_000],
  timeoutMs: 30 * 60_000,
  async handler(payload, ctx) {
    const result = await runReengagement(ctx.services, {
      now: payload.now ? new Date(payload.now) : undefined,
      signal: ctx.signal,
    });
    log.info("reengagement done", { ...result });
    return result;
  },
});
