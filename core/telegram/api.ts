/**
 * The Bot API client for this process, configured from `config.telegram`
 * (token, `TELEGRAM_API_ROOT` for tests and self-hosted Bot API servers),
 * with every sending method paced to Telegram's limits (core/telegram/pace.ts).
 * Null when no bot token is set: every caller then skips Telegram cleanly.
 *
 * The bot (bot/) should install the same pacing on its own client:
 * `bot.api.config.use(telegramPacing(services))`.
 */
import { Api, type Transformer } from "grammy";
import type { Services } from "../services.ts";
import { pacingTransformer, TelegramPacer } from "./pace.ts";

const clients = new WeakMap<Services, Api>();
const pacers = new WeakMap<Services, TelegramPacer>();

/** The one pacer of these services (one per process in production). */
export function telegramPacer(s: Services): TelegramPacer {
  let p = pacers.get(s);
  if (!p) pacers.set(s, p = new TelegramPacer());
  return p;
}

/** The pacing transformer for another grammy client of this process (the bot's). */
export function telegramPacing(s: Services): Transformer {
  return pacingTransformer(telegramPacer(s));
}

export function telegramApi(s: Services): Api | null {
  const tg = s.config.telegram;
  if (!tg) return null;
  let api = clients.get(s);
  if (!api) {
    api = new Api(tg.token, tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined);
    api.config.use(telegramPacing(s));
    clients.set(s, api);
  }
  return api;
}
