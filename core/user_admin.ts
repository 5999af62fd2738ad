/**
 * Managing other people's accounts (admin CLI and the /ops/users pages):
 * search, look one up, change the role, disable or enable, send a reset
 * link, delete. Reading needs the ops read right; changes need ADMIN (or the
 * command line, acting as SYSTEM), and each change is written to the audit
 * log (core/audit.ts) with its actor. Nobody changes their own role or
 * status here: that would be a way to lock the last admin out by mistake.
 */
import { z } from "zod";
import type { Services } from "./services.ts";
import type { Role } from "@/db/schema.ts";
import { type OpsActor, requireOpsActor } from "./auth/guards.ts";
import { ForbiddenError, NotFoundError } from "./auth/guards.ts";
import { recordAudit } from "./audit.ts";
import { findAccount } from "./auth/login.ts";
import { type ResetChannel, resetChannels, sendNewResetLink } from "./auth/password_reset.ts";
import { eraseUser, roleSchema } from "./users.ts";
import { isId } from "@/platform/ids.ts";
import { isReferencedError } from "@/db/connection.ts";
import { log } from "@/platform/log.ts";
import { AppError } from "./app_error.ts";

export interface UserDetail {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  locale: string;
  timeZone: string;
  fullName: string | null;
  telegramLinked: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  disabledAt: Date | null;
  pets: number;
  enrolledCourses: number;
  authoredCourses: number;
}

const loginSchema = z.string().trim().min(1).max(64);

async function findId(s: Services, usernameOrId: string): Promise<string> {
  const v = loginSchema.safeParse(usernameOrId);
  if (!v.success) throw new NotFoundError();
  const key = v.data;
  const row = await s.db.selectFrom("users").select("id")
    .where((eb) =>
      isId(key) ? eb.or([eb("id", "=", key), eb("username", "=", key)]) : eb(
        "username",
        "=",
        key.toLowerCase(),
      )
    )
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  return row.id;
}

/** One account by username (or id), with what it owns; NotFoundError when there is none. */
export async function userDetail(
  s: Services,
  actor: OpsActor | null,
  usernameOrId: string,
): Promise<UserDetail> {
  requireOpsActor(actor, { write: false });
  const id = await findId(s, usernameOrId);
  const u = await s.db.selectFrom("users")
    .leftJoin("user_profiles", "user_profiles.user_id", "users.id")
    .select([
      "users.id",
      "users.username",
      "users.email",
      "users.role",
      "users.locale",
      "users.time_zone",
      "users.telegram_chat_id",
      "users.created_at",
      "users.last_login_at",
      "users.disabled_at",
      "user_profiles.full_name",
    ])
    .select((eb) => [
      eb.selectFrom("pets").select(eb.fn.countAll<number>().as("n"))
        .whereRef("pets.owner_id", "=", "users.id").as("pets"),
      eb.selectFrom("user_courses").select(eb.fn.countAll<number>().as("n"))
        .whereRef("user_courses.user_id", "=", "users.id").as("enrolled"),
      eb.selectFrom("courses").select(eb.fn.countAll<number>().as("n"))
        .whereRef("courses.author_id", "=", "users.id").as("authored"),
    ])
    .where("users.id", "=", id)
    .executeTakeFirstOrThrow();
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    role: u.role,
    locale: u.locale,
    timeZone: u.time_zone,
    fullName: u.full_name,
    telegramLinked: u.telegram_chat_id !== null,
    createdAt: u.created_at,
    lastLoginAt: u.last_login_at,
    disabledAt: u.disabled_at,
    pets: Number(u.pets ?? 0),
    enrolledCourses: Number(u.enrolled ?? 0),
    authoredCourses: Number(u.authored ?? 0),
  };
}

function notSelf(actor: OpsActor | null, targetId: string) {
  if (actor && !("system" in actor) && actor.id === targetId) {
    throw new ForbiddenError("you cannot change your own account here");
  }
}

/** Sets the role (ADMIN). Returns the role before and after. */
export async function setUserRole(
  s: Services,
  actor: OpsActor | null,
  usernameOrId: string,
  role: Role,
): Promise<{ id: string; username: string; before: Role; after: Role }> {
  const by = requireOpsActor(actor, { write: true });
  const newRole = roleSchema.parse(role);
  const id = await findId(s, usernameOrId);
  notSelf(actor, id);
  const before = await s.db.selectFrom("users").select(["role", "username"])
    .where("id", "=", id).executeTakeFirstOrThrow();
  if (before.role !== newRole) {
    // A new role ends every session at once: pages and CSRF tokens were issued for the old one.
    await s.db.transaction().execute(async (trx) => {
      await trx.updateTable("users")
        .set((eb) => ({ role: newRole, session_version: eb("session_version", "+", 1) }))
        .where("id", "=", id).execute();
      await recordAudit(trx, actor, "user.role", id, {
        username: before.username,
        from: before.role,
        to: newRole,
      });
    });
    log.info("user role changed", {
      userId: id,
      from: before.role,
      to: newRole,
      by: by ?? "system",
    });
  }
  return { id, username: before.username, before: before.role, after: newRole };
}

