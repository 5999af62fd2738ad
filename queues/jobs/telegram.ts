/**
 * `telegram`: sends one message to one chat (core/telegram/outbox.ts queues
 * it, core/telegram/deliver.ts sends it once). Busy or unreachable Telegram
 * → retry; a refusal that will not change (403, 400) → fail at once.
 */
import { defineJob, PermanentJobError } from "../define.ts";
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
    if (r.outcome === "retry") throw new Error(`telegram not delivered: ${r.detail}`);
    if (r.outcome === "failed") {
      throw new PermanentJobError(`telegram refused (${r.status ?? "-"}): ${r.detail}`);
    }
    return r;
  },
});
