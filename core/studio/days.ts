/**
 * Day authoring in the trainer studio: list, read, create and change days,
 * and their ordered list of steps (add, move up/down, remove).
 *
 * A TRAINER works on their own days, and adds only their own steps; anyone
 * else's day or step answers `NotFoundError` (404), like an id that does not
 * exist. MODERATOR and ADMIN see and change every day and may add any step.
 * A learner never gets here (`requireStudio`, 403).
 *
 * Removing a step from a day deletes the link, unless a learner has progress
 * on it (`user_steps` reference the link with RESTRICT): then the link is
 * archived, the progress stays, and learners' day pages skip it.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff, NotFoundError, requireStudio } from "../auth/guards.ts";
import { isId, newId } from "@/platform/ids.ts";
import { DAY_TYPES, type DayType, type StepType } from "@/db/schema.ts";
import { line, paragraph } from "../fields.ts";
import { invalidateCourses } from "../courses/cache.ts";
import { appendLink, moveLink, removeLink } from "./order.ts";
import type { CourseRef } from "./usage.ts";

// ------------------------------------------------------------- validation

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && !v.trim());

/** A checkbox from a form ("on") or JSON (true). */
export const checkbox = z.preprocess(
  (v) => v === true || v === "on" || v === "1" || v === "true",
  z.boolean(),
);

export const daySchema = z.object({
  title: line(200).pipe(
    z.string().min(2, { error: "studio.build.validation.dayTitle" }).max(200, {
      error: "studio.build.validation.dayTitle",
    }),
  ),
  type: z.enum(DAY_TYPES as [DayType, ...DayType[]], {
    error: "studio.build.validation.dayType",
  }),
  description: z.preprocess((v) => (blank(v) ? "" : v), paragraph(20000)),
  equipment: z.preprocess((v) => (blank(v) ? "" : v), paragraph(2000)),
  shareProgress: checkbox,
});
export type DayInput = z.output<typeof daySchema>;

export const DAY_FORM_FIELDS = [
  "title",
  "type",
  "description",
  "equipment",
  "shareProgress",
] as const;
export type DayFormField = typeof DAY_FORM_FIELDS[number];

// ------------------------------------------------------------------ views

export interface DayStepLink {
  /** The link (step_on_day) id: what up/down/remove name. */
  linkId: string;
  stepId: string;
  title: string;
  type: StepType;
}

export interface StudioDay {
  id: string;
  title: string;
  type: DayType;
  description: string;
  equipment: string;
  shareProgress: boolean;
  authorId: string;
  authorName: string;
  steps: DayStepLink[];
  /** Courses that use the day (live links). */
  courses: CourseRef[];
}

export function dayFormValues(d: StudioDay): Record<DayFormField, string> {
  return {
    title: d.title,
    type: d.type,
    description: d.description,
    equipment: d.equipment,
    shareProgress: d.shareProgress ? "on" : "",
  };
}

export interface DayListItem {
  id: string;
  title: string;
  type: DayType;
  authorName: string;
  stepCount: number;
  courseCount: number;
  updatedAt: Date;
}

/** The trainer's days (staff: everyone's), not archived, recently changed first. */
export async function listDays(s: Services, viewer: SessionUser | null): Promise<DayListItem[]> {
  const user = requireStudio(viewer);
  let sel = s.db.selectFrom("training_days as d")
    .innerJoin("users as u", "u.id", "d.author_id")
    .select([
      "d.id",
      "d.title",
      "d.type",
      "d.updated_at",
      "u.username as author_name",
      (eb) =>
        eb.selectFrom("step_on_day as sod").whereRef("sod.day_id", "=", "d.id")
          .where("sod.archived_at", "is", null)
          .select(sql<number>`count(*)::int`.as("n")).as("step_count"),
      (eb) =>
        eb.selectFrom("day_on_course as doc").whereRef("doc.day_id", "=", "d.id")
          .where("doc.archived_at", "is", null)
          .select(sql<number>`count(distinct doc.course_id)::int`.as("n")).as("course_count"),
    ])
    .where("d.archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("d.author_id", "=", user.id);
  const rows = await sel.orderBy("d.updated_at", "desc").orderBy("d.id").limit(500).execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    type: r.type,
    authorName: r.author_name,
    stepCount: r.step_count ?? 0,
    courseCount: r.course_count ?? 0,
    updatedAt: r.updated_at,
  }));
}

/** Checks the day exists and is the viewer's (staff: any); 404 otherwise. */
export async function ownDay(s: Services, user: SessionUser, id: string): Promise<void> {
  if (!isId(id)) throw new NotFoundError();
  let sel = s.db.selectFrom("training_days").select("id")
    .where("id", "=", id).where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  if (!(await sel.executeTakeFirst())) throw new NotFoundError();
}

async function loadDay(s: Services, user: SessionUser, id: string): Promise<StudioDay> {
  await ownDay(s, user, id);
  const d = await s.db.selectFrom("training_days as d")
    .innerJoin("users as u", "u.id", "d.author_id")
    .selectAll("d").select("u.username as author_name")
    .where("d.id", "=", id).executeTakeFirstOrThrow();
  const steps = await s.db.selectFrom("step_on_day as sod")
    .innerJoin("steps as st", "st.id", "sod.step_id")
    .select(["sod.id as link_id", "st.id as step_id", "st.title", "st.type"])
    .where("sod.day_id", "=", id).where("sod.archived_at", "is", null)
    .orderBy("sod.position").orderBy("sod.created_at").execute();
  const courses = await coursesOfDay(s, id);
  return {
    id: d.id,
    title: d.title,
    type: d.type,
    description: d.description,
    equipment: d.equipment,
    shareProgress: d.share_progress_across_courses,
    authorId: d.author_id,
    authorName: d.author_name,
    steps: steps.map((r) => ({
      linkId: r.link_id,
      stepId: r.step_id,
      title: r.title,
      type: r.type,
    })),
    courses,
  };
}

