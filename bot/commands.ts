/**
 * The bot's commands in private chats. Handlers stay thin: they read the
 * chat's account and language from `ctx.gafus` (bot/context.ts), call core/
 * and reply in the chat's language. Replies to a user's own command go out
 * at once (not through the telegram queue: the user is waiting).
 * Buttons are URL buttons to the exact page, built with `absoluteUrl`.
 */
import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "./context.ts";
import { setChatLocale } from "./context.ts";
import { type Locale, type MessageKey, translator } from "@/core/i18n/mod.ts";
import { absoluteUrl, cataloguePath, settingsPath } from "@/core/paths.ts";
import { consumeLinkToken, type LinkResult, unlinkChat } from "@/core/telegram/link.ts";
import { resetLinkForChat } from "@/core/telegram/reset.ts";
import { coursesInProgress, nextStep } from "@/core/training/next_step.ts";
import { changeLocale } from "@/core/auth/account.ts";
import { RateLimitedError } from "@/core/rate_limit.ts";

/**
 * The command menu, in order (`setMyCommands`). `reminders` is handled by the
 * reminders composer (bot/reminders.ts), mounted in bot/bot.ts.
 */
export const BOT_COMMANDS = [
  "progress",
  "next",
  "reminders",
  "reset",
  "language",
  "help",
  "stop",
] as const;

/** The menu as `setMyCommands` takes it, in one language. */
export function commandList(locale: Locale): { command: string; description: string }[] {
  const t = translator(locale);
  return BOT_COMMANDS.map((c) => ({ command: c, description: t(`bot.cmd.${c}` as MessageKey) }));
}

/** Telegram's cap on a button's text. */
const BUTTON_MAX = 64;

function buttonText(text: string): string {
  return text.length <= BUTTON_MAX ? text : `${text.slice(0, BUTTON_MAX - 1)}…`;
}

function reply(ctx: BotContext, text: string, keyboard?: InlineKeyboard) {
  return ctx.reply(text, {
    reply_markup: keyboard,
    link_preview_options: { is_disabled: true },
  });
}

function settingsButton(ctx: BotContext): InlineKeyboard {
  const { services: s, t } = ctx.gafus;
  return new InlineKeyboard().url(
    t("bot.button.settings"),
    absoluteUrl(s.config, settingsPath(undefined, "h-telegram")),
  );
}

const LINK_REPLIES: Record<Exclude<LinkResult, { ok: true }>["reason"], MessageKey> = {
  unknown: "bot.start.unknown",
  expired: "bot.start.expired",
  used: "bot.start.used",
  chat_taken: "bot.start.chatTaken",
};

export function commands(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const pm = c.chatType("private");

  pm.command("start", async (ctx) => {
    const { services: s, t, user } = ctx.gafus;
    const token = ctx.match.trim();
    if (!token) {
      if (user) {
        return await reply(ctx, t("bot.start.welcomeLinked", { username: user.username }));
      }
      return await reply(ctx, t("bot.start.welcome"), settingsButton(ctx));
    }
    const result = await consumeLinkToken(s, { token, chatId: ctx.chat.id });
    if (!result.ok) {
      const again = result.reason === "chat_taken" ? undefined : settingsButton(ctx);
      return await reply(ctx, t(LINK_REPLIES[result.reason]), again);
    }
    // From now on the chat speaks the account's language.
    const tl = translator(result.locale);
    const key = result.already ? "bot.start.already" : "bot.start.linked";
    await reply(ctx, tl(key, { username: result.username }));
  });

  pm.command("stop", async (ctx) => {
    const { services: s, t } = ctx.gafus;
    const was = await unlinkChat(s, ctx.chat.id);
    await reply(ctx, t(was ? "bot.stop.done" : "bot.stop.notLinked"));
  });

  pm.command("progress", async (ctx) => {
    const { services: s, t, user } = ctx.gafus;
    if (!user) return await reply(ctx, t("bot.needLink"), settingsButton(ctx));
    const courses = await coursesInProgress(s, user.id);
    if (!courses.length) {
      return await reply(
        ctx,
        t("bot.progress.none"),
        new InlineKeyboard().url(t("bot.button.catalogue"), absoluteUrl(s.config, cataloguePath())),
      );
    }
    const shown = courses.slice(0, 10);
    const lines = shown.map((c) =>
      t("bot.progress.line", {
        name: c.name,
        percent: t("bot.progress.percent", { count: t.number(c.percent) }),
      })
    );
    const kb = new InlineKeyboard();
    for (const c of shown) {
      if (!c.next) continue;
      kb.url(
        buttonText(t("bot.progress.button", { name: c.name })),
        absoluteUrl(s.config, c.next.url),
      ).row();
    }
    await reply(ctx, [t("bot.progress.title"), ...lines].join("\n"), kb);
  });

  pm.command("next", async (ctx) => {
    const { services: s, t, user } = ctx.gafus;
    if (!user) return await reply(ctx, t("bot.needLink"), settingsButton(ctx));
    const step = await nextStep(s, user.id);
    if (!step) {
      return await reply(
        ctx,
        t("bot.next.none"),
        new InlineKeyboard().url(t("bot.button.catalogue"), absoluteUrl(s.config, cataloguePath())),
      );
    }
    await reply(
      ctx,
      t("bot.next.text", { step: step.title, course: step.courseName, day: step.dayTitle }),
      new InlineKeyboard().url(t("bot.next.button"), absoluteUrl(s.config, step.url)),
    );
  });

  pm.command("reset", async (ctx) => {
    const { services: s, t, user } = ctx.gafus;
    if (!user) return await reply(ctx, t("bot.needLink"), settingsButton(ctx));
    try {
      const url = await resetLinkForChat(s, user);
      // A button only: the link is not in the text, so it is not quoted on by forwarding.
      await reply(ctx, t("bot.reset.text"), new InlineKeyboard().url(t("bot.reset.button"), url));
    } catch (err) {
      if (err instanceof RateLimitedError) return await reply(ctx, err.describe(t));
      throw err;
    }
  });

  pm.command("language", async (ctx) => {
    const { t } = ctx.gafus;
    await reply(
      ctx,
      t("bot.language.choose"),
      new InlineKeyboard().text("Русский", "lang:ru").text("English", "lang:en"),
    );
  });

  pm.callbackQuery(/^lang:(ru|en)$/, async (ctx) => {
    const { services: s, user } = ctx.gafus;
    const locale = ctx.match[1] as Locale;
    if (user) await changeLocale(s, user, { locale });
    else await setChatLocale(s, ctx.chat.id, locale);
    const tl = translator(locale);
    await ctx.answerCallbackQuery();
    await reply(ctx, tl("bot.language.done"));
  });

  pm.command("help", async (ctx) => {
    await reply(ctx, ctx.gafus.t("bot.help"));
  });

  return c;
}

/** Anything else in a private chat (text, unknown commands, stickers): a short help. */
export function fallback(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.chatType("private").on("message", async (ctx) => {
    await reply(ctx, ctx.gafus.t("bot.unknown"));
  });
  // A press on a button of an old message nothing handles: stop the spinner.
  c.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  return c;
}
