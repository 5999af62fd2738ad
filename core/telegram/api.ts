/**
 * The Bot API client for this process, configured from `config.telegram`
 * (token, `TELEGRAM_API_ROOT` for tests and self-hosted Bot API servers).
 * Null when no bot token is set: every caller then skips Telegram cleanly.
 */
import { Api } from "grammy";
import type { Services } from "../services.ts";

const clients = new WeakMap<Services, Api>();

export function telegramApi(s: Services): Api | null {
  const tg = s.config.telegram;
  if (!tg) return null;
  let api = clients.get(s);
  if (!api) {
    api = new Api(tg.token, tg.apiRoot ? { apiRoot: tg.apiRoot } : undefined);
    clients.set(s, api);
  }
  return api;
}
