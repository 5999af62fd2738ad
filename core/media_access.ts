/**
 * Who may read a stored file, decided by the first segment of its key.
 *
 * `/media/<key>` asks `canReadMedia`; a key whose prefix has no rule is
 * refused (answered as 404, like a missing file), so a new kind of file is
 * private until its owner area registers a rule here. Areas add theirs with
 * `registerMediaAccess("courses", rule)` at import time of their core module
 * (or by adding a line to `RULES` below).
 *
 * Rules get the key's segments and the viewer (null for visitors) and
 * answer true only when that viewer may see the file.
 */
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { isStaff } from "./auth/guards.ts";
import { isValidKey } from "./storage/mod.ts";

export type MediaAccessRule = (
  s: Services,
  viewer: SessionUser | null,
  /** The key split at "/", the prefix included: `["users", "<id>", "avatar", "x.png"]`. */
  parts: string[],
) => Promise<boolean>;

/**
 * `users/<userId>/avatar/<file>` and `users/<userId>/pets/<petId>/<file>`:
 * the owner, staff, and everyone when the owner's profile is public (a pet
 * photo only while the pet still belongs to that user). An avatar is also
 * public while its owner authors a published public course (the catalogue
 * shows authors with their avatars).
 */
const userFiles: MediaAccessRule = async (s, viewer, parts) => {
  const [, userId, kind] = parts;
  const pet = kind === "pets" && parts.length === 5 ? parts[3] : null;
  if (!(kind === "avatar" && parts.length === 4) && !pet) return false;
  if (viewer?.id === userId || isStaff(viewer)) return true;
  const profile = await s.db.selectFrom("user_profiles")
    .innerJoin("users", "users.id", "user_profiles.user_id")
    .select("user_profiles.is_public")
    .where("user_profiles.user_id", "=", userId)
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  if (!pet) {
    if (profile?.is_public) return true;
    // The catalogue shows each course's author with their avatar.
    const course = await s.db.selectFrom("courses").select("id")
      .where("author_id", "=", userId).where("access", "=", "PUBLIC")
      .where("published_at", "is not", null).where("archived_at", "is", null)
      .limit(1).executeTakeFirst();
    return !!course;
  }
  if (!profile?.is_public) return false;
  const row = await s.db.selectFrom("pets").select("id")
    .where("id", "=", pet).where("owner_id", "=", userId).executeTakeFirst();
  return !!row;
};

/**
 * `exams/<userId>/<userStepId>/<file>`: the learner who sent it, staff, and
 * the author of the course the answer belongs to.
 */
const examFiles: MediaAccessRule = async (s, viewer, parts) => {
  if (!viewer || parts.length !== 4) return false;
  const [, userId, userStepId] = parts;
  if (viewer.id === userId || isStaff(viewer)) return true;
  const row = await s.db.selectFrom("exam_results")
    .innerJoin("courses", "courses.id", "exam_results.course_id")
    .select("courses.author_id")
    .where("exam_results.user_step_id", "=", userStepId)
    .where("exam_results.user_id", "=", userId)
    .executeTakeFirst();
  return row?.author_id === viewer.id;
};

const RULES = new Map<string, MediaAccessRule>([
  ["users", userFiles],
  ["exams", examFiles],
]);

/** Sets (or replaces) the rule for keys starting with `<prefix>/`. */
export function registerMediaAccess(prefix: string, rule: MediaAccessRule): void {
  if (!/^[a-z0-9-]+$/.test(prefix)) throw new Error(`bad media prefix: ${prefix}`);
  RULES.set(prefix, rule);
}

/** True when `viewer` may read the file at `key` (whether or not it exists). */
export async function canReadMedia(
  s: Services,
  viewer: SessionUser | null,
  key: string,
): Promise<boolean> {
  if (!isValidKey(key)) return false;
  const parts = key.split("/");
  const rule = RULES.get(parts[0]);
  if (!rule || parts.length < 2) return false;
  return await rule(s, viewer, parts);
}
