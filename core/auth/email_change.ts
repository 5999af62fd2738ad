/**
 * Changing the account's email, confirmed from the new address.
 *
 * - Asking needs the current password. The address does not change yet: a
 *   link goes to the NEW address (32 random bytes, only the SHA-256 stored,
 *   24 hours, single use) and a notice to the OLD one, if any, so an owner
 *   whose session and password were stolen hears of it and can cancel.
 * - One pending change per account: asking again or resending replaces the
 *   link (the raw token is never stored, so a resend is a new link).
 * - The address is not reserved while pending; opening the link (GET shows
 *   a button, POST applies: mail scanners that fetch links do not confirm)
 *   takes it only if it is still free, case-insensitively.
 * - Confirming spends the link and every open password-reset link (those
 *   went to the old address). Sessions stay signed in: the change was
 *   authorised with the password, the new mailbox is proven by the link, and
 *   signing every device out would punish the common case (changing the
 *   address on the phone) without stopping anyone who knows the password.
 *   Whoever fears that uses "sign out everywhere" or changes the password.
 * - The link works without signing in (it is often opened in a mail app's
 *   browser); signed in as another account, it is refused, so nobody
 *   confirms a change for the wrong account by accident.
 * - Removing the address (empty field) needs only the password.
 */
import { z } from "zod";
import { type Kysely, sql } from "kysely";
import type { Database } from "@/db/schema.ts";
import type { Services } from "../services.ts";
import type { SessionUser } from "./session_user.ts";
import { requireUser } from "./guards.ts";
import { checkCurrentPassword } from "./account.ts";
import { currentPassword } from "./schemas.ts";
import { emailSchema, UserExistsError } from "../users.ts";
import { enforce, RATE_RULES } from "../rate_limit.ts";
import { randomToken, sha256Hex } from "@/platform/encoding.ts";
import { newId } from "@/platform/ids.ts";
import { isUniqueViolation } from "@/db/connection.ts";
import { log } from "@/platform/log.ts";
import { AppError } from "../app_error.ts";
import { absoluteUrl, emailChangePath, settingsPath } from "../paths.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { changeWithJobs, type EnqueueWithChange } from "../jobs_tx.ts";
import { emailChangeConfirmEmail, emailChangeNoticeEmail } from "../email/messages.ts";

export const EMAIL_CHANGE_TTL_MS = 24 * 60 * 60 * 1000;

/** Shape of the tokens we issue (base64url of 32 bytes); anything else is unknown at once. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export const changeEmailSchema = z.object({
  // Empty removes the address (it is optional).
  email: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? null : v),
    emailSchema.nullable(),
  ),
  currentPassword,
});

export type ChangeEmailResult =
  | { outcome: "sent"; email: string }
  | { outcome: "removed" | "unchanged" };

interface AccountMailRow {
  username: string;
  email: string | null;
  locale: "ru" | "en";
}

function accountRow(s: Services, userId: string): Promise<AccountMailRow> {
  return s.db.selectFrom("users").select(["username", "email", "locale"])
    .where("id", "=", userId).executeTakeFirstOrThrow();
}

/** Whether another account already has the address (case-insensitive). */
async function takenByOther(s: Services, email: string, userId: string): Promise<boolean> {
  const row = await s.db.selectFrom("users").select("id")
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .where("id", "!=", userId)
    .executeTakeFirst();
  return !!row;
}

/** Replaces any pending change of the user by a new one; returns the token and its row id. */
async function issueToken(
  trx: Kysely<Database>,
  userId: string,
  email: string,
  now: Date,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = randomToken(32);
  const id = newId();
  const expiresAt = new Date(now.getTime() + EMAIL_CHANGE_TTL_MS);
  await trx.deleteFrom("email_change_tokens").where("user_id", "=", userId).execute();
  await trx.insertInto("email_change_tokens").values({
    id,
    user_id: userId,
    new_email: email,
    token_hash: await sha256Hex(token),
    expires_at: expiresAt,
  }).execute();
  return { id, token, expiresAt };
}

async function sendConfirmation(
  s: Services,
  userId: string,
  account: AccountMailRow,
  email: string,
  issued: { id: string; token: string },
  enqueue: EnqueueWithChange,
): Promise<void> {
  await enqueueEmail(s, {
    key: `email-change:${issued.id}`,
    to: email,
    userId,
    ...emailChangeConfirmEmail(account.locale, {
      username: account.username,
      url: absoluteUrl(s.config, emailChangePath(issued.token)),
    }),
    purpose: "account",
  }, enqueue);
}

