/**
 * Linking a Telegram chat to an account.
 *
 * - From /settings a signed-in user asks for a one-time token: 32 random
 *   bytes, only its SHA-256 stored in `telegram_link_tokens`, valid 10
 *   minutes, single use; asking again spends the older open ones. The page
 *   shows it as a deep link `https://t.me/<bot>?start=<token>`.
 * - The bot's `/start <token>` spends it and writes the chat id on the
 *   account. A chat belongs to one account (the column is unique): a chat
 *   already linked elsewhere is refused and the token stays open, so after
 *   `/stop` the same link works. Linking an account that had another chat
 *   moves it to this one.
 * - Unlinking: `/stop` in the chat (by chat id) or the settings button (only
 *   the signed-in user's own account; there is no user id to pass).
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { requireUser } from "../auth/guards.ts";
import { enforce, type RateRule } from "../rate_limit.ts";
import { randomToken, sha256Hex } from "@/platform/encoding.ts";
import { newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import { AppError } from "../app_error.ts";
import type { Locale } from "../i18n/mod.ts";
import { telegramApi } from "./api.ts";

export const LINK_TTL_MS = 10 * 60_000;

/** Tokens a user may ask for per window (each spends the one before). */
export const LINK_RULE: RateRule = { name: "telegram-link", limit: 5, windowMs: 15 * 60_000 };

/** base64url of 32 bytes: also within Telegram's deep-link alphabet and 64-character cap. */
export const linkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const chatIdSchema = z.number().int().refine((n) => n !== 0);

/** The bot was never configured: there is nothing to link to. */
export class TelegramOffError extends AppError {
  constructor() {
    super(409, "telegram_off", "telegram.link.off", {
      fields: { _form: "telegram.link.off" },
      message: "telegram bot is not configured",
    });
    this.name = "TelegramOffError";
  }
}

/** The bot is configured but Telegram did not tell its username (unreachable). */
export class TelegramUnavailableError extends AppError {
  constructor() {
    super(503, "telegram_unavailable", "telegram.link.unavailable", {
      fields: { _form: "telegram.link.unavailable" },
      message: "telegram did not answer getMe",
    });
    this.name = "TelegramUnavailableError";
  }
}

/**
 * Usernames learned from getMe at start, for bots whose username is not in
 * the configuration (keyed by token: tests run several bots in one process).
 */
const learnedUsernames = new Map<string, string>();

export function rememberBotUsername(token: string, username: string): void {
  learnedUsernames.set(token, username);
}

/** The bot's @username (without @): configured, else learned from getMe; null when unknown. */
export function botUsername(s: Services): string | null {
  const tg = s.config.telegram;
  if (!tg) return null;
  return tg.username ?? learnedUsernames.get(tg.token) ?? null;
}

/**
 * The username, asking Telegram (getMe) when neither the configuration nor
 * this process's bot knows it yet (a web-only instance); null when
 * Telegram does not answer.
 */
async function resolveBotUsername(s: Services): Promise<string | null> {
  const known = botUsername(s);
  if (known) return known;
  try {
    const me = await telegramApi(s)?.getMe();
    if (!me) return null;
    rememberBotUsername(s.config.telegram!.token, me.username);
    return me.username;
  } catch (err) {
    log.warn("telegram: getMe failed, no deep link", { err });
    return null;
  }
}

export function deepLink(username: string, token: string): string {
  return `https://t.me/${encodeURIComponent(username)}?start=${encodeURIComponent(token)}`;
}

export interface LinkStatus {
  /** A bot is configured (otherwise the settings section says Telegram is off). */
  available: boolean;
  linked: boolean;
}

export async function telegramStatus(s: Services, actor: SessionUser | null): Promise<LinkStatus> {
  const user = requireUser(actor);
  const row = await s.db.selectFrom("users").select("telegram_chat_id")
    .where("id", "=", user.id).executeTakeFirst();
  return {
    available: s.config.telegram !== undefined,
    linked: row?.telegram_chat_id != null,
  };
}

export interface IssuedLink {
  token: string;
  url: string;
  expiresAt: Date;
}

