/**
 * Webhook mode: `POST /api/telegram/webhook` (routes/api/telegram/webhook.ts).
 * Every request must carry `X-Telegram-Bot-Api-Secret-Token` equal to
 * `TELEGRAM_WEBHOOK_SECRET` (compared in constant time); otherwise nothing
 * is read or handled. An accepted update runs through the bot's stack,
 * where `claimUpdate` makes a redelivered update id a no-op on every
 * instance. Telegram waits for the answer and redelivers on timeouts, so
 * the answer does not wait longer than `ANSWER_WITHIN_MS`; the handling goes
 * on, and shutdown waits for it (`settleWebhookUpdates`).
 */
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Services } from "@/core/services.ts";
import { log } from "@/platform/log.ts";
import { botFor } from "./runtime.ts";

export const SECRET_HEADER = "x-telegram-bot-api-secret-token";
export const ANSWER_WITHIN_MS = 5_000;

/** The one field every update has; grammy reads the rest. */
export const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Constant-time comparison (digests first, so lengths never differ). False when unset. */
export async function webhookSecretMatches(
  expected: string | undefined,
  given: string | null,
): Promise<boolean> {
  if (!expected || given === null) return false;
  const [a, b] = await Promise.all([digest(expected), digest(given)]);
  return timingSafeEqual(a, b);
}

const inFlight = new Set<Promise<void>>();

/** Hands one update to the bot; resolves when handled or after `ANSWER_WITHIN_MS`. */
export async function receiveUpdate(
  s: Services,
  update: z.infer<typeof updateSchema>,
): Promise<void> {
  const bot = await botFor(s);
  // Validated as far as we read it (update_id); grammy reads the rest by its type.
  const work = bot.handleUpdate(update as unknown as Parameters<typeof bot.handleUpdate>[0]).catch(
    (err) => {
      log.error("telegram webhook update failed", { err, updateId: update.update_id });
    },
  ).finally(() => inFlight.delete(work));
  inFlight.add(work);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    work,
    new Promise<void>((r) => timer = setTimeout(r, ANSWER_WITHIN_MS)),
  ]);
  clearTimeout(timer);
}

/** Waits for webhook updates still being handled (shutdown, tests). */
export async function settleWebhookUpdates(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}
