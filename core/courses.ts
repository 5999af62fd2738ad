/**
 * Reading courses: the public catalogue and a course's outline (days with
 * step counts and estimated minutes). Shared data is cached and dropped
 * whenever content changes (`invalidateCourses`).
 */
import { sql } from "kysely";
import type { Services } from "./services.ts";
import { normalizeSearch } from "./search.ts";
import { renderMarkdown } from "./markdown.ts";
import type { CourseLevel, DayType, Role, StepType } from "../db/schema.ts";

export const COURSES_TAG = "courses";
const CATALOGUE_TTL_MS = 60_000;

export interface CatalogueCourse {
  id: string;
  slug: string;
  name: string;
  shortDescription: string;
  level: CourseLevel;
  duration: string | null;
  logoKey: string | null;
  avgRating: number | null;
  reviewCount: number;
  authorUsername: string;
  authorName: string;
  dayCount: number;
  createdAt: Date;
  /** Normalized text the search matches against (name, descriptions, author). */
  searchText: string;
}

/** Published public courses, newest first (cached). */
export function publicCatalogue(s: Services): Promise<CatalogueCourse[]> {
  return s.cache.get(
    "catalogue:public",
    { ttlMs: CATALOGUE_TTL_MS, tags: [COURSES_TAG] },
    async () => {
      const rows = await s.db
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
          "c.avg_rating",
          "c.review_count",
          "c.created_at",
          "u.username",
          "p.full_name",
          (eb) =>
            eb.selectFrom("day_on_course as d")
              .whereRef("d.course_id", "=", "c.id")
              .where("d.archived_at", "is", null)
              .select(eb.fn.countAll<number>().as("n"))
              .as("day_count"),
        ])
        .where("c.access", "=", "PUBLIC")
        .where("c.published_at", "is not", null)
        .where("c.archived_at", "is", null)
        .orderBy("c.created_at", "desc")
        .execute();
      return rows.map((r) => ({
        id: r.id,
        slug: r.slug,
        name: r.name,
        shortDescription: r.short_description,
        level: r.level,
        duration: r.duration,
        logoKey: r.logo_key,
        avgRating: r.avg_rating,
        reviewCount: r.review_count,
        authorUsername: r.username,
        authorName: r.full_name || r.username,
        dayCount: Number(r.day_count ?? 0),
        createdAt: r.created_at,
        searchText: normalizeSearch(
          [r.name, r.short_description, r.description, r.username, r.full_name ?? ""].join(" "),
        ),
      }));
    },
  );
}

export interface OutlineDay {
  dayOnCourseId: string;
  dayId: string;
  position: number;
  title: string;
  type: DayType;
  /** "Day N" number for regular days; null for introduction, summary, etc. */
  number: number | null;
  stepCount: number;
  trainingMinutes: number;
  theoryMinutes: number;
}

export interface CourseOutline {
  id: string;
  slug: string;
  name: string;
  shortDescription: string;
  description: string;
  /** The description rendered from Markdown and sanitized. */
  descriptionHtml: string;
  equipment: string;
  level: CourseLevel;
  duration: string | null;
  logoKey: string | null;
  access: "PUBLIC" | "PRIVATE";
  published: boolean;
  avgRating: number | null;
  reviewCount: number;
  authorId: string;
  authorUsername: string;
  authorName: string;
  days: OutlineDay[];
}

export interface Viewer {
  id: string;
  role: Role;
}

/** Minutes per day, as the original counts them: timers + practice vs theory + exams. */
export function dayMinutes(
  steps: { type: StepType; durationSec: number | null; estimatedSec: number | null }[],
) {
  let training = 0, theory = 0;
  for (const st of steps) {
    if (st.type === "TRAINING") training += st.durationSec ?? 0;
    else if (st.type === "PRACTICE") training += st.estimatedSec ?? 0;
    else if (st.type === "THEORY" || st.type === "EXAMINATION") theory += st.estimatedSec ?? 0;
  }
  return { trainingMinutes: Math.ceil(training / 60), theoryMinutes: Math.ceil(theory / 60) };
}