/**
 * Settings → "change email". Throws a ZodError for a bad address,
 * `WrongPasswordError`, `UserExistsError` (neutral: "name or address taken")
 * and `RateLimitedError`.
 */
export async function changeEmail(
  s: Services,
  actor: SessionUser | null,
  input: z.input<typeof changeEmailSchema>,
  now = new Date(),
): Promise<ChangeEmailResult> {
  const user = requireUser(actor);
  const data = changeEmailSchema.parse(input);
  await checkCurrentPassword(s, user, data.currentPassword);
  const account = await accountRow(s, user.id);
  if (data.email === null) {
    await s.db.transaction().execute(async (trx) => {
      await trx.updateTable("users").set({ email: null }).where("id", "=", user.id).execute();
      await trx.deleteFrom("email_change_tokens").where("user_id", "=", user.id).execute();
    });
    log.info("email removed", { userId: user.id });
    return { outcome: "removed" };
  }
  if (data.email === account.email?.toLowerCase()) {
    // Asking for the address one has: a pending change to another one is dropped.
    await s.db.deleteFrom("email_change_tokens").where("user_id", "=", user.id).execute();
    return { outcome: "unchanged" };
  }
  if (await takenByOther(s, data.email, user.id)) throw new UserExistsError();
  await enforce(s.kv, RATE_RULES.emailChangeSend, user.id, now.getTime());
  const email = data.email;
  // The token and its two emails commit together on PostgreSQL jobs (core/jobs_tx.ts).
  await changeWithJobs(s, async (trx, enqueue) => {
    const issued = await issueToken(trx, user.id, email, now);
    await sendConfirmation(s, user.id, account, email, issued, enqueue);
    if (account.email) {
      await enqueueEmail(s, {
        key: `email-change-notice:${issued.id}`,
        to: account.email,
        userId: user.id,
        ...emailChangeNoticeEmail(account.locale, {
          username: account.username,
          newEmail: email,
          settingsUrl: absoluteUrl(s.config, settingsPath(undefined, "h-email")),
        }),
        purpose: "account",
      }, enqueue);
    }
  });
  log.info("email change requested", { userId: user.id, hadEmail: !!account.email });
  return { outcome: "sent", email: data.email };
}

export interface PendingEmailChange {
  email: string;
  expiresAt: Date;
}

/** The change waiting for confirmation (still valid), for the settings page. */
export async function pendingEmailChange(
  s: Services,
  userId: string,
  now = new Date(),
): Promise<PendingEmailChange | null> {
  const row = await s.db.selectFrom("email_change_tokens")
    .select(["new_email", "expires_at"])
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  return row ? { email: row.new_email, expiresAt: row.expires_at } : null;
}

/** Nothing is waiting for confirmation (resend after expiry or cancel). */
export class NoPendingEmailChangeError extends AppError {
  constructor() {
    super(409, "no_pending_email_change", "settings.email.noPending", {
      fields: { _form: "settings.email.noPending" },
      message: "no email change is pending",
    });
    this.name = "NoPendingEmailChangeError";
  }
}

/** Sends a new link for the pending change (the old link stops working). */
export async function resendEmailChange(
  s: Services,
  actor: SessionUser | null,
  now = new Date(),
): Promise<{ email: string }> {
  const user = requireUser(actor);
  const pending = await pendingEmailChange(s, user.id, now);
  if (!pending) throw new NoPendingEmailChangeError();
  await enforce(s.kv, RATE_RULES.emailChangeSend, user.id, now.getTime());
  const account = await accountRow(s, user.id);
  await changeWithJobs(s, async (trx, enqueue) => {
    const issued = await issueToken(trx, user.id, pending.email, now);
    await sendConfirmation(s, user.id, account, pending.email, issued, enqueue);
  });
  log.info("email change link resent", { userId: user.id });
  return { email: pending.email };
}

/** Drops the pending change: its link stops working. */
export async function cancelEmailChange(s: Services, actor: SessionUser | null): Promise<void> {
  const user = requireUser(actor);
  await s.db.deleteFrom("email_change_tokens").where("user_id", "=", user.id)
    .where("used_at", "is", null).execute();
  log.info("email change cancelled", { userId: user.id });
}

