/**
 * Sending one queued Telegram message (the body of the `telegram` job).
 *
 * - Opt-outs at delivery: a notification or campaign message is dropped if
 *   the user turned its category off for Telegram (or unsubscribed) since it
 *   was queued, or the chat is no longer linked to that user.
 * - Once: a claim keyed by the message key (core/delivery_claim.ts); a
 *   retried job whose message went out sends nothing. A crash after
 *   Telegram accepted the message but before the claim was settled sends it
 *   again once the lease (`LEASE_MS`) expired; a network error after the
 *   request left (the answer lost) is retried too: both are the
 *   at-least-once window, seconds wide.
 * - Pacing and 429: the client from core/telegram/api.ts paces every send
 *   and pauses on a 429; the result here asks the job to come back after
 *   `retry_after`. A chat with a backlog over `CHAT_BACKLOG_MS` postpones
 *   the job (its slot is free for other chats meanwhile).
 * - 403 (blocked, user deactivated) and 400 "chat not found": the chat is
 *   unlinked from the account and the message is finished, not retried.
 */
import { GrammyError, HttpError, InlineKeyboard } from "grammy";
import type { Services } from "../services.ts";
import { telegramApi, telegramPacer } from "./api.ts";
import type { TelegramJob } from "./outbox.ts";
import { claimDelivery, releaseDelivery, settleDelivery } from "../delivery_claim.ts";
import { prefsFrom } from "../notification_prefs.ts";
import { log } from "@/platform/log.ts";

/** Longer than the job's timeout (60 s) and the time it may wait for the pacer. */
export const LEASE_MS = 2 * 60_000;
/**
 * A message whose chat has more than this queued before it gives its job
 * slot back and comes back later: one busy chat (1 message per second) must
 * not hold every slot of the queue while other chats wait.
 */
export const CHAT_BACKLOG_MS = 3_000;

export type TelegramResult =
  | { outcome: "sent"; messageId: number }
  | { outcome: "duplicate" | "skipped" | "unlinked"; detail?: string }
  | { outcome: "retry"; detail: string; retryAfterMs?: number }
  | { outcome: "postpone"; detail: string; retryAfterMs: number }
  | { outcome: "failed"; detail: string; status?: number };

const claimKey = (job: TelegramJob) => ["telegram_sent", job.key];

/** Refusals that mean the chat is gone for good: the link is dropped. */
function chatGone(err: GrammyError): boolean {
  if (err.error_code === 403) return true;
  return err.error_code === 400 && /chat not found|user is deactivated/i.test(err.description);
}

/** Is the message still wanted (checked just before sending)? A reason when not. */
async function dropReason(s: Services, job: TelegramJob): Promise<string | null> {
  if (job.purpose !== "notification" && job.purpose !== "campaign") return null;
  if (!job.userId) return null;
  const user = await s.db.selectFrom("users as u")
    .leftJoin("notification_prefs as p", "p.user_id", "u.id")
    .select(["u.telegram_chat_id", "u.disabled_at", "p.prefs"])
    .where("u.id", "=", job.userId).executeTakeFirst();
  if (!user || user.disabled_at) return "no such active user";
  // Unlinked (or linked to another chat) since it was queued: never send it there.
  if (user.telegram_chat_id === null || Number(user.telegram_chat_id) !== job.chatId) {
    return "chat no longer linked";
  }
  if (job.category && !prefsFrom(user.prefs)[job.category].telegram) {
    return "opted out";
  }
  return null;
}

/** Unlinks a chat that refuses the bot (only the account it is linked to, if known). */
async function unlink(s: Services, job: TelegramJob) {
  let q = s.db.updateTable("users").set({ telegram_chat_id: null })
    .where("telegram_chat_id", "=", job.chatId);
  if (job.userId) q = q.where("id", "=", job.userId);
  await q.execute();
}

export async function deliverTelegram(
  s: Services,
  job: TelegramJob,
  now: () => number = Date.now,
): Promise<TelegramResult> {
  const api = telegramApi(s);
  if (!api) return { outcome: "skipped", detail: "no bot configured" };
  const reason = await dropReason(s, job);
  if (reason) return { outcome: "skipped", detail: reason };
  const backlog = telegramPacer(s).chatDelayMs(job.chatId);
  if (backlog > CHAT_BACKLOG_MS) {
    return { outcome: "postpone", detail: "the chat has a backlog", retryAfterMs: backlog };
  }

  const key = claimKey(job);
  const claim = await claimDelivery(s.kv, key, LEASE_MS, now());
  if (claim.kind === "done") return { outcome: "duplicate", detail: claim.state };
  if (claim.kind === "busy") {
    return { outcome: "retry", detail: "another run is sending", retryAfterMs: claim.retryInMs };
  }
  try {
    const keyboard = job.buttons?.length
      ? InlineKeyboard.from(job.buttons.map((b) => [InlineKeyboard.url(b.text, b.url)]))
      : undefined;
    const msg = await api.sendMessage(job.chatId, job.text, {
      reply_markup: keyboard,
      link_preview_options: { is_disabled: true },
    });
    await settleDelivery(s.kv, key, "sent", { messageId: msg.message_id }, now());
    return { outcome: "sent", messageId: msg.message_id };
  } catch (err) {
    if (err instanceof GrammyError) {
      if (chatGone(err)) {
        await unlink(s, job);
        await settleDelivery(s.kv, key, "gone", {}, now());
        log.info("telegram chat unlinked", {
          userId: job.userId,
          status: err.error_code,
          detail: err.description,
        });
        return { outcome: "unlinked", detail: err.description };
      }
      if (err.error_code === 429 || err.error_code >= 500) {
        await releaseDelivery(s.kv, key);
        const after = err.parameters.retry_after;
        return {
          outcome: "retry",
          detail: err.description,
          retryAfterMs: after === undefined ? undefined : after * 1000,
        };
      }
      await settleDelivery(s.kv, key, "failed", { status: err.error_code }, now());
      return { outcome: "failed", status: err.error_code, detail: err.description };
    }
    await releaseDelivery(s.kv, key);
    if (err instanceof HttpError) return { outcome: "retry", detail: String(err.error) };
    throw err;
  }
}
