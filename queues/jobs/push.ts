/**
 * `push`: sends one notification to one browser subscription (enqueued by
 * `notify`, one job per subscription). The work and its once-only guard live
 * in core/push/deliver.ts; here the outcome becomes the job's result:
 * a push service that is down or busy (5xx, 429, network) → retry; an answer
 * that will not change (400, 403, 413…) → fail at once.
 */
import { defineJob, PermanentJobError } from "../define.ts";
import { pushJobSchema, sweepPushes } from "@/core/notifications.ts";
import { deliverPush } from "@/core/push/deliver.ts";

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
