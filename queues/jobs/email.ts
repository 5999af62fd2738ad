/**
 * `email`: sends one message (core/email/outbox.ts queues it,
 * core/email/deliver.ts sends it once). An SMTP server that is down, times
 * out or answers 4xx is retried over about half an hour; a 5xx answer
 * (address refused, message rejected) fails the job at once.
 */
import { defineJob, PermanentJobError } from "../define.ts";
import { emailOutgoingSchema } from "@/core/email/outbox.ts";
import { deliverEmail } from "@/core/email/deliver.ts";

export default defineJob({
  name: "email",
  queue: "email",
  schema: emailOutgoingSchema,
  retry: [5_000, 30_000, 120_000, 600_000, 1_200_000],
  timeoutMs: 60_000,
  async handler(payload, ctx) {
    const r = await deliverEmail(ctx.services, payload, { signal: ctx.signal });
    if (r.outcome === "retry") {
      throw new Error(`email not sent (${r.responseCode ?? "-"}): ${r.detail}`);
    }
    if (r.outcome === "failed") {
      throw new PermanentJobError(`email refused (${r.responseCode ?? "-"}): ${r.detail}`);
    }
    return r;
  },
});