/**
 * Disables (every session ends at once, login refused) or enables an account
 * (ADMIN). `changed` is false when it already was that way.
 */
export async function setUserDisabled(
  s: Services,
  actor: OpsActor | null,
  usernameOrId: string,
  disabled: boolean,
): Promise<{ id: string; username: string; changed: boolean }> {
  const by = requireOpsActor(actor, { write: true });
  const id = await findId(s, usernameOrId);
  notSelf(actor, id);
  const row = await s.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable("users")
      .set((eb) => ({
        disabled_at: disabled ? new Date() : null,
        // Disabling ends every session at once; enabling does not bring old ones back.
        session_version: eb("session_version", "+", 1),
      }))
      .where("id", "=", id)
      .where("disabled_at", disabled ? "is" : "is not", null)
      .returning("username")
      .executeTakeFirst();
    if (row) {
      await recordAudit(trx, actor, disabled ? "user.disable" : "user.enable", id, {
        username: row.username,
      });
    }
    return row;
  });
  const username = row?.username ??
    (await s.db.selectFrom("users").select("username").where("id", "=", id)
      .executeTakeFirstOrThrow()).username;
  if (row) {
    log.info(disabled ? "user disabled" : "user enabled", { userId: id, by: by ?? "system" });
  }
  return { id, username, changed: row !== undefined };
}

/** The account authors content (courses, days, steps, videos) that learners depend on. */
export class UserOwnsContentError extends AppError {
  constructor(readonly username: string) {
    super(409, "has_content", "settings.delete.hasContent", {
      message: `${username} authors content (courses, days, steps or videos); ` +
        "give it to another author or disable the account instead",
    });
    this.name = "UserOwnsContentError";
  }
}

/**
 * Deletes an account and what belongs to it (ADMIN): rows by CASCADE, files
 * under the user's storage prefixes. Refused with UserOwnsContentError when
 * the user authors content.
 */
export async function deleteUser(
  s: Services,
  actor: OpsActor | null,
  usernameOrId: string,
): Promise<{ id: string; username: string; filesDeleted: number }> {
  const by = requireOpsActor(actor, { write: true });
  const id = await findId(s, usernameOrId);
  notSelf(actor, id);
  const row = await s.db.selectFrom("users").select("username").where("id", "=", id)
    .executeTakeFirstOrThrow();
  let filesDeleted: number;
  try {
    ({ filesDeleted } = await eraseUser(s, id));
  } catch (err) {
    if (isReferencedError(err)) throw new UserOwnsContentError(row.username);
    throw err;
  }
  // After the erasure's own transaction: the entry outlives the account (no foreign key).
  await recordAudit(s.db, actor, "user.delete", id, { username: row.username, filesDeleted });
  log.info("user deleted", { userId: id, filesDeleted, by: by ?? "system" });
  return { id, username: row.username, filesDeleted };
}

// ------------------------------------------------------------ the web console

export const USER_STATES = ["active", "disabled"] as const;
export type UserState = typeof USER_STATES[number];
export const TELEGRAM_FILTERS = ["linked", "unlinked"] as const;

export const userSearchSchema = z.object({
  /** Part of a username or email, or a Telegram chat id (digits). */
  q: z.string().trim().max(254).optional().catch(undefined),
  role: roleSchema.optional().catch(undefined),
  state: z.enum(USER_STATES).optional().catch(undefined),
  telegram: z.enum(TELEGRAM_FILTERS).optional().catch(undefined),
  offset: z.coerce.number().int().min(0).max(1_000_000).catch(0),
  limit: z.coerce.number().int().min(1).max(200).catch(50),
});
export type UserSearch = z.input<typeof userSearchSchema>;

export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  telegramLinked: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
  disabled: boolean;
}

