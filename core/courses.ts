/**
 * Reading courses: the catalogue (public courses for everyone, private ones
 * for the people allowed to see them), a learner's progress and favourites
 * on top of it, and a course's outline (days with step counts, estimated
 * minutes and the learner's day statuses). Shared data is cached and dropped
 * whenever content changes (`invalidateCourses`); per-user data never is.
 *
 * Access rule (the same for list, page and API): a course is visible when it
 * is published and PUBLIC; or published, PRIVATE, and the user has a
 * `course_access` row; or to its author and to staff (moderators, admins),
 * drafts included. Everyone else gets "not found", never a hint that it exists.
 */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { Services } from "./services.ts";
import { normalizeSearch } from "./search.ts";
import { renderMarkdown } from "./markdown.ts";
import { isStaff, NotFoundError } from "./auth/guards.ts";
import { registerMediaAccess } from "./media_access.ts";
import { isId } from "@/platform/ids.ts";
import { dayStatuses } from "./training/progress.ts";
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
  type ProgressStatus,
  RATING_FILTERS,
} from "./catalogue_filter.ts";
import type {
  CourseAccessKind,
  CourseLevel,
  Database,
  DayType,
  Role,
  StepType,
  TrainingStatus,
} from "@/db/schema.ts";

export const COURSES_TAG = "courses";
const CATALOGUE_TTL_MS = 60_000;

/** The app URL of a stored file (`/media/<key>`, which checks who may see it). */
export function mediaPath(key: string): string {
  return `/media/${key.split("/").map(encodeURIComponent).join("/")}`;
}

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

/** A course with its author's name and avatar: what every view of a course starts from. */
function courseWithAuthor(db: Kysely<Database>) {
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
    ])
    .where("c.archived_at", "is", null);
}

type CourseWithAuthorRow = Awaited<
  ReturnType<ReturnType<typeof courseWithAuthor>["execute"]>
>[number];

