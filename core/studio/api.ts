/**
 * What the studio's JSON API (`/api/v1/studio/…`) needs beyond the page
 * functions: the JSON shapes of lists, days and courses, a partial change of
 * a step (PATCH), and saving a whole new order of a day's steps or a course's
 * days in one request (the drag-and-drop island).
 *
 * Permission checks are the same as the pages': every function goes through
 * `getStep` / `ownDay` / `ownCourse` (a TRAINER only their own, 404 for
 * anyone else's; staff all; a learner 403 in `requireStudio`).
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { requireStudio } from "../auth/guards.ts";
import { isId } from "@/platform/ids.ts";
import { invalidateCourses } from "../courses/cache.ts";
import { saveOrder } from "./order.ts";
import { getStep, type StepListItem, type StudioStep, updateStep } from "./steps.ts";
import { type DayListItem, getDay, ownDay, type StudioDay } from "./days.ts";
import { type CourseListItem, getCourse, ownCourse, type StudioCourse } from "./courses.ts";

// ------------------------------------------------------------- JSON shapes

export function stepListJson(r: StepListItem) {
  return {
    id: r.id,
    title: r.title,
    type: r.type,
    authorName: r.authorName,
    dayCount: r.dayCount,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function dayListJson(r: DayListItem) {
  return {
    id: r.id,
    title: r.title,
    type: r.type,
    authorName: r.authorName,
    stepCount: r.stepCount,
    courseCount: r.courseCount,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function dayJson(d: StudioDay) {
  return {
    id: d.id,
    title: d.title,
    type: d.type,
    description: d.description,
    equipment: d.equipment,
    shareProgress: d.shareProgress,
    authorId: d.authorId,
    authorName: d.authorName,
    /** Link ids in order: what `PUT …/order` takes as `seen`. */
    order: d.steps.map((s) => s.linkId),
    steps: d.steps,
    courses: d.courses,
  };
}

export function courseListJson(r: CourseListItem) {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    published: r.published,
    access: r.access,
    authorName: r.authorName,
    dayCount: r.dayCount,
  };
}

export function courseJson(c: StudioCourse) {
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    shortDescription: c.shortDescription,
    description: c.description,
    level: c.level,
    duration: c.duration,
    equipment: c.equipment,
    access: c.access,
    showInProfile: c.showInProfile,
    published: c.published,
    authorId: c.authorId,
    authorName: c.authorName,
    order: c.days.map((d) => d.linkId),
    days: c.days,
  };
}

// ------------------------------------------------------------- step PATCH

/** A stored step as the step schema's JSON input (numbers, arrays, booleans). */
function stepInput(s: StudioStep): Record<string, unknown> {
  return {
    title: s.title,
    type: s.type,
    description: s.description,
    duration: s.durationSec ?? undefined,
    estimatedMinutes: s.estimatedSec ? Math.round(s.estimatedSec / 60) : undefined,
    checklistItems: s.checklistItems,
    videoUrl: s.videoUrl ?? undefined,
    requiresWritten: s.requiresWritten,
    requiresVideo: s.requiresVideo,
  };
}

const patchBody = z.record(z.string(), z.unknown(), { error: "validation.invalid" });

/**
 * Changes some fields of a step: the given ones over the stored ones, then
 * validated as a whole by the same schema as the form (`updateStep`).
 */
export async function patchStep(
  s: Services,
  viewer: SessionUser | null,
  id: string,
  input: unknown,
): Promise<StudioStep> {
  const current = await getStep(s, viewer, id);
  return await updateStep(s, viewer, id, { ...stepInput(current), ...patchBody.parse(input) });
}

// ---------------------------------------------------------------- ordering

const linkIds = z.array(
  z.string({ error: "studio.reorder.validation.order" }).refine(isId, {
    error: "studio.reorder.validation.order",
  }),
  { error: "studio.reorder.validation.order" },
).max(1000, { error: "studio.reorder.validation.order" });

/**
 * A new order: `order` the link ids in their new order, `seen` the order the
 * client showed before the change (the server's live order must still be
 * exactly that, or the answer is 409 with the current one).
 */
export const reorderSchema = z.object({
  order: linkIds,
  seen: linkIds,
}).superRefine((v, ctx) => {
  if (new Set(v.order).size !== v.order.length) {
    ctx.addIssue({ code: "custom", path: ["order"], message: "studio.reorder.validation.order" });
  }
});

/** Saves a whole new order of a day's steps (409 `OrderConflictError` when it changed). */
export async function reorderDaySteps(
  s: Services,
  viewer: SessionUser | null,
  dayId: string,
  input: unknown,
): Promise<StudioDay> {
  const user = requireStudio(viewer);
  await ownDay(s, user, dayId);
  const { order, seen } = reorderSchema.parse(input);
  await saveOrder(s.db, "step_on_day", dayId, order, seen);
  invalidateCourses(s);
  return await getDay(s, user, dayId);
}

/** Saves a whole new order of a course's days (409 `OrderConflictError` when it changed). */
export async function reorderCourseDays(
  s: Services,
  viewer: SessionUser | null,
  courseId: string,
  input: unknown,
): Promise<StudioCourse> {
  const user = requireStudio(viewer);
  await ownCourse(s, user, courseId);
  const { order, seen } = reorderSchema.parse(input);
  await saveOrder(s.db, "day_on_course", courseId, order, seen);
  invalidateCourses(s);
  return await getCourse(s, user, courseId);
}
