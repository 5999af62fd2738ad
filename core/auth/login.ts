/**
 * Signing in with a username or email and a password.
 *
 * Answers never tell which part was wrong, and an unknown login costs the
 * same scrypt time as a wrong password, so neither the message nor the
 * response time reveals which accounts exist. Failed attempts are limited
 * per account and, with a higher ceiling, per address (an unknown login is
 * limited under its own name, so a 429 does not reveal existence either).
 * Each attempt is counted before the password is checked — so concurrent
 * guesses cannot slip past the limit — and a success gives its attempt back
 * and clears the account's count: signing in never locks anybody out.
 */
import { sql } from "kysely";
import { z } from "zod";
import type { Services } from "../services.ts";
import type { Role } from "@/db/schema.ts";
import { type Locale } from "../i18n/mod.ts";
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from "./password.ts";
import { clear, enforce, RATE_RULES, refund } from "../rate_limit.ts";
import { log } from "@/platform/log.ts";

export const loginSchema = z.object({
  login: z.string().trim().toLowerCase().min(1, { error: "validation.required" })
    .max(254, { error: "auth.login.invalid" }),
  // Only the length is checked at login: the policy applies when a password is set.
  password: z.string().min(1, { error: "validation.required" })
    .max(100, { error: "auth.login.invalid" }),
});

export type LoginInput = z.input<typeof loginSchema>;

export interface AccountRow {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  locale: Locale;
  password_hash: string;
  session_version: number;
  disabled_at: Date | null;
  telegram_chat_id: number | null;
}

/** The account a login names: an email when it has "@" (usernames cannot), else a username. */
export async function findAccount(s: Services, login: string): Promise<AccountRow | undefined> {
  const value = login.trim().toLowerCase();
  if (!value || value.length > 254) return undefined;
  let q = s.db.selectFrom("users").select([
    "id",
    "username",
    "email",
    "role",
    "locale",
    "password_hash",
    "session_version",
    "disabled_at",
    "telegram_chat_id",
  ]);
  q = value.includes("@")
    ? q.where(sql<string>`lower(email)`, "=", value)
    : q.where("username", "=", value);
  return await q.executeTakeFirst();
}

export type LoginResult =
  | {
    ok: true;
    user: { id: string; username: string; role: Role; locale: Locale; sessionVersion: number };
  }
  | { ok: false; reason: "invalid" | "disabled" };

/**
 * Checks the credentials. Throws a ZodError for empty fields and
 * `RateLimitedError` over the limits; returns `{ ok: false }` for a wrong
 * login or password (`"invalid"`), or a disabled account whose password was
 * right (`"disabled"`: only someone who knows the password learns that).
 */
export async function authenticate(
  s: Services,
  input: LoginInput,
  meta: { ip: string },
): Promise<LoginResult> {
  const data = loginSchema.parse(input);
  const now = Date.now();
  await enforce(s.kv, RATE_RULES.loginFailuresIp, meta.ip, now);
  const account = await findAccount(s, data.login);
  await enforce(s.kv, RATE_RULES.loginFailuresAccount, account?.id ?? `login:${data.login}`, now);
  if (!account) {
    await verifyAgainstNothing(data.password);
    return { ok: false, reason: "invalid" };
  }
  if (!await verifyPassword(data.password, account.password_hash)) {
    log.info("login failed", { userId: account.id });
    return { ok: false, reason: "invalid" };
  }
  if (account.disabled_at !== null) {
    log.info("login refused: account disabled", { userId: account.id });
    return { ok: false, reason: "disabled" };
  }
  await refund(s.kv, RATE_RULES.loginFailuresIp, meta.ip, now);
  await clear(s.kv, RATE_RULES.loginFailuresAccount, account.id, now);
  // Hashes made with older parameters are upgraded while the password is at hand.
  const newHash = needsRehash(account.password_hash)
    ? await hashPassword(data.password)
    : undefined;
  await s.db.updateTable("users")
    .set(
      newHash ? { last_login_at: new Date(), password_hash: newHash } : {
        last_login_at: new Date(),
      },
    )
    .where("id", "=", account.id)
    .execute();
  log.info("login", { userId: account.id, rehashed: newHash !== undefined });
  return {
    ok: true,
    user: {
      id: account.id,
      username: account.username,
      role: account.role,
      locale: account.locale,
      sessionVersion: account.session_version,
    },
  };
}