async function loadOutline(s: Services, slug: string): Promise<CourseOutline | null> {
  const c = await s.db
    .selectFrom("courses as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .leftJoin("user_profiles as p", "p.user_id", "u.id")
    .select([
      "c.id",
      "c.slug",
      "c.name",
      "c.short_description",
      "c.description",
      "c.equipment",
      "c.level",
      "c.duration",
      "c.logo_key",
      "c.access",
      "c.published_at",
      "c.avg_rating",
      "c.review_count",
      "c.author_id",
      "u.username",
      "p.full_name",
    ])
    .where("c.slug", "=", slug)
    .where("c.archived_at", "is", null)
    .executeTakeFirst();
  if (!c) return null;

  const rows = await s.db
    .selectFrom("day_on_course as dc")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .leftJoin(
      "step_on_day as sd",
      (j) => j.onRef("sd.day_id", "=", "d.id").on("sd.archived_at", "is", null),
    )
    .leftJoin("steps as st", "st.id", "sd.step_id")
    .select([
      "dc.id as dc_id",
      "dc.position",
      "d.id as day_id",
      "d.title",
      "d.type",
      "st.type as step_type",
      "st.duration_sec",
      "st.estimated_duration_sec",
    ])
    .where("dc.course_id", "=", c.id)
    .where("dc.archived_at", "is", null)
    .orderBy("dc.position")
    .orderBy("sd.position")
    .execute();

  const days: OutlineDay[] = [];
  const steps = new Map<
    string,
    { type: StepType; durationSec: number | null; estimatedSec: number | null }[]
  >();
  for (const r of rows) {
    let list = steps.get(r.dc_id);
    if (!list) {
      list = [];
      steps.set(r.dc_id, list);
      days.push({
        dayOnCourseId: r.dc_id,
        dayId: r.day_id,
        position: r.position,
        title: r.title,
        type: r.type,
        number: null,
        stepCount: 0,
        trainingMinutes: 0,
        theoryMinutes: 0,
      });
    }
    if (r.step_type) {
      list.push({
        type: r.step_type,
        durationSec: r.duration_sec,
        estimatedSec: r.estimated_duration_sec,
      });
    }
  }
  let n = 0;
  for (const d of days) {
    const list = steps.get(d.dayOnCourseId)!;
    d.stepCount = list.length;
    Object.assign(d, dayMinutes(list));
    if (d.type === "regular") d.number = ++n;
  }

  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    shortDescription: c.short_description,
    description: c.description,
    descriptionHtml: renderMarkdown(c.description),
    equipment: c.equipment,
    level: c.level,
    duration: c.duration,
    logoKey: c.logo_key,
    access: c.access,
    published: c.published_at !== null,
    avgRating: c.avg_rating,
    reviewCount: c.review_count,
    authorId: c.author_id,
    authorUsername: c.username,
    authorName: c.full_name || c.username,
    days,
  };
}

/**
 * The outline of a course if `viewer` may see it: published public courses
 * for everyone; private ones for people with access, the author and staff.
 */
export async function courseOutline(
  s: Services,
  slug: string,
  viewer: Viewer | null = null,
): Promise<CourseOutline | null> {
  const outline = await s.cache.get(
    `outline:${slug}`,
    { ttlMs: CATALOGUE_TTL_MS, tags: [COURSES_TAG] },
    () => loadOutline(s, slug),
  );
  if (!outline) return null;
  if (await canViewCourse(s, outline, viewer)) return outline;
  return null;
}

export async function canViewCourse(
  s: Services,
  course: { id: string; access: "PUBLIC" | "PRIVATE"; published: boolean; authorId: string },
  viewer: Viewer | null,
): Promise<boolean> {
  if (
    viewer &&
    (viewer.id === course.authorId || viewer.role === "ADMIN" || viewer.role === "MODERATOR")
  ) {
    return true;
  }
  if (!course.published) return false;
  if (course.access === "PUBLIC") return true;
  if (!viewer) return false;
  const row = await s.db.selectFrom("course_access").select(sql<number>`1`.as("one"))
    .where("course_id", "=", course.id).where("user_id", "=", viewer.id).executeTakeFirst();
  return row !== undefined;
}

/** Call after any change to courses, days or steps. */
export function invalidateCourses(s: Services) {
  s.cache.invalidate(COURSES_TAG);
}
