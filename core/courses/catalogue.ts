/**
 * The catalogue: public courses for everyone (cached, the same list for all),
 * private ones for the people allowed to see them (the rule of `./access.ts`,
 * applied in SQL), with a learner's progress and favourites on top; and its
 * query string, tabs, filters and sort orders (the rules themselves are in
 * `./filter.ts`, shared with the browser).
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Services } from "../services.ts";
import { isStaff } from "../auth/guards.ts";
import { favoriteCourseIds } from "../favorites.ts";
import { normalizeSearch } from "./search.ts";
import { CATALOGUE_TTL_MS, COURSES_TAG } from "./cache.ts";
import { type CourseSummary, courseSummary, courseWithAuthor } from "./summary.ts";
import type { Viewer } from "./access.ts";
import { type CourseProgress, learnerProgress, progressRatio } from "./progress.ts";
import {
  CATALOGUE_LEVELS,
  CATALOGUE_SORTS,
  CATALOGUE_TABS,
  catalogueCollator,
  type CatalogueFilters,
  type CatalogueTab,
  courseComparator,
  type FilterableCourse,
  matchesFilters,
  PROGRESS_FILTERS,
  RATING_FILTERS,
} from "./filter.ts";
import type { Database } from "@/db/schema.ts";

export interface CatalogueCourse extends CourseSummary {
  dayCount: number;
  createdAt: Date;
  publishedAt: Date;
  /**
   * Normalized words the search matches against (name, descriptions, author),
   * each once: the same matches as the full text, at a fraction of the size
   * the cards carry to the browser.
   */
  searchText: string;
}

/** Distinct normalized words; a query word (no spaces) matches here iff it matches the text. */
export function searchWords(parts: (string | null | undefined)[]): string {
  const words = normalizeSearch(parts.filter(Boolean).join(" ")).split(" ");
  return [...new Set(words)].join(" ");
}

function catalogueSelect(db: Kysely<Database>) {
  return courseWithAuthor(db)
    .select([
      "c.created_at",
      (eb) =>
        eb.selectFrom("day_on_course as d")
          .whereRef("d.course_id", "=", "c.id")
          .where("d.archived_at", "is", null)
          .select(eb.fn.countAll<number>().as("n"))
          .as("day_count"),
    ])
    .where("c.published_at", "is not", null)
    .where("c.archived_at", "is", null);
}

type CatalogueRow = Awaited<ReturnType<ReturnType<typeof catalogueSelect>["execute"]>>[number];

function toCatalogueCourse(r: CatalogueRow): CatalogueCourse {
  return {
    ...courseSummary(r),
    dayCount: Number(r.day_count ?? 0),
    createdAt: r.created_at,
    publishedAt: r.published_at ?? r.created_at,
    searchText: searchWords([
      r.name,
      r.short_description,
      r.description,
      r.username,
      r.full_name,
    ]),
  };
}

/** Published public courses, newest first (cached; the same for everyone). */
export function publicCatalogue(s: Services): Promise<CatalogueCourse[]> {
  return s.cache.get(
    "catalogue:public",
    { ttlMs: CATALOGUE_TTL_MS, tags: [COURSES_TAG] },
    async () => {
      const rows = await catalogueSelect(s.db)
        .where("c.access", "=", "PUBLIC")
        .orderBy("c.published_at", "desc")
        .execute();
      return rows.map(toCatalogueCourse);
    },
  );
}

/** Published private courses this viewer may see (access row, authorship or staff). */
async function privateCatalogue(s: Services, viewer: Viewer): Promise<CatalogueCourse[]> {
  let q = catalogueSelect(s.db).where("c.access", "=", "PRIVATE");
  if (!isStaff(viewer)) {
    q = q.where((eb) =>
      eb.or([
        eb("c.author_id", "=", viewer.id),
        eb.exists(
          eb.selectFrom("course_access as a").select(sql<number>`1`.as("one"))
            .whereRef("a.course_id", "=", "c.id").where("a.user_id", "=", viewer.id),
        ),
      ])
    );
  }
  return (await q.execute()).map(toCatalogueCourse);
}

/** Every published course the viewer may see: the cached public list plus their private ones. */
export async function visibleCatalogue(
  s: Services,
  viewer: Viewer | null,
): Promise<CatalogueCourse[]> {
  const pub = await publicCatalogue(s);
  if (!viewer) return pub;
  const priv = await privateCatalogue(s, viewer);
  if (priv.length === 0) return pub;
  return [...pub, ...priv].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime());
}

