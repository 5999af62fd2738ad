/**
 * Course authoring in the trainer studio: list, read, create and change
 * courses, their ordered list of days (add, move up/down, remove), and
 * publishing.
 *
 * A TRAINER works on their own courses and adds only their own days; anyone
 * else's course or day answers `NotFoundError` (404). MODERATOR and ADMIN see
 * and change every course. A learner never gets here (`requireStudio`, 403).
 *
 * A new course is a draft (`published_at` NULL): the catalogue and the
 * course page (`core/courses/access.ts`) hide it from learners. Publishing
 * checks that the course is complete (`courseProblems`) and lists what is
 * missing otherwise. The slug is made from the name by transliteration, is
 * unique, and may change only while the course is a draft (published links
 * must keep working). Every change drops the course caches.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff, NotFoundError, requireStudio } from "../auth/guards.ts";
import { AppError, type FieldMessage } from "../app_error.ts";
import type { Translator } from "../i18n/mod.ts";
import { isId, newId } from "@/platform/ids.ts";
import { COURSE_LEVELS, type CourseAccessKind, type CourseLevel } from "@/db/schema.ts";
import { line, paragraph } from "../fields.ts";
import { invalidateCourses } from "../courses/cache.ts";
import { appendLink, moveLink, removeLink } from "./order.ts";
import { checkbox } from "./days.ts";
import { assertUsableVideo } from "../video/library.ts";

// --------------------------------------------------------------- slugs

const TRANSLIT: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  д: "d",
  е: "e",
  ё: "e",
  ж: "zh",
  з: "z",
  и: "i",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
};

export const SLUG_MAX = 64;
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A URL slug from a (Russian or English) name: "Щенок: основы" → "shchenok-osnovy". */
export function slugify(name: string): string {
  const latin = [...name.toLowerCase()].map((c) => TRANSLIT[c] ?? c).join("");
  const slug = latin.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug.slice(0, SLUG_MAX).replace(/-+$/, "") || "course";
}

async function slugTaken(s: Services, slug: string, exceptId?: string): Promise<boolean> {
  let sel = s.db.selectFrom("courses").select("id").where("slug", "=", slug);
  if (exceptId) sel = sel.where("id", "<>", exceptId);
  return (await sel.executeTakeFirst()) !== undefined;
}

/** `base`, or `base-2`, `base-3` … whichever is free. */
async function freeSlug(s: Services, base: string): Promise<string> {
  if (!(await slugTaken(s, base))) return base;
  for (let n = 2;; n++) {
    const tail = `-${n}`;
    const candidate = base.slice(0, SLUG_MAX - tail.length).replace(/-+$/, "") + tail;
    if (!(await slugTaken(s, candidate))) return candidate;
  }
}

// ------------------------------------------------------------- validation

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && !v.trim());
const optionalText = (max: number) => z.preprocess((v) => (blank(v) ? "" : v), paragraph(max));

export const courseSchema = z.object({
  name: line(120).pipe(
    z.string().min(3, { error: "studio.build.validation.name" }).max(120, {
      error: "studio.build.validation.name",
    }),
  ),
  slug: z.preprocess(
    (v) => (blank(v) ? undefined : typeof v === "string" ? v.trim().toLowerCase() : v),
    z.string({ error: "studio.build.validation.slug" }).max(SLUG_MAX, {
      error: "studio.build.validation.slug",
    }).regex(SLUG_PATTERN, { error: "studio.build.validation.slug" }).optional(),
  ),
  shortDescription: z.preprocess(
    (v) => (blank(v) ? "" : v),
    line(300).pipe(z.string().max(300, { error: "studio.build.validation.short" })),
  ),
  description: optionalText(20000),
  level: z.enum(COURSE_LEVELS as [CourseLevel, ...CourseLevel[]], {
    error: "studio.build.validation.level",
  }),
  duration: z.preprocess(
    (v) => (blank(v) ? "" : v),
    line(60).pipe(z.string().max(60, { error: "studio.build.validation.duration" })),
  ),
  equipment: optionalText(2000),
  access: z.enum(["PUBLIC", "PRIVATE"], { error: "studio.build.validation.access" }),
  showInProfile: checkbox,
  personalised: checkbox,
  // Presentation video from the library: blank → none; a form without the field keeps it.
  videoId: z.preprocess(
    (v) => (v === undefined ? undefined : blank(v) ? null : typeof v === "string" ? v.trim() : v),
    z.string({ error: "studio.videos.pick.invalid" }).max(64, {
      error: "studio.videos.pick.invalid",
    }).nullable().optional(),
  ),
});
export type CourseInput = z.output<typeof courseSchema>;