/** The courses (not archived) that contain the day through a live link. */
async function coursesOfDay(s: Services, dayId: string): Promise<CourseRef[]> {
  const rows = await s.db.selectFrom("day_on_course as doc")
    .innerJoin("courses as c", "c.id", "doc.course_id")
    .select(["c.id", "c.name", "c.published_at"])
    .where("doc.day_id", "=", dayId).where("doc.archived_at", "is", null)
    .where("c.archived_at", "is", null)
    .groupBy(["c.id", "c.name", "c.published_at"]).orderBy("c.name").execute();
  return rows.map((c) => ({ id: c.id, name: c.name, published: c.published_at !== null }));
}

/** Where a day is used (the step editor's `usages` for days): its courses; 404 as the editor. */
export async function dayUsages(
  s: Services,
  viewer: SessionUser | null,
  dayId: string,
): Promise<CourseRef[]> {
  const user = requireStudio(viewer);
  await ownDay(s, user, dayId);
  return await coursesOfDay(s, dayId);
}

/** One day for its editor, with its steps and the courses using it. */
export function getDay(s: Services, viewer: SessionUser | null, id: string): Promise<StudioDay> {
  return loadDay(s, requireStudio(viewer), id);
}

/** Steps the viewer may add to a day: their own (staff: all), not archived. */
export async function stepChoices(
  s: Services,
  viewer: SessionUser | null,
): Promise<{ id: string; title: string; type: StepType }[]> {
  const user = requireStudio(viewer);
  let sel = s.db.selectFrom("steps").select(["id", "title", "type"])
    .where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  return await sel.orderBy(sql`lower(title)`).orderBy("id").limit(1000).execute();
}

// ---------------------------------------------------------------- changes

export async function createDay(
  s: Services,
  viewer: SessionUser | null,
  input: unknown,
): Promise<StudioDay> {
  const user = requireStudio(viewer);
  const v = daySchema.parse(input);
  const id = newId();
  await s.db.insertInto("training_days").values({
    id,
    title: v.title,
    type: v.type,
    description: v.description,
    equipment: v.equipment,
    share_progress_across_courses: v.shareProgress,
    author_id: user.id,
  }).execute();
  return await loadDay(s, user, id);
}

export async function updateDay(
  s: Services,
  viewer: SessionUser | null,
  id: string,
  input: unknown,
): Promise<StudioDay> {
  const user = requireStudio(viewer);
  await ownDay(s, user, id);
  const v = daySchema.parse(input);
  await s.db.updateTable("training_days").set({
    title: v.title,
    type: v.type,
    description: v.description,
    equipment: v.equipment,
    share_progress_across_courses: v.shareProgress,
    updated_at: new Date(),
  }).where("id", "=", id).execute();
  invalidateCourses(s);
  return await loadDay(s, user, id);
}

const addStepSchema = z.object({
  stepId: z.string({ error: "studio.build.validation.step" }).refine(isId, {
    error: "studio.build.validation.step",
  }),
});

/** Adds one of the viewer's steps (staff: any) at the end of the day. */
export async function addStepToDay(
  s: Services,
  viewer: SessionUser | null,
  dayId: string,
  input: unknown,
): Promise<void> {
  const user = requireStudio(viewer);
  await ownDay(s, user, dayId);
  const { stepId } = addStepSchema.parse(input);
  let sel = s.db.selectFrom("steps").select("id")
    .where("id", "=", stepId).where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  if (!(await sel.executeTakeFirst())) throw new NotFoundError();
  await appendLink(s.db, "step_on_day", dayId, "step_id", stepId, newId());
  invalidateCourses(s);
}

/** Moves a step of the day one place up or down (no-JS buttons). */
export async function moveDayStep(
  s: Services,
  viewer: SessionUser | null,
  dayId: string,
  linkId: string,
  direction: "up" | "down",
): Promise<void> {
  const user = requireStudio(viewer);
  await ownDay(s, user, dayId);
  if (!isId(linkId) || !(await moveLink(s.db, "step_on_day", dayId, linkId, direction))) {
    throw new NotFoundError();
  }
  invalidateCourses(s);
}

/**
 * Takes a step out of the day: the link is deleted, or archived when a
 * learner has progress on it (their progress stays).
 */
export async function removeDayStep(
  s: Services,
  viewer: SessionUser | null,
  dayId: string,
  linkId: string,
): Promise<"deleted" | "archived"> {
  const user = requireStudio(viewer);
  await ownDay(s, user, dayId);
  if (!isId(linkId)) throw new NotFoundError();
  const result = await removeLink(
    s.db,
    "step_on_day",
    dayId,
    linkId,
    async (trx) =>
      (await trx.selectFrom("user_steps").select("id")
        .where("step_on_day_id", "=", linkId).limit(1).executeTakeFirst()) !== undefined,
  );
  if (!result) throw new NotFoundError();
  invalidateCourses(s);
  return result;
}
