/**
 * Running the bot inside the web server's process (server.ts starts it where
 * jobs and cron start, and stops it on shutdown). Without
 * `TELEGRAM_BOT_TOKEN` nothing starts and nothing touches the network.
 *
 * At start: getMe (retried with backoff — Telegram being unreachable never
 * stops the web server; until it answers, deep links use
 * `TELEGRAM_BOT_USERNAME`), then `setMyCommands` for the default, Russian
 * and English menus, then either
 *
 * - **long polling** (default): only the holder of a leader lease in Deno KV
 *   polls. The lease is taken and renewed by an atomic check-and-set with a
 *   time limit (bot/lease.ts); other instances retry and take over when it
 *   lapses, and a holder that fails to renew stops polling. Telegram itself
 *   hands each update to one `getUpdates` caller (a concurrent second caller
 *   gets 409 Conflict), and updates are confirmed by the next offset; the one
 *   gap — a new leader fetching an update the old one handled but had not
 *   confirmed — is closed by the per-update claim (`claimUpdate` in
 *   bot/bot.ts), so each update is handled once across instances;
 * - **webhook** (`TELEGRAM_MODE=webhook`): `setWebhook(PUBLIC_URL/api/telegram/webhook,
 *   secret_token)`; every instance may receive updates (bot/webhook.ts), and
 *   the same per-update claim makes a redelivered update a no-op.
 */
import type { Bot } from "grammy";
import type { Services } from "@/core/services.ts";
import { absoluteUrl, telegramWebhookPath } from "@/core/paths.ts";
import { rememberBotUsername } from "@/core/telegram/link.ts";
import { telegramApi } from "@/core/telegram/api.ts";
import { log } from "@/platform/log.ts";
import { newId } from "@/platform/ids.ts";
import type { BotContext } from "./context.ts";
import { type BotInfo, createBot } from "./bot.ts";
import { commandList } from "./commands.ts";
import { Lease } from "./lease.ts";

/** Updates the bot handles (reminders' buttons are callback queries too). */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export interface BotRuntimeOptions {
  /** Seconds one `getUpdates` waits for updates (30 in production; tests shorten it). */
  pollTimeoutSec?: number;
  /** How long the polling lease lasts without renewal (default TELEGRAM_POLL_LEASE_SEC). */
  leaseTtlMs?: number;
  /** First retry delay of getMe and of a failed polling loop; doubles up to a minute. */
  retryBaseMs?: number;
  /** This instance's name in the lease (default: a new id). */
  instanceId?: string;
}

export interface BotHandle {
  readonly mode: "polling" | "webhook";
  /** Settles when getMe answered and the menu (and webhook) are set, or the bot stopped first. */
  readonly ready: Promise<void>;
  /** True while this instance holds the lease and polls. */
  isPolling(): boolean;
  stop(): Promise<void>;
}

const MAX_RETRY_MS = 60_000;

/** The bot of each set of services, once getMe has answered (the webhook route uses it). */
const bots = new WeakMap<Services, Promise<Bot<BotContext>>>();

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

async function getMe(s: Services, signal?: AbortSignal): Promise<BotInfo> {
  const api = telegramApi(s);
  if (!api) throw new Error("no bot configured");
  const me = await api.getMe(signal);
  rememberBotUsername(s.config.telegram!.token, me.username);
  return me;
}

/**
 * The bot for these services: the one `startBot` made, or one made now with
 * a single getMe (an instance that does not run jobs still receives
 * webhooks). A failed getMe is not remembered: the next update tries again.
 */
export function botFor(s: Services): Promise<Bot<BotContext>> {
  let bot = bots.get(s);
  if (!bot) {
    bot = getMe(s).then((me) => createBot(s, me));
    bots.set(s, bot);
    bot.catch(() => bots.delete(s));
  }
  return bot;
}

/** The command menus: default (Russian, the site's default language), and per language. */
export async function registerCommands(bot: Bot<BotContext>): Promise<void> {
  await bot.api.setMyCommands(commandList("ru"));
  await bot.api.setMyCommands(commandList("ru"), { language_code: "ru" });
  await bot.api.setMyCommands(commandList("en"), { language_code: "en" });
}

/** Starts the bot when configured; null (and no network) without a token. */
export function startBot(s: Services, opts: BotRuntimeOptions = {}): BotHandle | null {
  const tg = s.config.telegram;
  if (!tg) return null;
  const mode = tg.mode;
  const abort = new AbortController();
  const base = opts.retryBaseMs ?? 1_000;
  const lease = new Lease(
    s.kv,
    ["telegram", "poll_lease", tg.token.split(":")[0]],
    opts.instanceId ?? newId(),
    opts.leaseTtlMs ?? tg.pollLeaseMs,
  );
  let bot: Bot<BotContext> | null = null;
  let polling = false;

  /** Runs `task` until it succeeds or the bot stops; false when stopped first. */
  async function retrying(what: string, task: () => Promise<void>): Promise<boolean> {
    for (let delay = base; !abort.signal.aborted; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        await task();
        return true;
      } catch (err) {
        if (abort.signal.aborted) break;
        log.warn(`telegram: ${what} failed, retrying`, { err, retryInMs: delay });
        await sleep(delay, abort.signal);
      }
    }
    return false;
  }

  const ready = (async () => {
    let me: BotInfo | null = null;
    if (!await retrying("getMe", async () => void (me = await getMe(s, abort.signal)))) return;
    const made = createBot(s, me!);
    bot = made;
    bots.set(s, Promise.resolve(made));
    await retrying("setMyCommands", () => registerCommands(made));
    if (mode === "webhook") {
      const url = absoluteUrl(s.config, telegramWebhookPath());
      await retrying("setWebhook", async () => {
        await made.api.setWebhook(url, {
          secret_token: tg.webhookSecret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
      });
      log.info("telegram bot: webhook set", { url, username: me!.username });
    } else {
      log.info("telegram bot: long polling", { username: me!.username, instance: lease.owner });
    }
  })();

  async function pollLoop(): Promise<void> {
    await ready;
    const b = bot;
    if (!b || mode !== "polling") return;
    let delay = base;
    while (!abort.signal.aborted) {
      const leader = await lease.acquire().catch((err) => {
        log.warn("telegram: lease check failed", { err });
        return false;
      });
      if (!leader) {
        await sleep(lease.ttlMs / 3, abort.signal);
        continue;
      }
      if (abort.signal.aborted) break;
      // Renewed while polling; a holder that cannot renew stops before another takes over.
      const renew = setInterval(() => {
        lease.acquire().then((ok) => ok, () => false).then((ok) => {
          if (!ok && b.isRunning()) {
            log.warn("telegram: polling lease lost, stopping", { instance: lease.owner });
            b.stop().catch(() => {});
          }
        });
      }, lease.ttlMs / 3);
      polling = true;
      try {
        await b.start({
          timeout: opts.pollTimeoutSec ?? 30,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        delay = base;
      } catch (err) {
        // 409: something outside this lease polls (or a webhook is set); 401: a bad token.
        log.error("telegram: polling failed", { err, retryInMs: delay });
        await sleep(delay, abort.signal);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      } finally {
        polling = false;
        clearInterval(renew);
      }
    }
  }
  const loop = pollLoop();

  let stopping: Promise<void> | null = null;
  return {
    mode,
    ready,
    isPolling: () => polling,
    stop: () =>
      stopping ??= (async () => {
        abort.abort();
        const b = bot as Bot<BotContext> | null;
        if (b?.isRunning()) await b.stop().catch(() => {});
        await loop;
        await ready;
        await lease.release().catch(() => {});
      })(),
  };
}