export const COURSE_FORM_FIELDS = [
  "name",
  "slug",
  "shortDescription",
  "description",
  "level",
  "duration",
  "equipment",
  "access",
  "showInProfile",
  "personalised",
  "videoId",
] as const;
export type CourseFormField = typeof COURSE_FORM_FIELDS[number];

function slugError(
  key: "studio.build.validation.slugTaken" | "studio.build.validation.slugLocked",
) {
  return new AppError(
    422,
    key === "studio.build.validation.slugTaken" ? "slug_taken" : "slug_locked",
    key,
    {
      fields: { slug: key },
    },
  );
}

// ------------------------------------------------------------------ views

export interface CourseDayLink {
  linkId: string;
  dayId: string;
  title: string;
  stepCount: number;
}

export interface StudioCourse {
  id: string;
  name: string;
  slug: string;
  shortDescription: string;
  description: string;
  level: CourseLevel;
  duration: string;
  equipment: string;
  access: CourseAccessKind;
  showInProfile: boolean;
  personalised: boolean;
  /** Presentation video from the library. */
  videoId: string | null;
  published: boolean;
  authorId: string;
  authorName: string;
  days: CourseDayLink[];
}

export function courseFormValues(c: StudioCourse): Record<CourseFormField, string> {
  return {
    name: c.name,
    slug: c.slug,
    shortDescription: c.shortDescription,
    description: c.description,
    level: c.level,
    duration: c.duration,
    equipment: c.equipment,
    access: c.access,
    showInProfile: c.showInProfile ? "on" : "",
    personalised: c.personalised ? "on" : "",
    videoId: c.videoId ?? "",
  };
}

export interface CourseListItem {
  id: string;
  name: string;
  slug: string;
  published: boolean;
  access: CourseAccessKind;
  authorName: string;
  dayCount: number;
}

/** The trainer's courses (staff: everyone's), not archived, recently changed first. */
export async function listCourses(
  s: Services,
  viewer: SessionUser | null,
): Promise<CourseListItem[]> {
  const user = requireStudio(viewer);
  let sel = s.db.selectFrom("courses as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .select([
      "c.id",
      "c.name",
      "c.slug",
      "c.published_at",
      "c.access",
      "u.username as author_name",
      (eb) =>
        eb.selectFrom("day_on_course as doc").whereRef("doc.course_id", "=", "c.id")
          .where("doc.archived_at", "is", null)
          .select(sql<number>`count(*)::int`.as("n")).as("day_count"),
    ])
    .where("c.archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("c.author_id", "=", user.id);
  const rows = await sel.orderBy("c.updated_at", "desc").orderBy("c.id").limit(500).execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    published: r.published_at !== null,
    access: r.access,
    authorName: r.author_name,
    dayCount: r.day_count ?? 0,
  }));
}

/** Checks the course exists and is the viewer's (staff: any); 404 otherwise. */
export async function ownCourse(s: Services, user: SessionUser, id: string): Promise<void> {
  if (!isId(id)) throw new NotFoundError();
  let sel = s.db.selectFrom("courses").select("id")
    .where("id", "=", id).where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  if (!(await sel.executeTakeFirst())) throw new NotFoundError();
}

async function loadCourse(s: Services, user: SessionUser, id: string): Promise<StudioCourse> {
  await ownCourse(s, user, id);
  const c = await s.db.selectFrom("courses as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .selectAll("c").select("u.username as author_name")
    .where("c.id", "=", id).executeTakeFirstOrThrow();
  const days = await s.db.selectFrom("day_on_course as doc")
    .innerJoin("training_days as d", "d.id", "doc.day_id")
    .select([
      "doc.id as link_id",
      "d.id as day_id",
      "d.title",
      (eb) =>
        eb.selectFrom("step_on_day as sod").whereRef("sod.day_id", "=", "d.id")
          .where("sod.archived_at", "is", null)
          .select(sql<number>`count(*)::int`.as("n")).as("step_count"),
    ])
    .where("doc.course_id", "=", id).where("doc.archived_at", "is", null)
    .orderBy("doc.position").orderBy("doc.created_at").execute();
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    shortDescription: c.short_description,
    description: c.description,
    level: c.level,
    duration: c.duration ?? "",
    equipment: c.equipment,
    access: c.access,
    showInProfile: c.show_in_profile,
    personalised: c.personalised,
    videoId: c.video_id,
    published: c.published_at !== null,
    authorId: c.author_id,
    authorName: c.author_name,
    days: days.map((d) => ({
      linkId: d.link_id,
      dayId: d.day_id,
      title: d.title,
      stepCount: d.step_count ?? 0,
    })),
  };
}

