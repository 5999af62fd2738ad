/**
 * `reminders`: every minute (queues/cron.ts), sends the training reminders
 * due in each learner's zone (core/reminders/due.ts). Safe to run twice or
 * side by side: reminder_sends lets one run claim each reminder and day.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { runReminders } from "@/core/reminders/due.ts";
import { log } from "@/platform/log.ts";

export const remindersSchema = z.object({}).strict();

export default defineJob({
  name: "reminders",
  queue: "notifications",
  schema: remindersSchema,
  // A retry after the grace window would find nothing due: retry soon or not at all.
  retry: [5_000, 30_000],
  timeoutMs: 5 * 60_000,
  async handler(_payload, ctx) {
    const result = await runReminders(ctx.services, { signal: ctx.signal });
    if (result.claimed || result.sent) log.info("reminders sent", { ...result });
    return result;
  },
});
