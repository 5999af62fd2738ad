/**
 * `push`: sends one notification to one browser subscription (enqueued by
 * `notify`, one job per subscription). The work and its once-only guard live
 * in core/push/deliver.ts; here the outcome becomes the job's result:
 * a push service that is down or busy (5xx, 429, network) → retry; an answer
 * that will not change (400, 403, 413…) → fail at once.
 */
import { z } from "zod";
import { defineJob, PermanentJobError } from "../define.ts";
import { sweepPushes } from "@/core/notifications.ts";
import { deliverPush } from "@/core/push/deliver.ts";
import { URGENCIES, type Urgency } from "@/core/push/send.ts";
import { isId } from "@/platform/ids.ts";

export const pushJobSchema = z.object({
  notificationId: z.string().refine(isId),
  subscriptionId: z.string().refine(isId),
  ttlSec: z.number().int().min(0).max(28 * 86400),
  urgency: z.enum(URGENCIES as [Urgency, ...Urgency[]]),
});
/** What the `push` job carries (core/ takes this type with `import type`). */
export type PushJob = z.infer<typeof pushJobSchema>;

export default defineJob({
  name: "push",
  queue: "push",
  schema: pushJobSchema,
  // 3 s, 15 s, 1 min, 5 min, 15 min: a push service outage of ~20 minutes is ridden out.
  retry: [3_000, 15_000, 60_000, 300_000, 900_000],
  timeoutMs: 60_000,
  async handler(payload, ctx) {
    const r = await deliverPush(ctx.services, payload, { signal: ctx.signal });
    if (r.outcome === "retry" || r.outcome === "busy") {
      throw new Error(`push not delivered (${r.status ?? "-"}): ${r.detail}`);
    }
    if (r.outcome === "failed") {
      throw new PermanentJobError(`push refused (${r.status}): ${r.detail}`);
    }
    return { outcome: r.outcome, status: r.status };
  },
  // Pushes lost to a crash right after `notify` stored the notification.
  sweep: (services) => sweepPushes(services),
});
