/**
 * Password reset by a one-time link.
 *
 * - Asking always gets the same answer, whether the account exists or not,
 *   has an email or a linked Telegram chat, or whichever way was chosen.
 * - The token is 32 random bytes; only its SHA-256 is stored, so a database
 *   leak does not leak working links. It lives one hour and works once;
 *   using it spends every other open token of the account too.
 * - Setting the new password bumps the session version: every session
 *   signed in before (perhaps the attacker's) stops working.
 * - The link goes to the account's email (the `email` queue) or, when the
 *   person chose it and the account has a linked chat, to Telegram (the
 *   `telegram` queue, with a URL button). When the chosen way is not there
 *   the other one is used; with neither, nothing is issued and an admin can
 *   hand a link out with `gafus admin user:reset-link USER`.
 */
import { z } from "zod";
import type { Kysely } from "kysely";
import type { Database } from "@/db/schema.ts";
import type { Services } from "../services.ts";
import { changeWithJobs, enqueueNow, type EnqueueWithChange } from "../jobs_tx.ts";
import type { Config } from "@/platform/config.ts";
import { newPasswordFields, withMatchingRepeat } from "./schemas.ts";
import { randomToken, sha256Hex } from "@/platform/encoding.ts";
import { newId } from "@/platform/ids.ts";
import { hashPassword } from "./password.ts";
import { revokeRefreshTokens } from "./session.ts";
import { type AccountRow, findAccount } from "./login.ts";
import { enforce, hit, RATE_RULES } from "../rate_limit.ts";
import { log } from "@/platform/log.ts";
import { AppError } from "../app_error.ts";
import { absoluteUrl, passwordResetPath } from "../paths.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { resetEmail } from "../email/messages.ts";
import { enqueueTelegram } from "../telegram/outbox.ts";
import { translator } from "../i18n/mod.ts";

export const RESET_TTL_MS = 60 * 60 * 1000;

/** Shape of the tokens we issue (base64url of 32 bytes); anything else is unknown at once. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** Where a reset link can go. */
export const RESET_CHANNELS = ["email", "telegram"] as const;
export type ResetChannel = typeof RESET_CHANNELS[number];

export const resetRequestSchema = z.object({
  login: z.string().trim().toLowerCase().min(1, { error: "validation.required" })
    .max(254, { error: "validation.tooLong" }),
  /** The way the person prefers; anything else (or nothing) means email. */
  channel: z.enum(RESET_CHANNELS).catch("email"),
});

export const newPasswordSchema = withMatchingRepeat(z.object(newPasswordFields));

export function resetUrl(config: Pick<Config, "publicUrl">, token: string): string {
  return absoluteUrl(config, passwordResetPath(token));
}

/** Channels a reset link can go through for this account, in the order they are tried. */
export function resetChannels(
  s: Services,
  account: Pick<AccountRow, "email" | "telegram_chat_id">,
  preferred: ResetChannel = "email",
): ResetChannel[] {
  const channels: ResetChannel[] = [];
  if (account.email) channels.push("email");
  if (account.telegram_chat_id !== null && s.config.telegram) channels.push("telegram");
  return channels.sort((a, b) => Number(b === preferred) - Number(a === preferred));
}

/**
 * Queues a reset link through one channel. The message key is the token's
 * id, so a retried job sends this link once and a new request sends a new
 * message. Logged with the user id and the channel, never the link.
 */
