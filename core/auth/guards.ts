/**
 * Who may do what, decided in core/ so every entry point (pages, API, jobs,
 * bot, CLI) applies the same rules. http/errors.ts turns these errors into a
 * redirect to the login page, a 403 page or a JSON error.
 */
import type { Role } from "@/db/schema.ts";
import type { SessionUser } from "./session_user.ts";
import { AppError } from "../app_error.ts";

/** No session where one is needed (→ login). */
export class UnauthenticatedError extends AppError {
  constructor() {
    super(401, "unauthenticated", "error.401.text", { message: "authentication required" });
    this.name = "UnauthenticatedError";
  }
}

/** A session without the right (→ 403). */
export class ForbiddenError extends AppError {
  constructor(message = "forbidden") {
    super(403, "forbidden", "error.403.text", { message });
    this.name = "ForbiddenError";
  }
}

/**
 * Something that does not exist *for this user* (another user's pet, a
 * private course without access): answered as 404 so its existence is not
 * revealed.
 */
export class NotFoundError extends AppError {
  constructor(message = "not found") {
    super(404, "not_found", "error.404.text", { message });
    this.name = "NotFoundError";
  }
}

export const STUDIO_ROLES: readonly Role[] = ["TRAINER", "MODERATOR", "ADMIN"];
export const STAFF_ROLES: readonly Role[] = ["MODERATOR", "ADMIN"];

/** Moderators and admins: they see everything and may moderate. */
export function isStaff(user: { role: Role } | null | undefined): boolean {
  return !!user && STAFF_ROLES.includes(user.role);
}

export function requireUser(user: SessionUser | null): SessionUser {
  if (!user) throw new UnauthenticatedError();
  return user;
}

export function requireRole(user: SessionUser | null, roles: readonly Role[]): SessionUser {
  const u = requireUser(user);
  if (!roles.includes(u.role)) throw new ForbiddenError();
  return u;
}

/** Trainer studio: trainers, moderators and admins. */
export function requireStudio(user: SessionUser | null): SessionUser {
  return requireRole(user, STUDIO_ROLES);
}

/** Ops console: admins may act; moderators may only look (`write: false`). */
export function requireOps(user: SessionUser | null, opts: { write: boolean }): SessionUser {
  return requireRole(user, opts.write ? ["ADMIN"] : STAFF_ROLES);
}

/** Staff see and edit every trainer's content; a trainer only their own. */
export function canEditContent(user: SessionUser, authorId: string): boolean {
  return user.id === authorId || isStaff(user);
}

// ------------------------------------------------------------ who acts

/** The command line and internal callers act as the system (no user to blame or check). */
export const SYSTEM = Object.freeze({ system: true as const });
export type OpsActor = SessionUser | typeof SYSTEM;

/** Ops rule: admins act, moderators look; the system does both. Returns the user id to record. */
export function requireOpsActor(actor: OpsActor | null, opts: { write: boolean }): string | null {
  if (actor && "system" in actor) return null;
  return requireOps(actor, opts).id;
}
