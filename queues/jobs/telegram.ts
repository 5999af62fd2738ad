/**
 * `telegram`: sends one message to one chat (core/telegram/outbox.ts queues
 * it, core/telegram/deliver.ts paces it and sends it once). 429 → retried
 * after Telegram's `retry_after`; busy or unreachable Telegram → retried on
 * the schedule; a message to a chat with a backlog → postponed (without
 * using up the schedule); a chat that refuses the bot → unlinked, done; another
 * refusal that will not change (400) → failed at once.
 */
import { defineJob, PermanentJobError, RetryLaterError } from "../define.ts";
import { telegramOutgoingSchema } from "@/core/telegram/outbox.ts";
import { deliverTelegram } from "@/core/telegram/deliver.ts";

export default defineJob({
  name: "telegram",
  queue: "telegram",
  schema: telegramOutgoingSchema,
  retry: [2_000, 10_000, 60_000, 300_000, 900_000],
  timeoutMs: 60_000,
  async handler(payload, ctx) {
    const r = await deliverTelegram(ctx.services, payload);
    if (r.outcome === "retry") {
      const msg = `telegram not delivered: ${r.detail}`;
      if (r.retryAfterMs !== undefined) throw new RetryLaterError(r.retryAfterMs, msg);
      throw new Error(msg);
    }
    if (r.outcome === "postpone") {
      throw new RetryLaterError(r.retryAfterMs, `telegram postponed: ${r.detail}`, {
        postpone: true,
      });
    }
    if (r.outcome === "failed") {
      throw new PermanentJobError(`telegram refused (${r.status ?? "-"}): ${r.detail}`);
    }
    return r;
  },
});