export async function deliverResetLink(
  s: Services,
  account: Pick<AccountRow, "id" | "username" | "email" | "locale" | "telegram_chat_id">,
  link: { tokenId: string; url: string },
  channel: ResetChannel,
  /** From `changeWithJobs`, when the token row is written in the same change. */
  enqueue: EnqueueWithChange = enqueueNow(s),
): Promise<void> {
  if (channel === "email") {
    if (!account.email) throw new Error("deliverResetLink: the account has no email");
    await enqueueEmail(s, {
      key: `password-reset:${link.tokenId}`,
      to: account.email,
      userId: account.id,
      ...resetEmail(account.locale, { username: account.username, url: link.url }),
      purpose: "account",
    }, enqueue);
  } else {
    if (account.telegram_chat_id === null) {
      throw new Error("deliverResetLink: the account has no linked chat");
    }
    const t = translator(account.locale);
    await enqueueTelegram(s, {
      key: `password-reset:${link.tokenId}`,
      chatId: account.telegram_chat_id,
      text: t("email.reset.telegram", { username: account.username }),
      buttons: [{ text: t("email.reset.action"), url: link.url }],
      userId: account.id,
      purpose: "account",
    }, enqueue);
  }
  log.info("password reset link issued", { userId: account.id, channel });
}

/** A new reset token for the user (the caller delivers it); returns the token itself. */
export async function issueResetToken(
  s: Services,
  userId: string,
  now = new Date(),
): Promise<string> {
  return (await issueResetTokenRow(s, userId, now)).token;
}

/** `issueResetToken` with the row's id (the once-only key of the message carrying it). */
function issueResetTokenRow(
  s: Pick<Services, "db">,
  userId: string,
  now = new Date(),
): Promise<{ id: string; token: string }> {
  return s.db.transaction().execute((trx) => writeResetToken(trx, userId, now));
}

/** Writes a new reset token row in `trx`; returns its id and the token itself. */
async function writeResetToken(
  trx: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<{ id: string; token: string }> {
  const token = randomToken(32);
  const id = newId();
  // Keep the table small: spent and expired tokens of this user go.
  await trx.deleteFrom("password_reset_tokens")
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("used_at", "is not", null), eb("expires_at", "<=", now)]))
    .execute();
  await trx.insertInto("password_reset_tokens").values({
    id,
    user_id: userId,
    token_hash: await sha256Hex(token),
    expires_at: new Date(now.getTime() + RESET_TTL_MS),
  }).execute();
  return { id, token };
}

/** Links being issued after the answer went out (see `requestPasswordReset`). */
const inFlight = new Set<Promise<void>>();

/**
 * Handles "forgot password". Throws a ZodError for an empty field and
 * `RateLimitedError` when this IP asked too often; otherwise returns without
 * saying whether anything was sent.
 *
 * The answer does not wait for the link: issuing and delivering it takes
 * database and network time that an unknown account would not, and the
 * difference would tell which accounts exist. `settleResetRequests()`
 * waits for those still running (tests, shutdown).
 */
export async function requestPasswordReset(
  s: Services,
  input: z.input<typeof resetRequestSchema>,
  meta: { ip: string },
): Promise<void> {
  const data = resetRequestSchema.parse(input);
  await enforce(s.kv, RATE_RULES.resetIp, meta.ip);
  const account = await findAccount(s, data.login);
  if (!account || account.disabled_at !== null) return;
  const work = issueAndDeliver(s, account, data.channel).catch((err) => {
    log.error("password reset link not issued", { userId: account.id, err });
  }).finally(() => inFlight.delete(work));
  inFlight.add(work);
}

async function issueAndDeliver(
  s: Services,
  account: AccountRow,
  preferred: ResetChannel,
): Promise<void> {
  const channel = resetChannels(s, account, preferred)[0];
  if (!channel) {
    // Neither an email nor a linked chat: nothing to send to (an admin can hand out a link).
    log.info("password reset: the account has no channel", { userId: account.id });
    return;
  }
  // Over the per-account limit nothing is sent, and the answer was the same:
  // a 429 here would tell that the account exists.
  const perAccount = await hit(s.kv, RATE_RULES.resetAccount, account.id);
  if (!perAccount.allowed) {
    log.warn("password reset: per-account limit reached", { userId: account.id });
    return;
  }
  await sendNewResetLink(s, account, channel);
}

/**
 * Issues a new reset token and queues its link through `channel`; the token
 * and its message commit together on PostgreSQL jobs (core/jobs_tx.ts). The
 * message key is the token's id: a second link is a second message.
 */