/** One page of accounts matching the search, oldest first, with the count of all matches. */
export async function searchUsers(
  s: Services,
  actor: OpsActor | null,
  input: UserSearch,
): Promise<{ users: UserRow[]; total: number; query: z.output<typeof userSearchSchema> }> {
  requireOpsActor(actor, { write: false });
  const f = userSearchSchema.parse(input);
  let q = s.db.selectFrom("users");
  if (f.role) q = q.where("role", "=", f.role);
  if (f.state) q = q.where("disabled_at", f.state === "disabled" ? "is not" : "is", null);
  if (f.telegram) q = q.where("telegram_chat_id", f.telegram === "linked" ? "is not" : "is", null);
  if (f.q) {
    const text = f.q.toLowerCase();
    const like = `%${text.replace(/[%_\\]/g, (c) => "\\" + c)}%`;
    const chatId = /^-?\d{1,15}$/.test(text) ? Number(text) : null;
    q = q.where((eb) =>
      eb.or([
        eb("username", "like", like),
        eb("email", "like", like),
        ...(chatId !== null ? [eb("telegram_chat_id", "=", chatId)] : []),
      ])
    );
  }
  const [rows, count] = await Promise.all([
    q.select([
      "id",
      "username",
      "email",
      "role",
      "telegram_chat_id",
      "created_at",
      "last_login_at",
      "disabled_at",
    ])
      .orderBy("created_at", "asc").orderBy("id", "asc")
      .limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    users: rows.map((r) => ({
      id: r.id,
      username: r.username,
      email: r.email,
      role: r.role,
      telegramLinked: r.telegram_chat_id !== null,
      createdAt: r.created_at,
      lastLoginAt: r.last_login_at,
      disabled: r.disabled_at !== null,
    })),
    total: Number(count.n),
    query: f,
  };
}

export interface UserCourseRow {
  slug: string;
  name: string;
  status: string;
  startedAt: Date | null;
  completedAt: Date | null;
  stepsDone: number;
}

export interface UserActivityRow {
  at: Date;
  course: string;
  step: string;
  status: string;
}

/** A user's courses with progress, and their latest step changes (newest first). */
export async function userCourses(
  s: Services,
  actor: OpsActor | null,
  userId: string,
): Promise<{ courses: UserCourseRow[]; activity: UserActivityRow[] }> {
  requireOpsActor(actor, { write: false });
  const [courses, activity] = await Promise.all([
    s.db.selectFrom("user_courses")
      .innerJoin("courses", "courses.id", "user_courses.course_id")
      .select([
        "courses.slug",
        "courses.name",
        "user_courses.status",
        "user_courses.started_at",
        "user_courses.completed_at",
      ])
      .select((eb) =>
        eb.selectFrom("user_steps")
          .innerJoin("user_trainings", "user_trainings.id", "user_steps.user_training_id")
          .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
          .select(eb.fn.countAll<number>().as("n"))
          .whereRef("day_on_course.course_id", "=", "user_courses.course_id")
          .where("user_steps.user_id", "=", userId)
          .where("user_steps.status", "=", "COMPLETED")
          .as("steps_done")
      )
      .where("user_courses.user_id", "=", userId)
      .orderBy("user_courses.created_at", "desc")
      .limit(100)
      .execute(),
    s.db.selectFrom("user_steps")
      .innerJoin("step_on_day", "step_on_day.id", "user_steps.step_on_day_id")
      .innerJoin("steps", "steps.id", "step_on_day.step_id")
      .innerJoin("user_trainings", "user_trainings.id", "user_steps.user_training_id")
      .innerJoin("day_on_course", "day_on_course.id", "user_trainings.day_on_course_id")
      .innerJoin("courses", "courses.id", "day_on_course.course_id")
      .select([
        "user_steps.updated_at",
        "user_steps.status",
        "steps.title",
        "courses.name as course",
      ])
      .where("user_steps.user_id", "=", userId)
      .orderBy("user_steps.updated_at", "desc")
      .limit(20)
      .execute(),
  ]);
  return {
    courses: courses.map((c) => ({
      slug: c.slug,
      name: c.name,
      status: c.status,
      startedAt: c.started_at,
      completedAt: c.completed_at,
      stepsDone: Number(c.steps_done ?? 0),
    })),
    activity: activity.map((a) => ({
      at: a.updated_at,
      course: a.course,
      step: a.title,
      status: a.status,
    })),
  };
}

/** The account has neither an email nor a linked Telegram chat (or is disabled): nothing to send to. */
export class NoResetChannelError extends AppError {
  constructor() {
    super(409, "no_channel", "admin.users.reset.noChannel", {
      message: "the account has no email or linked Telegram chat, or is disabled",
    });
    this.name = "NoResetChannelError";
  }
}

/**
 * Sends the user a password reset link (ADMIN): to their linked Telegram
 * chat when there is one, else to their email. Returns the channel only:
 * the admin never sees the link.
 */
export async function sendResetLink(
  s: Services,
  actor: OpsActor | null,
  usernameOrId: string,
): Promise<{ id: string; username: string; channel: ResetChannel }> {
  requireOpsActor(actor, { write: true });
  const id = await findId(s, usernameOrId);
  const row = await s.db.selectFrom("users").select("username").where("id", "=", id)
    .executeTakeFirstOrThrow();
  const account = await findAccount(s, row.username);
  if (!account || account.disabled_at !== null) throw new NoResetChannelError();
  const channel = resetChannels(s, account, "telegram")[0];
  if (!channel) throw new NoResetChannelError();
  await sendNewResetLink(s, account, channel);
  await recordAudit(s.db, actor, "user.reset_link", id, { username: row.username, channel });
  return { id, username: row.username, channel };
}
