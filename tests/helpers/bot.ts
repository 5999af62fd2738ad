/**
 * A test app with the bot wired to a fake Bot API server: `say(chat, text)`
 * runs one update through the real grammy stack and returns the replies it
 * produced; `link(user, chat)` links a chat the way /settings + /start do.
 */
import type { Bot } from "grammy";
import { openTestApp, type TestApp } from "./app.ts";
import { type FakeMessage, FakeTelegram } from "./fake_telegram.ts";
import { botFor } from "@/bot/runtime.ts";
import type { BotContext } from "@/bot/context.ts";
import type { SessionUser } from "@/core/auth/session_user.ts";
import { consumeLinkToken, issueLinkToken } from "@/core/telegram/link.ts";

export interface BotTestApp {
  t: TestApp;
  fake: FakeTelegram;
  bot: Bot<BotContext>;
  /** Sends `text` from `chat` and returns the messages the bot sent back. */
  say(chat: number, text: string, lang?: "ru" | "en"): Promise<FakeMessage[]>;
  /** Presses an inline button with `data` in `chat`; returns the replies. */
  press(chat: number, data: string, lang?: "ru" | "en"): Promise<FakeMessage[]>;
  sessionUser(id: string): Promise<SessionUser>;
  link(userId: string, chat: number): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function openBotApp(env: Record<string, string> = {}): Promise<BotTestApp> {
  const fake = new FakeTelegram();
  const t = await openTestApp(fake.env({ PUBLIC_URL: "https://gafus.test", ...env }));
  const bot = await botFor(t.services);
  const run = async (chat: number, update: Record<string, unknown>) => {
    const before = fake.messagesTo(chat).length;
    await bot.handleUpdate(update as unknown as Parameters<typeof bot.handleUpdate>[0]);
    return fake.messagesTo(chat).slice(before);
  };
  const sessionUser = async (id: string): Promise<SessionUser> => {
    const u = await t.services.db.selectFrom("users")
      .select(["id", "username", "role", "locale", "time_zone", "session_version"])
      .where("id", "=", id).executeTakeFirstOrThrow();
    return {
      id: u.id,
      username: u.username,
      role: u.role,
      locale: u.locale,
      timeZone: u.time_zone,
      sessionVersion: u.session_version,
    };
  };
  const close = async () => {
    await t.close();
    await fake.close();
  };
  return {
    t,
    fake,
    bot,
    say: (chat, text, lang = "ru") =>
      run(chat, fake.textUpdate(chat, text, { language_code: lang })),
    press: (chat, data, lang = "ru") =>
      run(chat, fake.callbackUpdate(chat, data, 1, { language_code: lang })),
    sessionUser,
    async link(userId, chat) {
      const { token } = await issueLinkToken(t.services, await sessionUser(userId));
      const r = await consumeLinkToken(t.services, { token, chatId: chat });
      if (!r.ok) throw new Error(`link failed: ${r.reason}`);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The URL buttons of a message (text → url). */
export function urlButtons(m: FakeMessage): { text: string; url: string }[] {
  const markup = m.reply_markup as { inline_keyboard?: { text: string; url?: string }[][] };
  return (markup?.inline_keyboard ?? []).flat().filter((b) => b.url)
    .map((b) => ({ text: b.text, url: b.url! }));
}
