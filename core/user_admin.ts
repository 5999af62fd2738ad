/**
 * Managing other people's accounts (admin CLI, later the ops users page):
 * look one up, change the role, disable or enable, delete. Reading needs the
 * ops read right; changes need ADMIN (or the command line, acting as SYSTEM).
 * Nobody changes their own role or status here: that would be a way to lock
 * the last admin out by mistake.
 */
import { z } from "zod";
import type { Services } from "./services.ts";
import type { Role } from "@/db/schema.ts";
import { type OpsActor, requireOpsActor } from "./auth/guards.ts";
import { ForbiddenError, NotFoundError } from "./auth/guards.ts";
import { bumpSessionVersion } from "./auth/session.ts";
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
    await s.db.updateTable("users").set({ role: newRole }).where("id", "=", id).execute();
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
  const row = await s.db.updateTable("users")
    .set({ disabled_at: disabled ? new Date() : null })
    .where("id", "=", id)
    .where("disabled_at", disabled ? "is" : "is not", null)
    .returning("username")
    .executeTakeFirst();
  if (row && disabled) await bumpSessionVersion(s, id);
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
  log.info("user deleted", { userId: id, filesDeleted, by: by ?? "system" });
  return { id, username: row.username, filesDeleted };
}