/** A new one-time link for the signed-in user (older open ones stop working). */
export async function issueLinkToken(
  s: Services,
  actor: SessionUser | null,
  now = new Date(),
): Promise<IssuedLink> {
  const user = requireUser(actor);
  if (!s.config.telegram) throw new TelegramOffError();
  const username = await resolveBotUsername(s);
  if (!username) throw new TelegramUnavailableError();
  await enforce(s.kv, LINK_RULE, user.id, now.getTime());
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
  await s.db.transaction().execute(async (trx) => {
    // Old tokens of this user go: spent and expired ones are deleted, open ones spent.
    await trx.deleteFrom("telegram_link_tokens")
      .where("user_id", "=", user.id)
      .where((eb) => eb.or([eb("used_at", "is not", null), eb("expires_at", "<=", now)]))
      .execute();
    await trx.updateTable("telegram_link_tokens").set({ used_at: now })
      .where("user_id", "=", user.id).where("used_at", "is", null).execute();
    await trx.insertInto("telegram_link_tokens").values({
      id: newId(now.getTime()),
      user_id: user.id,
      token_hash: await sha256Hex(token),
      expires_at: expiresAt,
    }).execute();
  });
  return { token, url: deepLink(username, token), expiresAt };
}

export type LinkResult =
  | { ok: true; userId: string; username: string; locale: Locale; already: boolean }
  | { ok: false; reason: "unknown" | "expired" | "used" | "chat_taken" };

/**
 * `/start <token>` in a private chat: links `chatId` to the token's account.
 * The token row is locked, so two presses of one link cannot both win.
 */
export async function consumeLinkToken(
  s: Services,
  input: { token: unknown; chatId: unknown },
  now = new Date(),
): Promise<LinkResult> {
  const chatId = chatIdSchema.parse(input.chatId);
  const parsed = linkTokenSchema.safeParse(input.token);
  if (!parsed.success) return { ok: false, reason: "unknown" };
  const hash = await sha256Hex(parsed.data);
  const result = await s.db.transaction().execute(async (trx): Promise<LinkResult> => {
    const row = await trx.selectFrom("telegram_link_tokens as t")
      .innerJoin("users as u", "u.id", "t.user_id")
      .select([
        "t.id",
        "t.user_id",
        "t.expires_at",
        "t.used_at",
        "u.disabled_at",
        "u.username",
        "u.locale",
        "u.telegram_chat_id",
      ])
      .where("t.token_hash", "=", hash)
      .forUpdate("t")
      .executeTakeFirst();
    if (!row || row.disabled_at !== null) return { ok: false, reason: "unknown" };
    if (row.used_at !== null) return { ok: false, reason: "used" };
    if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
    const holder = await trx.selectFrom("users").select("id")
      .where("telegram_chat_id", "=", chatId).executeTakeFirst();
    // Refused before the token is spent: after /stop in this chat the same link works.
    if (holder && holder.id !== row.user_id) return { ok: false, reason: "chat_taken" };
    await trx.updateTable("telegram_link_tokens").set({ used_at: now })
      .where("id", "=", row.id).execute();
    const already = Number(row.telegram_chat_id) === chatId;
    if (!already) {
      // The account's previous chat, if any, is replaced: a link moves.
      await trx.updateTable("users").set({ telegram_chat_id: chatId })
        .where("id", "=", row.user_id).execute();
    }
    return { ok: true, userId: row.user_id, username: row.username, locale: row.locale, already };
  });
  if (result.ok) log.info("telegram chat linked", { userId: result.userId });
  return result;
}

/** `/stop`: the chat stops belonging to any account. True when it was linked. */
export async function unlinkChat(s: Services, chatIdInput: unknown): Promise<boolean> {
  const chatId = chatIdSchema.parse(chatIdInput);
  const rows = await s.db.updateTable("users").set({ telegram_chat_id: null })
    .where("telegram_chat_id", "=", chatId).returning("id").execute();
  for (const r of rows) log.info("telegram chat unlinked", { userId: r.id, by: "chat" });
  return rows.length > 0;
}

/** The settings button: unlinks the signed-in user's own chat. True when one was linked. */
export async function unlinkAccount(s: Services, actor: SessionUser | null): Promise<boolean> {
  const user = requireUser(actor);
  const rows = await s.db.updateTable("users").set({ telegram_chat_id: null })
    .where("id", "=", user.id).where("telegram_chat_id", "is not", null)
    .returning("id").execute();
  if (rows.length) log.info("telegram chat unlinked", { userId: user.id, by: "settings" });
  return rows.length > 0;
}