export interface CatalogueEntry {
  course: CatalogueCourse;
  /** Null for visitors. */
  progress: CourseProgress | null;
  favorite: boolean;
  /** The fields filters and sorts look at (also written to the card's data-*). */
  filterable: FilterableCourse;
}

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

/** The catalogue's query string. Unknown values are a 400 in the API; pages drop them. */
export const catalogueQuerySchema = z.object({
  tab: z.preprocess(emptyToUndefined, z.enum(CATALOGUE_TABS).default("all")),
  q: z.preprocess(emptyToUndefined, z.string().trim().max(100).default("")),
  level: z.preprocess(emptyToUndefined, z.enum(CATALOGUE_LEVELS).optional()),
  status: z.preprocess(emptyToUndefined, z.enum(PROGRESS_FILTERS).optional()),
  rating: z.preprocess(emptyToUndefined, z.enum(RATING_FILTERS).optional()),
  sort: z.preprocess(emptyToUndefined, z.enum(CATALOGUE_SORTS).default("newest")),
});

export interface CatalogueQuery {
  tab: CatalogueTab;
  filters: CatalogueFilters;
}

function toQuery(v: z.output<typeof catalogueQuerySchema>): CatalogueQuery {
  return {
    tab: v.tab,
    filters: {
      q: v.q,
      level: v.level ?? "",
      status: v.status ?? "",
      rating: v.rating ?? "",
      sort: v.sort,
    },
  };
}

/** Strict: throws a ZodError naming the bad parameter (the API answers 400). */
export function parseCatalogueQuery(params: URLSearchParams): CatalogueQuery {
  return toQuery(catalogueQuerySchema.parse(Object.fromEntries(params)));
}

/** Lenient, for pages: a bad value (an edited URL) falls back to its default. */
export function readCatalogueQuery(params: URLSearchParams): CatalogueQuery {
  const raw: Record<string, string> = Object.fromEntries(params);
  const shape = catalogueQuerySchema.shape;
  const clean: Record<string, unknown> = {};
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const r = shape[key].safeParse(raw[key]);
    clean[key] = r.success ? r.data : undefined;
  }
  if (typeof raw.q === "string" && clean.q === undefined) clean.q = raw.q.trim().slice(0, 100);
  return toQuery(catalogueQuerySchema.parse(clean));
}

/**
 * The catalogue for one viewer: every visible course with their progress and
 * favourite flag. Visitors get the shared cached list and nothing per-user.
 */
export async function catalogueFor(
  s: Services,
  viewer: Viewer | null,
): Promise<CatalogueEntry[]> {
  const [courses, progress, favorites] = await Promise.all([
    visibleCatalogue(s, viewer),
    viewer ? learnerProgress(s, viewer.id) : Promise.resolve(new Map<string, CourseProgress>()),
    viewer ? favoriteCourseIds(s, viewer.id) : Promise.resolve(new Set<string>()),
  ]);
  return courses.map((course) => {
    const p = viewer ? progress.get(course.id) ?? null : null;
    return {
      course,
      progress: p,
      favorite: favorites.has(course.id),
      filterable: {
        searchText: course.searchText,
        level: course.level,
        avgRating: course.avgRating,
        reviewCount: course.reviewCount,
        status: p?.status ?? "NOT_STARTED",
        progress: progressRatio(p),
        name: course.name,
        published: course.publishedAt.getTime(),
      },
    };
  });
}

export function inTab(e: CatalogueEntry, tab: CatalogueTab): boolean {
  if (tab === "favorites") return e.favorite;
  if (tab === "progress") return e.progress?.status === "IN_PROGRESS";
  return true;
}

export interface CatalogueView {
  /** The tab's courses in the chosen order; `match` is false for the ones filters hide. */
  items: { entry: CatalogueEntry; match: boolean }[];
  matches: number;
  counts: Record<CatalogueTab, number>;
}

/** Applies a tab, filters and a sort to the viewer's catalogue. */
export function viewCatalogue(
  entries: CatalogueEntry[],
  query: CatalogueQuery,
  locale: string,
): CatalogueView {
  const counts = { all: 0, progress: 0, favorites: 0 } as Record<CatalogueTab, number>;
  for (const e of entries) {
    for (const tab of CATALOGUE_TABS) if (inTab(e, tab)) counts[tab]++;
  }
  const compare = courseComparator(query.filters.sort, catalogueCollator(locale));
  const items = entries
    .filter((e) => inTab(e, query.tab))
    .sort((a, b) => compare(a.filterable, b.filterable))
    .map((entry) => ({ entry, match: matchesFilters(entry.filterable, query.filters) }));
  return { items, matches: items.filter((i) => i.match).length, counts };
}