function courseSummary(r: CourseWithAuthorRow): CourseSummary {
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
    .where("c.published_at", "is not", null);
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

export interface Viewer {
  id: string;
  role: Role;
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

// ------------------------------------------------------------------ progress

export interface CourseProgress {
  status: ProgressStatus;
  /** Completed days with steps (days without steps have nothing to do). */
  completedDays: number;
  totalDays: number;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** 0..1 */
export function progressRatio(p: CourseProgress | null | undefined): number {
  return p && p.totalDays > 0 ? Math.min(1, p.completedDays / p.totalDays) : 0;
}

/**
 * The course's status as a learner sees it: what the progress engine recorded
 * in `user_courses`, else "under way" once they did something in this course
 * themselves (a shared day completed elsewhere alone does not start it).
 * RESET counts as under way.
 */
function courseStatus(recorded: TrainingStatus | undefined, ownActivity: boolean): ProgressStatus {
  if (recorded === "COMPLETED") return "COMPLETED";
  if (recorded === "IN_PROGRESS" || recorded === "RESET") return "IN_PROGRESS";
  return ownActivity ? "IN_PROGRESS" : "NOT_STARTED";
}

interface ProgressDetail {
  progress: CourseProgress;
  statuses: Map<string, TrainingStatus>;
}

/**
 * Progress in the courses a learner has touched (or in one course): courses
 * with a `user_courses` row, with a day opened, or containing a shared day
 * they completed elsewhere (it counts there too). Day statuses come from the
 * progress engine (`dayStatuses`), so the counts match the day pages.
 */
async function progressDetails(
  s: Services,
  userId: string,
  onlyCourseId?: string,
): Promise<Map<string, ProgressDetail>> {
  let recordedQ = s.db.selectFrom("user_courses")
    .select(["course_id", "status", "started_at", "completed_at"])
    .where("user_id", "=", userId);
  let touchedQ = s.db.selectFrom("user_trainings as ut")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .innerJoin("training_days as td", "td.id", "dc.day_id")
    .leftJoin(
      "day_on_course as other",
      (j) =>
        j.onRef("other.day_id", "=", "dc.day_id")
          .on("other.archived_at", "is", null)
          .on("td.share_progress_across_courses", "=", true)
          .on("ut.status", "=", "COMPLETED"),
    )
    .select([
      "dc.course_id",
      "other.course_id as shared_course_id",
      "ut.status",
      "ut.started_at",
      "ut.completed_at",
    ])
    .where("ut.user_id", "=", userId);
  if (onlyCourseId) {
    recordedQ = recordedQ.where("course_id", "=", onlyCourseId);
    touchedQ = touchedQ.where((eb) =>
      eb.or([eb("dc.course_id", "=", onlyCourseId), eb("other.course_id", "=", onlyCourseId)])
    );
  }
  const [recorded, touched] = await Promise.all([recordedQ.execute(), touchedQ.execute()]);
  const byCourse = new Map(recorded.map((r) => [r.course_id, r]));
  const courseIds = new Set<string>(byCourse.keys());
  // From the learner's own day rows: did they act here, and when did they start and finish.
  const own = new Map<string, { active: boolean; first: Date | null; last: Date | null }>();
  for (const r of touched) {
    courseIds.add(r.course_id);
    if (r.shared_course_id) courseIds.add(r.shared_course_id);
    const o = own.get(r.course_id) ?? { active: false, first: null, last: null };
    if (r.status !== "NOT_STARTED") o.active = true;
    if (r.started_at && (!o.first || r.started_at < o.first)) o.first = r.started_at;
    if (r.completed_at && (!o.last || r.completed_at > o.last)) o.last = r.completed_at;
    own.set(r.course_id, o);
  }
  if (onlyCourseId) {
    courseIds.clear();
    courseIds.add(onlyCourseId);
  }
  if (courseIds.size === 0) return new Map();

  // Days without steps have nothing to do and do not count (as in the progress engine).
  const totals = await s.db.selectFrom("day_on_course as dc")
    .select(["dc.course_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("dc.course_id", "in", [...courseIds])
    .where("dc.archived_at", "is", null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("step_on_day as sd").select(sql<number>`1`.as("one"))
          .whereRef("sd.day_id", "=", "dc.day_id").where("sd.archived_at", "is", null),
      )
    )
    .groupBy("dc.course_id")
    .execute();
  const totalOf = new Map(totals.map((r) => [r.course_id, Number(r.n)]));

  const out = new Map<string, ProgressDetail>();
  for (const courseId of courseIds) {
    const statuses = await dayStatuses(s, userId, courseId);
    let completed = 0;
    for (const st of statuses.values()) if (st === "COMPLETED") completed++;
    const rec = byCourse.get(courseId);
    const mine = own.get(courseId);
    const total = totalOf.get(courseId) ?? 0;
    const status = courseStatus(rec?.status, mine?.active ?? false);
    out.set(courseId, {
      statuses,
      progress: {
        status,
        completedDays: Math.min(completed, total),
        totalDays: total,
        startedAt: rec?.started_at ?? mine?.first ?? null,
        completedAt: status === "COMPLETED" ? rec?.completed_at ?? mine?.last ?? null : null,
      },
    });
  }
  return out;
}

/**
 * A fingerprint of everything day statuses depend on for this learner: their
 * day rows and course rows (ids and update times, which every write stamps).
 * Content changes drop the cache through `invalidateCourses` instead.
 */
async function progressStamp(s: Services, userId: string): Promise<string> {
  const { rows } = await sql<{ stamp: string | null }>`
    SELECT md5(
      coalesce((SELECT string_agg(id || ':' || status || ':' || updated_at::text, ',' ORDER BY id)
                FROM user_trainings WHERE user_id = ${userId}), '') || '|' ||
      coalesce((SELECT string_agg(course_id || ':' || status || ':' || updated_at::text, ',' ORDER BY course_id)
                FROM user_courses WHERE user_id = ${userId}), '')
    ) AS stamp
  `.execute(s.db);
  return rows[0]?.stamp ?? "";
}

/**
 * The learner's progress in every course they have touched, by course id.
 * Cached under a fingerprint of their progress rows, so the next page after
 * any step change recomputes it and repeat visits cost one small query.
 */
export async function learnerProgress(
  s: Services,
  userId: string,
): Promise<Map<string, CourseProgress>> {
  const stamp = await progressStamp(s, userId);
  return await s.cache.get(
    `progress:${userId}:${stamp}`,
    { ttlMs: CATALOGUE_TTL_MS, tags: [COURSES_TAG] },
    async () => {
      const details = await progressDetails(s, userId);
      return new Map([...details].map(([id, d]) => [id, d.progress]));
    },
  );
}

export async function favoriteCourseIds(s: Services, userId: string): Promise<Set<string>> {
  const rows = await s.db.selectFrom("favorites").select("course_id")
    .where("user_id", "=", userId).execute();
  return new Set(rows.map((r) => r.course_id));
}

// ----------------------------------------------------------------- catalogue

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

// ------------------------------------------------------------------- outline

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

export interface CourseOutline extends CourseSummary {
  description: string;
  /** The description rendered from Markdown and sanitized. */
  descriptionHtml: string;
  equipment: string;
  published: boolean;
  days: OutlineDay[];
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
  const c = await courseWithAuthor(s.db)
    .select("c.equipment")
    .where("c.slug", "=", slug)
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
    ...courseSummary(c),
    description: c.description,
    descriptionHtml: renderMarkdown(c.description),
    equipment: c.equipment,
    published: c.published_at !== null,
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

/** Like `courseOutline`, but a course the viewer may not see is a `NotFoundError`. */
export async function requireCourse(
  s: Services,
  slug: string,
  viewer: Viewer | null,
): Promise<CourseOutline> {
  const outline = await courseOutline(s, slug, viewer);
  if (!outline) throw new NotFoundError("course not found");
  return outline;
}

export async function canViewCourse(
  s: Services,
  course: { id: string; access: CourseAccessKind; published: boolean; authorId: string },
  viewer: Viewer | null,
): Promise<boolean> {
  if (viewer && (viewer.id === course.authorId || isStaff(viewer))) return true;
  if (!course.published) return false;
  if (course.access === "PUBLIC") return true;
  if (!viewer) return false;
  const row = await s.db.selectFrom("course_access").select(sql<number>`1`.as("one"))
    .where("course_id", "=", course.id).where("user_id", "=", viewer.id).executeTakeFirst();
  return row !== undefined;
}

// ------------------------------------------------- a learner's view of a course

export interface DayView extends OutlineDay {
  status: TrainingStatus;
  /** A summary day stays locked until every other day is completed. */
  locked: boolean;
}

/** Day URL inside the learner app. */
export function dayPath(slug: string, dayOnCourseId: string): string {
  return `/courses/${encodeURIComponent(slug)}/days/${encodeURIComponent(dayOnCourseId)}`;
}

/**
 * Statuses and locks for an outline's days, and the day to go to next: the
 * first unfinished day that is open (null when everything is done). A
 * summary day opens when every other day with steps is completed; the
 * progress engine's `locked` set is used when given.
 */
export function dayViews(
  days: OutlineDay[],
  statuses: Map<string, TrainingStatus> & { locked?: ReadonlySet<string> },
): { days: DayView[]; next: DayView | null; completed: number; total: number } {
  const statusOf = (d: OutlineDay) => statuses.get(d.dayOnCourseId) ?? "NOT_STARTED";
  const othersDone = days.every((d) =>
    d.type === "summary" || d.stepCount === 0 || statusOf(d) === "COMPLETED"
  );
  const views = days.map((d) => ({
    ...d,
    status: statusOf(d),
    locked: statuses.locked
      ? statuses.locked.has(d.dayOnCourseId)
      : d.type === "summary" && !othersDone,
  }));
  const work = views.filter((d) => d.stepCount > 0);
  const next = work.find((d) => d.status !== "COMPLETED" && !d.locked) ?? null;
  return {
    days: views,
    next,
    completed: work.filter((d) => d.status === "COMPLETED").length,
    total: work.length,
  };
}

export interface CourseView {
  course: CourseOutline;
  days: DayView[];
  next: DayView | null;
  /** Null for visitors. */
  progress: CourseProgress | null;
  favorite: boolean;
}

/** Everything the course page and the outline API show to this viewer. */
export async function courseView(
  s: Services,
  slug: string,
  viewer: Viewer | null,
): Promise<CourseView> {
  const course = await requireCourse(s, slug, viewer);
  if (!viewer) {
    const v = dayViews(course.days, new Map());
    return { course, days: v.days, next: v.next, progress: null, favorite: false };
  }
  const [details, fav] = await Promise.all([
    progressDetails(s, viewer.id, course.id),
    s.db.selectFrom("favorites").select("course_id")
      .where("user_id", "=", viewer.id).where("course_id", "=", course.id).executeTakeFirst(),
  ]);
  const detail = details.get(course.id);
  const v = dayViews(course.days, detail?.statuses ?? new Map());
  return {
    course,
    days: v.days,
    next: v.next,
    favorite: fav !== undefined,
    progress: {
      status: detail?.progress.status ?? "NOT_STARTED",
      completedDays: v.completed,
      totalDays: v.total,
      startedAt: detail?.progress.startedAt ?? null,
      completedAt: detail?.progress.completedAt ?? null,
    },
  };
}

/** Call after any change to courses, days or steps. */
export function invalidateCourses(s: Services) {
  s.cache.invalidate(COURSES_TAG);
}

/**
 * `courses/<courseId>/<file>` (logos, presentation images): whoever may view
 * the course — everyone for a published public course, people with access
 * for a private one, the author and staff always.
 */
registerMediaAccess("courses", async (s, viewer, parts) => {
  const courseId = parts[1];
  if (parts.length !== 3 || !isId(courseId)) return false;
  const c = await s.db.selectFrom("courses")
    .select(["id", "access", "published_at", "author_id"])
    .where("id", "=", courseId).where("archived_at", "is", null)
    .executeTakeFirst();
  if (!c) return false;
  return await canViewCourse(
    s,
    { id: c.id, access: c.access, published: c.published_at !== null, authorId: c.author_id },
    viewer,
  );
});
