/**
 * Favourite courses. Setting is idempotent (star twice = starred once), so a
 * double click or a retried request cannot flip the state by accident. Only
 * courses the user may see can be starred; anything else is "not found".
 */
import { z } from "zod";
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { requireUser } from "./auth/guards.ts";
import { requireCourse } from "./courses/access.ts";

export const favoriteInputSchema = z.object({
  favorite: z.boolean({ error: "validation.invalid" }),
});

/** Stars (`on`) or unstars a course for the acting user; returns the new state. */
export async function setFavorite(
  s: Services,
  actor: SessionUser | null,
  slug: string,
  on: boolean,
): Promise<{ slug: string; favorite: boolean }> {
  const user = requireUser(actor);
  const course = await requireCourse(s, slug, user);
  if (on) {
    await s.db.insertInto("favorites")
      .values({ user_id: user.id, course_id: course.id })
      .onConflict((oc) => oc.columns(["user_id", "course_id"]).doNothing())
      .execute();
  } else {
    await s.db.deleteFrom("favorites")
      .where("user_id", "=", user.id).where("course_id", "=", course.id)
      .execute();
  }
  return { slug: course.slug, favorite: on };
}

export async function isFavorite(
  s: Services,
  actor: SessionUser | null,
  slug: string,
): Promise<{ slug: string; favorite: boolean }> {
  const user = requireUser(actor);
  const course = await requireCourse(s, slug, user);
  const row = await s.db.selectFrom("favorites").select("course_id")
    .where("user_id", "=", user.id).where("course_id", "=", course.id).executeTakeFirst();
  return { slug: course.slug, favorite: row !== undefined };
}

/** The ids of the courses the user starred (the catalogue marks them). */
export async function favoriteCourseIds(s: Services, userId: string): Promise<Set<string>> {
  const rows = await s.db.selectFrom("favorites").select("course_id")
    .where("user_id", "=", userId).execute();
  return new Set(rows.map((r) => r.course_id));
}
