/**
 * What every bot handler sees besides grammy's context: the services, the
 * account linked to this chat (or null), and the chat's language — the
 * account's when linked, otherwise the one chosen with /language, else the
 * Telegram client's (ru unless it says en). Handlers call core/ with `ctx.gafus.services` like routes do.
 */
import type { Context, MiddlewareFn } from "grammy";
import type { Services } from "@/core/services.ts";
import type { Role } from "@/db/schema.ts";
import { type Locale, type Translator, translator } from "@/core/i18n/mod.ts";

export interface LinkedUser {
  id: string;
  username: string;
  role: Role;
  locale: Locale;
  timeZone: string;
  sessionVersion: number;
}

export interface GafusFlavor {
  services: Services;
  /** The account linked to this private chat; null when none (or disabled). */
  user: LinkedUser | null;
  locale: Locale;
  t: Translator;
}

export type BotContext = Context & { gafus: GafusFlavor };

/** The language a chat without an account speaks, from the Telegram client's setting. */
export function clientLocale(languageCode: string | undefined): Locale {
  return languageCode?.toLowerCase().startsWith("en") ? "en" : "ru";
}

/** Finds the account linked to a chat id (disabled accounts count as not linked). */
export async function linkedUser(s: Services, chatId: number): Promise<LinkedUser | null> {
  const row = await s.db.selectFrom("users")
    .select(["id", "username", "role", "locale", "time_zone", "session_version"])
    .where("telegram_chat_id", "=", chatId)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  return row
    ? {
      id: row.id,
      username: row.username,
      role: row.role,
      locale: row.locale,
      timeZone: row.time_zone,
      sessionVersion: row.session_version,
    }
    : null;
}

/** Where a chat without an account keeps the language chosen with /language. */
function chatLocaleKey(chatId: number): Deno.KvKey {
  return ["telegram", "chat_locale", chatId];
}

/** Remembers an unlinked chat's language (a year; a linked chat uses the account's). */
export async function setChatLocale(s: Services, chatId: number, locale: Locale): Promise<void> {
  await s.kv.set(chatLocaleKey(chatId), locale, { expireIn: 365 * 86400_000 });
}

export async function chatLocale(s: Services, chatId: number): Promise<Locale | null> {
  const v = (await s.kv.get<Locale>(chatLocaleKey(chatId))).value;
  return v === "ru" || v === "en" ? v : null;
}

/** Middleware: fills `ctx.gafus` for every update (private chats resolve their account). */
export function gafusContext(services: Services): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const chat = ctx.chat;
    const user = chat?.type === "private" ? await linkedUser(services, chat.id) : null;
    const chosen = !user && chat?.type === "private" ? await chatLocale(services, chat.id) : null;
    const locale = user?.locale ?? chosen ?? clientLocale(ctx.from?.language_code);
    ctx.gafus = { services, user, locale, t: translator(locale) };
    await next();
  };
}
