/**
 * Email leaves through the `email` queue (queues/jobs/email.ts →
 * core/email/deliver.ts): over SMTP when `SMTP_URL` is set, otherwise into
 * `DATA_DIR/outbox` as .eml files, so the embedded default works end to end.
 * Build the subject and bodies with `renderEmail` (core/email/layout.ts).
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import { enqueueNow, type EnqueueWithChange } from "../jobs_tx.ts";
import { NOTIFICATION_CATEGORIES } from "../notification_prefs.ts";

export const emailOutgoingSchema = z.object({
  /** Once-only key: a second job with the same key sends nothing. */
  key: z.string().min(1).max(200),
  to: z.email().max(254),
  /** The account it is for (opt-outs are checked at delivery for non-account mail). */
  userId: z.string().optional(),
  subject: z.string().min(1).max(300),
  text: z.string().min(1).max(100_000),
  html: z.string().min(1).max(300_000),
  /** Absolute one-click unsubscribe URL: `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  unsubscribeUrl: z.url({ protocol: /^https?$/ }).max(1000).optional(),
  /** Account mail (reset, address confirmation) ignores notification opt-outs. */
  purpose: z.enum(["account", "notification", "campaign", "alert"]).default("notification"),
  /** For notifications and campaigns: the choice (core/notification_prefs.ts) checked at delivery. */
  category: z.enum(NOTIFICATION_CATEGORIES).optional(),
});

export type EmailOutgoing = z.input<typeof emailOutgoingSchema>;
export type EmailJob = z.output<typeof emailOutgoingSchema>;

export async function enqueueEmail(
  s: Services,
  msg: EmailOutgoing,
  /** From `changeWithJobs`: enqueue with the change that caused the message. */
  enqueue: EnqueueWithChange = enqueueNow(s),
): Promise<void> {
  const job = emailOutgoingSchema.parse(msg);
  await enqueue("email", job, { dedupeKey: `email:${job.key}` });
}
