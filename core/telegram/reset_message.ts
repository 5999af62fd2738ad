/**
 * A password reset link sent to the account's linked Telegram chat.
 */
import type { Services } from "../services.ts";
import { sha256Hex } from "@/platform/encoding.ts";
import { type Locale, translator } from "../i18n/mod.ts";
import { enqueueTelegram } from "./outbox.ts";

/**
 * The web form's "send to my Telegram" path: a reset link for a linked
 * account goes out through the telegram queue (the request does not wait for
 * Telegram), as a URL button, in the account's language, once per token.
 * `deliverResetLink` (core/auth/password_reset.ts) calls this when the
 * account has a chat; kept here so the reset flow does not know Telegram's
 * message format.
 */
export async function sendResetLinkToTelegram(
  s: Services,
  account: { id: string; telegram_chat_id: number | string | null; locale: Locale },
  link: string,
): Promise<boolean> {
  if (!s.config.telegram || account.telegram_chat_id === null) return false;
  const t = translator(account.locale);
  await enqueueTelegram(s, {
    // One message per link (the token's hash, not the token, names it).
    key: `reset:${account.id}:${(await sha256Hex(link)).slice(0, 32)}`,
    chatId: Number(account.telegram_chat_id),
    text: t("bot.reset.text"),
    buttons: [{ text: t("bot.reset.button"), url: link }],
    userId: account.id,
    purpose: "account",
  });
  return true;
}