export type EmailChangeState = "valid" | "unknown" | "expired" | "used" | "taken" | "otherUser";

export class EmailChangeTokenError extends AppError {
  constructor(readonly state: Exclude<EmailChangeState, "valid">) {
    super(
      state === "otherUser" ? 403 : state === "taken" ? 409 : 410,
      `email_change_${state}`,
      `emailChange.state.${state}`,
      { fields: { _form: `emailChange.state.${state}` }, message: `email change token ${state}` },
    );
    this.name = "EmailChangeTokenError";
  }
}

interface TokenRow {
  id: string;
  user_id: string;
  new_email: string;
  expires_at: Date;
  used_at: Date | null;
  disabled_at: Date | null;
  username: string;
}

function stateOf(
  row: TokenRow | undefined,
  viewer: SessionUser | null,
  now: Date,
): Exclude<EmailChangeState, "taken"> {
  if (!row || row.disabled_at !== null) return "unknown";
  if (viewer && viewer.id !== row.user_id) return "otherUser";
  if (row.used_at !== null) return "used";
  if (row.expires_at.getTime() <= now.getTime()) return "expired";
  return "valid";
}

/** What the link's page shows: its state, and for a working link the address and account. */
export async function inspectEmailChangeToken(
  s: Services,
  token: string,
  viewer: SessionUser | null,
  now = new Date(),
): Promise<{ state: EmailChangeState; email?: string; username?: string }> {
  if (!TOKEN_RE.test(token)) return { state: "unknown" };
  const row = await tokenRow(s.db, await sha256Hex(token)).executeTakeFirst();
  const state = stateOf(row, viewer, now);
  if (state !== "valid") return { state };
  if (await takenByOther(s, row!.new_email, row!.user_id)) return { state: "taken" };
  return { state, email: row!.new_email, username: row!.username };
}

/** A link's token row with what deciding about it needs (its account's state and name). */
function tokenRow(db: Kysely<Database>, tokenHash: string) {
  return db.selectFrom("email_change_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select([
      "t.id",
      "t.user_id",
      "t.new_email",
      "t.expires_at",
      "t.used_at",
      "u.disabled_at",
      "u.username",
    ])
    .where("t.token_hash", "=", tokenHash);
}

/**
 * Applies a change from its link. Throws `EmailChangeTokenError` (unknown,
 * expired, used, taken, another account signed in) and `RateLimitedError`.
 * The token row is locked, so two submissions of one link cannot both win.
 */
export async function confirmEmailChange(
  s: Services,
  token: string,
  viewer: SessionUser | null,
  meta: { ip: string },
  now = new Date(),
): Promise<{ userId: string; email: string }> {
  await enforce(s.kv, RATE_RULES.emailConfirmIp, meta.ip, now.getTime());
  if (!TOKEN_RE.test(token)) throw new EmailChangeTokenError("unknown");
  const tokenHash = await sha256Hex(token);
  const result = await s.db.transaction().execute(async (trx) => {
    const row = await tokenRow(trx, tokenHash).forUpdate("t").executeTakeFirst();
    const state = stateOf(row, viewer, now);
    if (state !== "valid") throw new EmailChangeTokenError(state);
    const { user_id: userId, new_email: email } = row!;
    const other = await trx.selectFrom("users").select("id")
      .where(sql<string>`lower(email)`, "=", email)
      .where("id", "!=", userId)
      .executeTakeFirst();
    if (other) throw new EmailChangeTokenError("taken");
    await trx.updateTable("users").set({ email }).where("id", "=", userId).execute();
    await trx.updateTable("email_change_tokens").set({ used_at: now })
      .where("user_id", "=", userId).where("used_at", "is", null).execute();
    // Reset links already sent went to the old address: they stop working.
    await trx.updateTable("password_reset_tokens").set({ used_at: now })
      .where("user_id", "=", userId).where("used_at", "is", null).execute();
    return { userId, email };
  }).catch((err) => {
    // Another account took the address between our check and the update.
    if (isUniqueViolation(err)) throw new EmailChangeTokenError("taken");
    throw err;
  });
  log.info("email change confirmed", { userId: result.userId });
  return result;
}
