/**
 * What a signed-in person does with their own account in settings: change
 * the password, username, language or time zone, sign out every device, delete
 * the account. The email changes through a confirmation link
 * (core/auth/email_change.ts). Each function takes the acting user, validates with zod and
 * checks the permission itself, so pages, the API and the bot share the
 * same rules.
 *
 * Actions that prove identity with the current password (password, email,
 * deletion) are rate limited per user, so a stolen session cannot be used
 * to guess the password.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "./session_user.ts";
import { ForbiddenError, requireUser } from "./guards.ts";
import { eraseUser, UserExistsError, usernameSchema } from "../users.ts";
import { currentPassword, newPasswordFields, withMatchingRepeat } from "./schemas.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { bumpSessionVersion, revokeRefreshTokens } from "./session.ts";
import { enforce, RATE_RULES } from "../rate_limit.ts";
import { isReferencedError, isUniqueViolation } from "@/db/connection.ts";
import { LOCALES } from "../i18n/mod.ts";
import type { Locale } from "../i18n/format.ts";
import { log } from "@/platform/log.ts";
import { AppError } from "../app_error.ts";

/** The current password was wrong (shown next to the "current password" field). */
export class WrongPasswordError extends AppError {
  constructor() {
    super(422, "wrong_password", "auth.password.wrong", {
      fields: { currentPassword: "auth.password.wrong" },
      message: "the current password is wrong",
    });
    this.name = "WrongPasswordError";
  }
}

/** Proof of identity for sensitive settings (rate limited per user). */
export async function checkCurrentPassword(s: Services, user: SessionUser, password: string) {
  await enforce(s.kv, RATE_RULES.passwordCheck, user.id);
  const row = await s.db.selectFrom("users").select("password_hash")
    .where("id", "=", user.id).executeTakeFirst();
  if (!row || !await verifyPassword(password, row.password_hash)) {
    throw new WrongPasswordError();
  }
}

/** The account still authors content (courses, videos) that must be handed over first. */
export class AccountHasContentError extends AppError {
  constructor() {
    super(409, "has_content", "settings.delete.hasContent", {
      fields: { _form: "settings.delete.hasContent" },
      message: "the account still owns content",
    });
    this.name = "AccountHasContentError";
  }
}

export const changePasswordSchema = withMatchingRepeat(z.object({
  currentPassword,
  ...newPasswordFields,
}));

/**
 * Sets a new password and revokes every session (the caller signs the
 * current browser in again with the returned version).
 */
export async function changePassword(
  s: Services,
  actor: SessionUser | null,
  input: z.input<typeof changePasswordSchema>,
): Promise<{ sessionVersion: number }> {
  const user = requireUser(actor);
  const data = changePasswordSchema.parse(input);
  await checkCurrentPassword(s, user, data.currentPassword);
  const hash = await hashPassword(data.password);
  const row = await s.db.updateTable("users")
    .set((eb) => ({ password_hash: hash, session_version: eb("session_version", "+", 1) }))
    .where("id", "=", user.id)
    .returning("session_version")
    .executeTakeFirstOrThrow();
  // The token API's logins end too (their access tokens already fail the version check).
  await revokeRefreshTokens(s.db, user.id);
  log.info("password changed", { userId: user.id });
  return { sessionVersion: row.session_version };
}

export const changeUsernameSchema = z.object({ username: usernameSchema });

export async function changeUsername(
  s: Services,
  actor: SessionUser | null,
  input: z.input<typeof changeUsernameSchema>,
): Promise<{ username: string }> {
  const user = requireUser(actor);
  const data = changeUsernameSchema.parse(input);
  if (data.username === user.username) return { username: user.username };
  try {
    await s.db.updateTable("users").set({ username: data.username }).where("id", "=", user.id)
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new UserExistsError("username");
    throw err;
  }
  log.info("username changed", { userId: user.id });
  return { username: data.username };
}

export const usernameQuerySchema = z.object({ u: usernameSchema });

/**
 * Whether a username is free, for the live check while typing in settings
 * (signed-in users only, rate limited). Usernames are public anyway (profile
 * addresses, course authors); emails are never checked this way.
 */
export async function usernameAvailability(
  s: Services,
  actor: SessionUser | null,
  input: z.input<typeof usernameQuerySchema>,
): Promise<{ username: string; available: boolean; current: boolean }> {
  const user = requireUser(actor);
  const { u: username } = usernameQuerySchema.parse(input);
  await enforce(s.kv, RATE_RULES.usernameCheck, user.id);
  if (username === user.username) return { username, available: true, current: true };
  const row = await s.db.selectFrom("users").select("id").where("username", "=", username)
    .executeTakeFirst();
  return { username, available: !row, current: false };
}

export const changeLocaleSchema = z.object({
  locale: z.enum(LOCALES as [Locale, ...Locale[]], { error: "validation.invalid" }),
});

export async function changeLocale(
  s: Services,
  actor: SessionUser | null,
  input: { locale: unknown },
): Promise<{ locale: Locale }> {
  const user = requireUser(actor);
  const { locale } = changeLocaleSchema.parse(input);
  await s.db.updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  return { locale };
}

/**
 * The zones a person can choose: what the runtime's Intl knows (so every
 * stored zone formats dates), plus "UTC", which some runtimes leave out.
 */
export const TIME_ZONES: readonly string[] = [
  ...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]),
].sort();

export const changeTimeZoneSchema = z.object({
  timeZone: z.string().refine((tz) => TIME_ZONES.includes(tz), {
    error: "settings.timeZone.invalid",
  }),
});

/** The zone streaks, statistics and reminder times are counted in (`users.time_zone`). */
export async function changeTimeZone(
  s: Services,
  actor: SessionUser | null,
  input: { timeZone: unknown },
): Promise<{ timeZone: string }> {
  const user = requireUser(actor);
  const { timeZone } = changeTimeZoneSchema.parse(input);
  await s.db.updateTable("users").set({ time_zone: timeZone }).where("id", "=", user.id)
    .execute();
  return { timeZone };
}

/** Signs out every device: all sessions stop working on their next request. */
export async function logoutEverywhere(
  s: Services,
  actor: SessionUser | null,
): Promise<{ sessionVersion: number }> {
  const user = requireUser(actor);
  const sessionVersion = await bumpSessionVersion(s, user.id);
  log.info("signed out everywhere", { userId: user.id });
  return { sessionVersion };
}

export const deleteAccountSchema = z.object({ currentPassword });

/** Only learners delete themselves; staff accounts own content and go through an admin. */
export function canDeleteOwnAccount(user: SessionUser): boolean {
  return user.role === "USER";
}

/**
 * Deletes the account and everything that belongs to it: rows go by
 * CASCADE, stored files (avatar, pet photos, exam videos) by prefix.
 */
export async function deleteAccount(
  s: Services,
  actor: SessionUser | null,
  input: z.input<typeof deleteAccountSchema>,
): Promise<{ filesDeleted: number }> {
  const user = requireUser(actor);
  if (!canDeleteOwnAccount(user)) throw new ForbiddenError("only learners delete their account");
  const data = deleteAccountSchema.parse(input);
  await checkCurrentPassword(s, user, data.currentPassword);
  let filesDeleted: number;
  try {
    ({ filesDeleted } = await eraseUser(s, user.id));
  } catch (err) {
    // Content (courses, videos) is RESTRICT towards its author, e.g. a former trainer's.
    if (isReferencedError(err)) throw new AccountHasContentError();
    throw err;
  }
  log.info("account deleted", { userId: user.id, filesDeleted });
  return { filesDeleted };
}