export function getCourse(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<StudioCourse> {
  return loadCourse(s, requireStudio(viewer), id);
}

/** Days the viewer may add to a course: their own (staff: all), not archived. */
export async function dayChoices(
  s: Services,
  viewer: SessionUser | null,
): Promise<{ id: string; title: string }[]> {
  const user = requireStudio(viewer);
  let sel = s.db.selectFrom("training_days").select(["id", "title"])
    .where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  return await sel.orderBy(sql`lower(title)`).orderBy("id").limit(1000).execute();
}

// ---------------------------------------------------------------- changes

function isSlugConflict(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  return e?.code === "23505" && String(e.constraint ?? e.message ?? "").includes("slug");
}

export async function createCourse(
  s: Services,
  viewer: SessionUser | null,
  input: unknown,
): Promise<StudioCourse> {
  const user = requireStudio(viewer);
  const v = courseSchema.parse(input);
  if (v.videoId) await assertUsableVideo(s, user, v.videoId, "videoId");
  let slug: string;
  if (v.slug) {
    if (await slugTaken(s, v.slug)) throw slugError("studio.build.validation.slugTaken");
    slug = v.slug;
  } else slug = await freeSlug(s, slugify(v.name));
  const id = newId();
  try {
    await s.db.insertInto("courses").values({
      id,
      slug,
      name: v.name,
      short_description: v.shortDescription,
      description: v.description,
      level: v.level,
      duration: v.duration || null,
      equipment: v.equipment,
      access: v.access,
      show_in_profile: v.showInProfile,
      personalised: v.personalised,
      video_id: v.videoId ?? null,
      author_id: user.id,
    }).execute();
  } catch (err) {
    if (isSlugConflict(err)) throw slugError("studio.build.validation.slugTaken");
    throw err;
  }
  return await loadCourse(s, user, id);
}

export async function updateCourse(
  s: Services,
  viewer: SessionUser | null,
  id: string,
  input: unknown,
): Promise<StudioCourse> {
  const user = requireStudio(viewer);
  const current = await loadCourse(s, user, id);
  const v = courseSchema.parse(input);
  if (v.videoId && v.videoId !== current.videoId) {
    await assertUsableVideo(s, user, v.videoId, "videoId", current.videoId);
  }
  const slug = v.slug ?? current.slug;
  if (slug !== current.slug) {
    if (current.published) throw slugError("studio.build.validation.slugLocked");
    if (await slugTaken(s, slug, id)) throw slugError("studio.build.validation.slugTaken");
  }
  try {
    await s.db.updateTable("courses").set({
      slug,
      name: v.name,
      short_description: v.shortDescription,
      description: v.description,
      level: v.level,
      duration: v.duration || null,
      equipment: v.equipment,
      access: v.access,
      show_in_profile: v.showInProfile,
      personalised: v.personalised,
      ...(v.videoId !== undefined ? { video_id: v.videoId } : {}),
      updated_at: new Date(),
    }).where("id", "=", id).execute();
  } catch (err) {
    if (isSlugConflict(err)) throw slugError("studio.build.validation.slugTaken");
    throw err;
  }
  invalidateCourses(s);
  return await loadCourse(s, user, id);
}

const addDaySchema = z.object({
  dayId: z.string({ error: "studio.build.validation.day" }).refine(isId, {
    error: "studio.build.validation.day",
  }),
});

/** Adds one of the viewer's days (staff: any) at the end of the course. */
export async function addDayToCourse(
  s: Services,
  viewer: SessionUser | null,
  courseId: string,
  input: unknown,
): Promise<void> {
  const user = requireStudio(viewer);
  await ownCourse(s, user, courseId);
  const { dayId } = addDaySchema.parse(input);
  let sel = s.db.selectFrom("training_days").select("id")
    .where("id", "=", dayId).where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  if (!(await sel.executeTakeFirst())) throw new NotFoundError();
  await appendLink(s.db, "day_on_course", courseId, "day_id", dayId, newId());
  invalidateCourses(s);
}

export async function moveCourseDay(
  s: Services,
  viewer: SessionUser | null,
  courseId: string,
  linkId: string,
  direction: "up" | "down",
): Promise<void> {
  const user = requireStudio(viewer);
  await ownCourse(s, user, courseId);
  if (!isId(linkId) || !(await moveLink(s.db, "day_on_course", courseId, linkId, direction))) {
    throw new NotFoundError();
  }
  invalidateCourses(s);
}

/** Takes a day out of the course: deleted, or archived when learners have progress on it. */
export async function removeCourseDay(
  s: Services,
  viewer: SessionUser | null,
  courseId: string,
  linkId: string,
): Promise<"deleted" | "archived"> {
  const user = requireStudio(viewer);
  await ownCourse(s, user, courseId);
  if (!isId(linkId)) throw new NotFoundError();
  const result = await removeLink(
    s.db,
    "day_on_course",
    courseId,
    linkId,
    async (trx) =>
      (await trx.selectFrom("user_trainings").select("id")
        .where("day_on_course_id", "=", linkId).limit(1).executeTakeFirst()) !== undefined,
  );
  if (!result) throw new NotFoundError();
  invalidateCourses(s);
  return result;
}

// ------------------------------------------------------------- publishing

/** What keeps a course from being published, as messages (empty: complete). */
export async function courseProblems(s: Services, courseId: string): Promise<FieldMessage[]> {
  const days = await s.db.selectFrom("day_on_course as doc")
    .innerJoin("training_days as d", "d.id", "doc.day_id")
    .select([
      "d.id",
      "d.title",
      (eb) =>
        eb.selectFrom("step_on_day as sod").whereRef("sod.day_id", "=", "d.id")
          .where("sod.archived_at", "is", null)
          .select(sql<number>`count(*)::int`.as("n")).as("step_count"),
    ])
    .where("doc.course_id", "=", courseId).where("doc.archived_at", "is", null)
    .orderBy("doc.position").execute();
  const out: FieldMessage[] = [];
  if (!days.length) out.push("studio.build.publish.noDays");
  for (const d of days) {
    if (!d.step_count) out.push({ key: "studio.build.publish.emptyDay", vars: { day: d.title } });
  }
  if (days.length) {
    const exams = await s.db.selectFrom("step_on_day as sod")
      .innerJoin("steps as st", "st.id", "sod.step_id")
      .innerJoin("training_days as d", "d.id", "sod.day_id")
      .select(["st.title as step", "d.title as day"])
      .where("sod.day_id", "in", days.map((d) => d.id))
      .where("sod.archived_at", "is", null)
      .where("st.type", "=", "EXAMINATION")
      .where("st.requires_written_feedback", "=", false)
      .where("st.requires_video_report", "=", false)
      .where(sql<boolean>`jsonb_array_length(st.checklist) = 0`)
      .execute();
    for (const e of exams) {
      out.push({ key: "studio.build.publish.badExam", vars: { step: e.step, day: e.day } });
    }
  }
  return out;
}

/** Publishing refused: the course is not complete; `problems` say what is missing. */
export class CourseIncompleteError extends AppError {
  constructor(readonly problems: FieldMessage[]) {
    super(422, "course_incomplete", "studio.build.publish.incomplete", {
      data: { problems: problems.length },
      message: "the course is not complete",
    });
    this.name = "CourseIncompleteError";
  }

  /** Each problem in the user's language. */
  problemMessages(t: Translator): string[] {
    return this.problems.map((m) => (typeof m === "string" ? t(m) : t(m.key, m.vars)));
  }
}

/** Publishes a complete course (422 `CourseIncompleteError` otherwise). */
export async function publishCourse(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<void> {
  const user = requireStudio(viewer);
  await ownCourse(s, user, id);
  const problems = await courseProblems(s, id);
  if (problems.length) throw new CourseIncompleteError(problems);
  await s.db.updateTable("courses").set({ published_at: new Date(), updated_at: new Date() })
    .where("id", "=", id).where("published_at", "is", null).execute();
  invalidateCourses(s);
}

/** Back to draft: learners no longer find it (those who started keep their progress). */
export async function unpublishCourse(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<void> {
  const user = requireStudio(viewer);
  await ownCourse(s, user, id);
  await s.db.updateTable("courses").set({ published_at: null, updated_at: new Date() })
    .where("id", "=", id).execute();
  invalidateCourses(s);
}
