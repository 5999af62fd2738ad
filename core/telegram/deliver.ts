/**
 * Sending one queued Telegram message (the body of the `telegram` job).
 * First version: a KV marker per message key makes a retried job a no-op
 * once the message went out; 403 (blocked, chat gone) is final.
 */
import { GrammyError, HttpError, InlineKeyboard } from "grammy";
import type { Services } from "../services.ts";
import { telegramApi } from "./api.ts";
import type { TelegramJob } from "./outbox.ts";

const MARKER_TTL_MS = 7 * 86400_000;

export type TelegramResult =
  | { outcome: "sent"; messageId: number }
  | { outcome: "duplicate" | "skipped"; detail?: string }
  | { outcome: "retry"; detail: string; retryAfterSec?: number }
  | { outcome: "failed"; detail: string; status?: number };

export async function deliverTelegram(s: Services, job: TelegramJob): Promise<TelegramResult> {
  const api = telegramApi(s);
  if (!api) return { outcome: "skipped", detail: "no bot configured" };
  const marker = ["telegram_sent", job.key];
  if ((await s.kv.get(marker)).value) return { outcome: "duplicate" };
  try {
    const keyboard = job.buttons?.length
      ? InlineKeyboard.from(job.buttons.map((b) => [InlineKeyboard.url(b.text, b.url)]))
      : undefined;
    const msg = await api.sendMessage(job.chatId, job.text, {
      reply_markup: keyboard,
      link_preview_options: { is_disabled: true },
    });
    await s.kv.set(marker, { at: Date.now(), messageId: msg.message_id }, {
      expireIn: MARKER_TTL_MS,
    });
    return { outcome: "sent", messageId: msg.message_id };
  } catch (err) {
    if (err instanceof GrammyError) {
      if (err.error_code === 429 || err.error_code >= 500) {
        return {
          outcome: "retry",
          detail: err.description,
          retryAfterSec: err.parameters.retry_after,
        };
      }
      return { outcome: "failed", status: err.error_code, detail: err.description };
    }
    if (err instanceof HttpError) return { outcome: "retry", detail: String(err.error) };
    throw err;
  }
}
