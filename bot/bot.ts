/**
 * The bot's middleware stack for one process: each update is claimed once
 * (see `claimUpdate`), failures answer politely (`guard`), the update gets
 * its account and language (`gafusContext`), then
 * meets the commands, the reminders composer and, last, a short help for
 * anything else. Polling, webhook and tests all run updates through it.
 */
import { type Api, Bot, type Context, type MiddlewareFn } from "grammy";
import type { Services } from "@/core/services.ts";
import { translator } from "@/core/i18n/mod.ts";
import { log } from "@/platform/log.ts";
import { type BotContext, clientLocale, gafusContext } from "./context.ts";
import { commands, fallback } from "./commands.ts";
import { remindersComposer } from "./reminders.ts";
import { telegramPacing } from "@/core/telegram/api.ts";

/** What getMe answers (grammy's `UserFromGetMe`). */
export type BotInfo = Awaited<ReturnType<Api["getMe"]>>;

/** How long a handled update id is remembered (Telegram redelivers within hours, not days). */
const UPDATE_CLAIM_TTL_MS = 24 * 3600_000;

/**
 * True for the first caller with this update id, false for every later one,
 * across processes sharing the KV store (an atomic "set if absent"). With
 * webhooks Telegram may deliver an update again (a slow answer, a
 * restarted instance behind a load balancer); with polling a new leader may
 * fetch updates the old one handled but had not yet confirmed. Claimed
 * before handling: an update whose handler crashes is not retried (at most
 * once — a doubled reply is worse than a lost one here).
 */
export async function claimUpdate(s: Services, botId: number, updateId: number): Promise<boolean> {
  const key: Deno.KvKey = ["telegram", "update", botId, updateId];
  const res = await s.kv.atomic().check({ key, versionstamp: null })
    .set(key, Date.now(), { expireIn: UPDATE_CLAIM_TTL_MS }).commit();
  return res.ok;
}

function once(s: Services): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (await claimUpdate(s, ctx.me.id, ctx.update.update_id)) await next();
  };
}

/** A failing handler answers "something went wrong" in the chat's language and is logged. */
function guard(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      log.error("telegram update failed", { err, updateId: ctx.update.update_id });
      const t = ctx.gafus?.t ?? translator(clientLocale(ctx.from?.language_code));
      if (ctx.chat?.type === "private") await ctx.reply(t("bot.error")).catch(() => {});
    }
  };
}

/** The bot for these services; `botInfo` comes from getMe (bot/runtime.ts). */
export function createBot(s: Services, botInfo: BotInfo): Bot<BotContext> {
  const tg = s.config.telegram;
  if (!tg) throw new Error("createBot: no TELEGRAM_BOT_TOKEN");
  const bot = new Bot<BotContext>(tg.token, {
    botInfo,
    client: tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined,
  });
  // Replies share the process's one budget with queued messages (core/telegram/pace.ts).
  bot.api.config.use(telegramPacing(s));
  bot.use(once(s) as MiddlewareFn<BotContext>);
  // Before the context: a database that does not answer still gets a polite reply.
  bot.use(guard());
  bot.use(gafusContext(s));
  bot.use(commands());
  // Before the fallback, which answers anything left with a short help.
  bot.use(remindersComposer());
  bot.use(fallback());
  bot.catch((err) => log.error("telegram update failed", { err: err.error }));
  return bot;
}
