/**
 * Messages to Telegram chats leave through the `telegram` queue
 * (queues/jobs/telegram.ts → core/telegram/deliver.ts), never by calling the
 * Bot API from a request: the queue paces sends to Telegram's limits, retries
 * on 429 and network errors, and sends each `key` once. Replies to a user's
 * own command inside the bot (bot/) are the exception: they answer at once.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import { enqueueNow, type EnqueueWithChange } from "../jobs_tx.ts";
import { NOTIFICATION_CATEGORIES } from "../notification_prefs.ts";

/** Telegram's limit on a message's text. */
export const TELEGRAM_TEXT_MAX = 4096;

export const telegramButtonSchema = z.object({
  text: z.string().min(1).max(64),
  /** An absolute http(s) URL (a page of the site, opened in the browser). */
  url: z.url({ protocol: /^https?$/ }).max(1000),
});

export const telegramOutgoingSchema = z.object({
  /** Once-only key: a second job with the same key sends nothing. */
  key: z.string().min(1).max(200),
  chatId: z.number().int(),
  /** Plain text (no parse mode): nothing a user typed can break the markup. */
  text: z.string().min(1).max(TELEGRAM_TEXT_MAX),
  /** Inline URL buttons, one per row. */
  buttons: z.array(telegramButtonSchema).max(6).optional(),
  /** The account the chat is linked to: a 403 "blocked by the user" unlinks it. */
  userId: z.string().optional(),
  /**
   * Why it is sent, for the opt-out check at delivery time (a campaign
   * message queued before the learner unsubscribed is dropped).
   */
  purpose: z.enum(["account", "notification", "campaign", "alert"]).default("notification"),
  /** For notifications and campaigns: the choice (core/notification_prefs.ts) checked at delivery. */
  category: z.enum(NOTIFICATION_CATEGORIES).optional(),
});

export type TelegramOutgoing = z.input<typeof telegramOutgoingSchema>;
export type TelegramJob = z.output<typeof telegramOutgoingSchema>;

/** Queues one message for a chat; the job's dedupe key is the message key. */
export async function enqueueTelegram(
  s: Services,
  msg: TelegramOutgoing,
  /** From `changeWithJobs`: enqueue with the change that caused the message. */
  enqueue: EnqueueWithChange = enqueueNow(s),
): Promise<void> {
  const job = telegramOutgoingSchema.parse(msg);
  await enqueue("telegram", job, { dedupeKey: `telegram:${job.key}` });
}