export async function sendNewResetLink(
  s: Services,
  account: Pick<AccountRow, "id" | "username" | "email" | "locale" | "telegram_chat_id">,
  channel: ResetChannel,
): Promise<void> {
  await changeWithJobs(s, async (trx, enqueue) => {
    const { id, token } = await writeResetToken(trx, account.id, new Date());
    const link = { tokenId: id, url: resetUrl(s.config, token) };
    await deliverResetLink(s, account, link, channel, enqueue);
  });
}

/** Waits until every reset link requested so far is issued (or failed). */
export async function settleResetRequests(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

export type ResetTokenState = "valid" | "unknown" | "expired" | "used";

export class ResetTokenError extends AppError {
  constructor(readonly state: Exclude<ResetTokenState, "valid">) {
    super(400, `reset_token_${state}`, `auth.reset.state.${state}`, {
      fields: { _form: `auth.reset.state.${state}` },
      message: `reset token ${state}`,
    });
    this.name = "ResetTokenError";
  }
}

interface TokenRow {
  id: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
  disabled_at: Date | null;
}

function stateOf(row: TokenRow | undefined, now: Date): ResetTokenState {
  if (!row || row.disabled_at !== null) return "unknown";
  if (row.used_at !== null) return "used";
  if (row.expires_at.getTime() <= now.getTime()) return "expired";
  return "valid";
}

/** Whether a link still works (to show the form or explain why not). */
export async function inspectResetToken(
  s: Services,
  token: string,
  now = new Date(),
): Promise<ResetTokenState> {
  if (!TOKEN_RE.test(token)) return "unknown";
  const row = await s.db.selectFrom("password_reset_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select(["t.id", "t.user_id", "t.expires_at", "t.used_at", "u.disabled_at"])
    .where("t.token_hash", "=", await sha256Hex(token))
    .executeTakeFirst();
  return stateOf(row, now);
}

/**
 * Sets a new password with a reset token. Throws a ZodError for a bad
 * password, `RateLimitedError` when this IP tried too often, and
 * `ResetTokenError` for an unknown, expired or used token. The
 * token row is locked, so two submissions of the same link cannot both win.
 */
export async function resetPasswordWithToken(
  s: Services,
  token: string,
  input: z.input<typeof newPasswordSchema>,
  meta: { ip: string },
  now = new Date(),
): Promise<{ userId: string; sessionVersion: number }> {
  const data = newPasswordSchema.parse(input);
  await enforce(s.kv, RATE_RULES.resetConfirmIp, meta.ip);
  if (!TOKEN_RE.test(token)) throw new ResetTokenError("unknown");
  const tokenHash = await sha256Hex(token);
  // Hashed outside the transaction: it takes ~80 ms and must not hold the row lock.
  const passwordHash = await hashPassword(data.password);
  const result = await s.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("password_reset_tokens as t")
      .innerJoin("users as u", "u.id", "t.user_id")
      .select(["t.id", "t.user_id", "t.expires_at", "t.used_at", "u.disabled_at"])
      .where("t.token_hash", "=", tokenHash)
      .forUpdate("t")
      .executeTakeFirst();
    const state = stateOf(row, now);
    if (state !== "valid") throw new ResetTokenError(state);
    const user = await trx.updateTable("users")
      .set((eb) => ({
        password_hash: passwordHash,
        session_version: eb("session_version", "+", 1),
      }))
      .where("id", "=", row!.user_id)
      .returning("session_version")
      .executeTakeFirstOrThrow();
    // This link and any other open link of the account stop working.
    await trx.updateTable("password_reset_tokens")
      .set({ used_at: now })
      .where("user_id", "=", row!.user_id)
      .where("used_at", "is", null)
      .execute();
    // Every login of the token API ends with the old password.
    await revokeRefreshTokens(trx, row!.user_id);
    return { userId: row!.user_id, sessionVersion: user.session_version };
  });
  log.info("password reset completed", { userId: result.userId });
  return result;
}
