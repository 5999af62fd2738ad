/**
 * `step-finished`: a timer step's time is up. Enqueued with `delay` = the
 * time left when a learner starts or resumes a timer (pause and reset cancel
 * it). Completes the step with the usual roll-up and tells the learner, only
 * if this run completed it: a second delivery, a superseded job (the timer
 * was paused and resumed, so a newer job owns it) or a step the learner
 * already completed on the page does nothing.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { finishTimer } from "@/core/training/steps.ts";
import { isId } from "@/platform/ids.ts";

export const stepFinishedSchema = z.object({
  userStepId: z.string().refine(isId, { error: "not an id" }),
}).strict();

export default defineJob({
  name: "step-finished",
  queue: "notifications",
  schema: stepFinishedSchema,
  retry: [2_000, 10_000, 60_000],
  timeoutMs: 30_000,
  async handler(payload, ctx) {
    return await finishTimer(ctx.services, payload.userStepId, ctx.job.id);
  },
});
