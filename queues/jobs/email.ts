/**
 * `email`: sends one message (core/email/outbox.ts queues it,
 * core/email/deliver.ts sends it once). An SMTP server that is down or
 * answers 4xx is retried over about twenty minutes.
 */
import { defineJob } from "../define.ts";
import { emailOutgoingSchema } from "@/core/email/outbox.ts";
import { deliverEmail } from "@/core/email/deliver.ts";

export default defineJob({
  name: "email",
  queue: "email",
  schema: emailOutgoingSchema,
  retry: [5_000, 30_000, 120_000, 600_000, 1_200_000],
  timeoutMs: 60_000,
  handler: (payload, ctx) => deliverEmail(ctx.services, payload),
});
