/**
 * Users as data: creating accounts (with the password policy), listing them
 * for admins. Registration, login and sessions build on these in core/auth.
 */
import { z } from "zod";
import type { Services } from "./services.ts";
import type { Transaction } from "kysely";
import { type Database, type Role, ROLES } from "@/db/schema.ts";
import { hashPassword } from "./auth/password.ts";
import { newId } from "@/platform/ids.ts";
import { isUniqueViolation } from "@/db/connection.ts";
import { invalidateCourses } from "./courses/cache.ts";
import { recomputeRating } from "./reviews.ts";
import { log } from "@/platform/log.ts";
import { AppError } from "./app_error.ts";

export const usernameSchema = z.string().trim().toLowerCase()
  .regex(/^[a-z0-9_]{3,32}$/, { error: "validation.username" });

export const passwordSchema = z.string()
  .min(8, { error: "validation.password" })
  .max(100, { error: "validation.password" })
  .refine((p) => /[a-zа-яё]/.test(p) && /[A-ZА-ЯЁ]/.test(p) && /\d/.test(p), {
    error: "validation.password",
  });

export const emailSchema = z.string().trim().toLowerCase().max(254)
  .email({ error: "validation.email" });

export const roleSchema = z.enum(ROLES as [Role, ...Role[]], { error: "validation.role" });

export const newUserSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  email: emailSchema.optional(),
  role: roleSchema.default("USER"),
  locale: z.enum(["ru", "en"]).default("ru"),
});

export type NewUserInput = z.input<typeof newUserSchema>;

export class UserExistsError extends AppError {
  /**
   * One message for a taken username and a taken email (no enumeration),
   * except where only the username can be taken (renaming a signed-in account).
   */
  constructor(only?: "username") {
    super(422, "taken", "validation.taken", {
      fields: only ? { username: "auth.username.taken" } : { _form: "validation.taken" },
      message: only ? "username is taken" : "username or email is taken",
    });
    this.name = "UserExistsError";
  }
}

/**
 * Creates a user with a profile. Throws a ZodError for bad input and
 * `UserExistsError` when the username or email is taken (callers show one
 * neutral message, so accounts cannot be enumerated). `opts.public` sets the
 * profile's visibility; `opts.within` writes more rows in the same
 * transaction (registration's consents), so the account never exists without them.
 */
export async function createUser(
  s: Services,
  input: NewUserInput,
  opts: {
    public?: boolean;
    within?: (trx: Transaction<Database>, userId: string) => Promise<void>;
  } = {},
): Promise<{ id: string; username: string; role: Role; sessionVersion: number }> {
  const data = newUserSchema.parse(input);
  // Hashed before the insert whether or not the name is free: the answer takes as long either way.
  const passwordHash = await hashPassword(data.password);
  const id = newId();
  let sessionVersion: number;
  try {
    sessionVersion = await s.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto("users").values({
        id,
        username: data.username,
        email: data.email ?? null,
        password_hash: passwordHash,
        role: data.role,
        locale: data.locale,
      }).returning("session_version").executeTakeFirstOrThrow();
      await tx.insertInto("user_profiles").values({ user_id: id, is_public: opts.public ?? false })
        .execute();
      await opts.within?.(tx, id);
      return row.session_version;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new UserExistsError();
    throw err;
  }
  return { id, username: data.username, role: data.role, sessionVersion };
}

export interface UserListItem {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  createdAt: Date;
  lastLoginAt: Date | null;
  disabled: boolean;
}

export async function listUsers(
  s: Services,
  opts: { role?: Role; search?: string; limit?: number; offset?: number } = {},
): Promise<UserListItem[]> {
  let q = s.db.selectFrom("users")
    .select(["id", "username", "email", "role", "created_at", "last_login_at", "disabled_at"])
    .orderBy("created_at", "asc")
    .limit(opts.limit ?? 1000)
    .offset(opts.offset ?? 0);
  if (opts.role) q = q.where("role", "=", opts.role);
  if (opts.search) {
    const like = `%${opts.search.toLowerCase().replace(/[%_\\]/g, (c) => "\\" + c)}%`;
    q = q.where((eb) => eb.or([eb("username", "like", like), eb("email", "like", like)]));
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    email: r.email,
    role: r.role,
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
    disabled: r.disabled_at !== null,
  }));
}

/**
 * Deletes a user and everything that is theirs: rows by CASCADE in one
 * transaction (the ratings of courses they reviewed are recomputed in it),
 * then their stored files by prefix. Throws the database's RESTRICT error
 * when the user authors content (callers say so in their own words).
 *
 * A file failure is logged, not thrown: the account is gone and must not come
 * back; the files have random names and the maintenance sweep removes them.
 */
export async function eraseUser(s: Services, userId: string): Promise<{ filesDeleted: number }> {
  await s.db.transaction().execute(async (trx) => {
    const reviewed = await trx.selectFrom("course_reviews").select("course_id")
      .where("user_id", "=", userId).execute();
    await trx.deleteFrom("users").where("id", "=", userId).execute();
    for (const { course_id } of reviewed) await recomputeRating(trx, course_id);
  });
  invalidateCourses(s);
  let filesDeleted = 0;
  for (const prefix of [`users/${userId}/`, `exams/${userId}/`]) {
    try {
      filesDeleted += await s.storage.deletePrefix(prefix);
    } catch (err) {
      log.error("user deleted but some files were not", { userId, prefix, err });
    }
  }
  return { filesDeleted };
}
