/**
 * What every view of a course starts from: the course row with its author's
 * name and avatar, and the summary the catalogue card and the outline both
 * show. Archived courses are never read.
 */
import type { Kysely } from "kysely";
import type { CourseAccessKind, CourseLevel, Database } from "@/db/schema.ts";

/** What the catalogue card and the course outline both show of a course and its author. */
export interface CourseSummary {
  id: string;
  slug: string;
  name: string;
  shortDescription: string;
  level: CourseLevel;
  duration: string | null;
  logoKey: string | null;
  access: CourseAccessKind;
  avgRating: number | null;
  reviewCount: number;
  authorId: string;
  authorUsername: string;
  authorName: string;
  authorAvatarKey: string | null;
}

/**
 * A course with its author's name and avatar: what every view of a course
 * starts from. Archived courses are included (their followers still open
 * them, `canViewCourse`); lists leave them out themselves.
 */
export function courseWithAuthor(db: Kysely<Database>) {
  return db
    .selectFrom("courses as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .leftJoin("user_profiles as p", "p.user_id", "u.id")
    .select([
      "c.id",
      "c.slug",
      "c.name",
      "c.short_description",
      "c.description",
      "c.level",
      "c.duration",
      "c.logo_key",
      "c.access",
      "c.avg_rating",
      "c.review_count",
      "c.published_at",
      "c.author_id",
      "u.username",
      "p.full_name",
      "p.avatar_key",
      "c.archived_at",
    ]);
}

export type CourseWithAuthorRow = Awaited<
  ReturnType<ReturnType<typeof courseWithAuthor>["execute"]>
>[number];

export function courseSummary(r: CourseWithAuthorRow): CourseSummary {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    shortDescription: r.short_description,
    level: r.level,
    duration: r.duration,
    logoKey: r.logo_key,
    access: r.access,
    avgRating: r.avg_rating,
    reviewCount: r.review_count,
    authorId: r.author_id,
    authorUsername: r.username,
    authorName: r.full_name || r.username,
    authorAvatarKey: r.avatar_key,
  };
}
