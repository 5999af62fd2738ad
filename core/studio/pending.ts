/**
 * The header badge of the studio: how many exams wait for this reviewer
 * (the author's courses; staff: all). Read on every page a trainer opens, so
 * it is one COUNT kept for a few seconds in `services.cache`, dropped by
 * every submission and review (`pendingExamsChanged`). Kept apart from
 * core/studio/exams.ts so core/training/exams.ts can drop it without an
 * import circle.
 */
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff, STUDIO_ROLES } from "../auth/guards.ts";

const TAG = "studio:exams:pending";
const TTL_MS = 10_000;

/** A submission or a review happened: every reviewer's count is recomputed. */
export function pendingExamsChanged(s: Services): void {
  s.cache.invalidate(TAG);
}

/** Pending exams `user` may review; null for someone outside the studio. */
export async function pendingExamCount(
  s: Services,
  user: Pick<SessionUser, "id" | "role">,
): Promise<number | null> {
  if (!STUDIO_ROLES.includes(user.role)) return null;
  const staff = isStaff(user);
  return await s.cache.get(
    staff ? `${TAG}:all` : `${TAG}:${user.id}`,
    { ttlMs: TTL_MS, tags: [TAG] },
    async () => {
      let q = s.db.selectFrom("exam_results as er")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("er.status", "=", "PENDING");
      if (!staff) {
        q = q.innerJoin("courses as c", "c.id", "er.course_id")
          .where("c.author_id", "=", user.id);
      }
      return Number((await q.executeTakeFirstOrThrow()).n);
    },
  );
}
