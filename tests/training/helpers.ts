/**
 * Test fixtures for the training area: small courses built straight in the
 * database (short timers, every step type), and shortcuts to open a day and
 * read a learner's rows. The API addresses a step by day and step on day;
 * tests hold the learner's user step ids and `act`/`stepApi` translate them.
 */
import { newId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import type { ChecklistQuestion, DayType, StepType, TrainingStatus } from "@/db/schema.ts";
import type { TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import type { Session } from "../helpers/session.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";
import { stepForLearner, type StepRef } from "@/core/training/context.ts";
import { stepApiPath } from "@/core/paths.ts";
import type { StepAction } from "@/core/training/actions.ts";

export interface StepSpec {
  type: StepType;
  title?: string;
  durationSec?: number;
  checklist?: ChecklistQuestion[];
  /** PRACTICE/THEORY: the plain list learners go through. */
  checklistItems?: string[];
  requiresWritten?: boolean;
  requiresVideo?: boolean;
  videoUrl?: string;
  images?: string[];
  description?: string;
}

export interface DaySpec {
  title?: string;
  type?: DayType;
  shared?: boolean;
  steps: StepSpec[];
  /** Reuse an existing training day (shared days) instead of creating one. */
  dayId?: string;
}

export interface CourseFixture {
  courseId: string;
  slug: string;
  authorId: string;
  days: { dayOnCourseId: string; dayId: string; stepOnDayIds: string[]; stepIds: string[] }[];
}

let counter = 0;

/** A published course by `author` (created as TRAINER if missing). */
export async function makeCourse(
  t: TestApp,
  opts: { author?: string; access?: "PUBLIC" | "PRIVATE"; slug?: string; days: DaySpec[] },
): Promise<CourseFixture> {
  const db = t.services.db;
  const author = await signIn(t, opts.author ?? "coach", "TRAINER");
  const courseId = newId();
  const slug = opts.slug ?? `course-${Date.now().toString(36)}-${++counter}`;
  await db.insertInto("courses").values({
    id: courseId,
    slug,
    name: `Курс ${slug}`,
    access: opts.access ?? "PUBLIC",
    published_at: new Date(),
    author_id: author.id,
  }).execute();
  const days: CourseFixture["days"] = [];
  for (const [position, d] of opts.days.entries()) {
    let dayId = d.dayId;
    const stepOnDayIds: string[] = [];
    const stepIds: string[] = [];
    if (!dayId) {
      dayId = newId();
      await db.insertInto("training_days").values({
        id: dayId,
        title: d.title ?? `День ${position + 1}`,
        type: d.type ?? "regular",
        share_progress_across_courses: d.shared ?? false,
        author_id: author.id,
      }).execute();
      for (const [i, st] of d.steps.entries()) {
        const stepId = newId();
        const timer = st.type === "TRAINING" || st.type === "BREAK";
        await db.insertInto("steps").values({
          id: stepId,
          title: st.title ?? `${st.type} ${i + 1}`,
          type: st.type,
          description: st.description ?? "",
          duration_sec: timer ? st.durationSec ?? 60 : null,
          checklist: json(st.checklist ?? []),
          checklist_items: json(st.checklistItems ?? []),
          requires_written_feedback: st.requiresWritten ?? false,
          requires_video_report: st.requiresVideo ?? false,
          video_url: st.videoUrl ?? null,
          images: json(st.images ?? []),
          author_id: author.id,
        }).execute();
        const sdId = newId();
        await db.insertInto("step_on_day").values({
          id: sdId,
          day_id: dayId,
          step_id: stepId,
          position: i,
        }).execute();
        stepOnDayIds.push(sdId);
        stepIds.push(stepId);
      }
    } else {
      const rows = await db.selectFrom("step_on_day").select(["id", "step_id"])
        .where("day_id", "=", dayId).orderBy("position").execute();
      stepOnDayIds.push(...rows.map((r) => r.id));
      stepIds.push(...rows.map((r) => r.step_id));
    }
    const dcId = newId();
    await db.insertInto("day_on_course").values({
      id: dcId,
      course_id: courseId,
      day_id: dayId,
      position,
    }).execute();
    days.push({ dayOnCourseId: dcId, dayId, stepOnDayIds, stepIds });
  }
  invalidateCourses(t.services);
  return { courseId, slug, authorId: author.id, days };
}

export function dayUrl(c: CourseFixture, day = 0): string {
  return `/courses/${c.slug}/days/${c.days[day].dayOnCourseId}`;
}

/**
 * Opens a day as `who` (the page writes nothing) and creates the learner's
 * progress rows as their first action on the day does; returns the learner's
 * step ids in order.
 */
export async function openDayAs(
  t: TestApp,
  who: Session,
  c: CourseFixture,
  day = 0,
): Promise<string[]> {
  const res = await who.fetch(dayUrl(c, day));
  await res.body?.cancel();
  if (res.status !== 200) throw new Error(`day page answered ${res.status}`);
  const d = c.days[day];
  if (d.stepOnDayIds.length) {
    await stepForLearner(t.services, { id: who.id, role: who.role }, {
      dayOnCourseId: d.dayOnCourseId,
      stepOnDayId: d.stepOnDayIds[0],
    });
  }
  return await userStepIds(t, who.id, c, day);
}

/** Where each user step seen by `userStepIds` is: what the API addresses. */
const refs = new Map<string, StepRef>();

/** The day and step on the day of a learner's step (seen before by `userStepIds`). */
export function refOf(userStepId: string): StepRef {
  const ref = refs.get(userStepId);
  if (!ref) throw new Error(`unknown user step ${userStepId}: list it with userStepIds first`);
  return ref;
}

/** The API path of a learner's step (`/api/v1/training/days/<dc>/steps/<sd>[/<action>]`). */
export function stepApi(userStepId: string, action?: StepAction | "video"): string {
  const ref = refOf(userStepId);
  return stepApiPath(ref.dayOnCourseId, ref.stepOnDayId, action);
}

export async function userStepIds(
  t: TestApp,
  userId: string,
  c: CourseFixture,
  day = 0,
): Promise<string[]> {
  const rows = await t.services.db.selectFrom("user_steps as us")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .select(["us.id", "us.step_on_day_id", "ut.day_on_course_id"])
    .where("us.user_id", "=", userId)
    .where("ut.day_on_course_id", "=", c.days[day].dayOnCourseId)
    .orderBy("sd.position")
    .execute();
  for (const r of rows) {
    refs.set(r.id, { dayOnCourseId: r.day_on_course_id, stepOnDayId: r.step_on_day_id });
  }
  return rows.map((r) => r.id);
}

export async function stepRow(t: TestApp, userStepId: string) {
  return await t.services.db.selectFrom("user_steps").selectAll()
    .where("id", "=", userStepId).executeTakeFirstOrThrow();
}

export async function dayStatus(
  t: TestApp,
  userId: string,
  dayOnCourseId: string,
): Promise<TrainingStatus | undefined> {
  const r = await t.services.db.selectFrom("user_trainings").select("status")
    .where("user_id", "=", userId).where("day_on_course_id", "=", dayOnCourseId)
    .executeTakeFirst();
  return r?.status;
}

export async function courseRow(t: TestApp, userId: string, courseId: string) {
  return await t.services.db.selectFrom("user_courses").selectAll()
    .where("user_id", "=", userId).where("course_id", "=", courseId).executeTakeFirst();
}

/** Moves a running timer's clock back, as if `ms` had passed. */
export async function age(t: TestApp, userStepId: string, ms: number) {
  const row = await stepRow(t, userStepId);
  await t.services.db.updateTable("user_steps").set({
    timer_started_at: row.timer_started_at ? new Date(row.timer_started_at.getTime() - ms) : null,
    timer_ends_at: row.timer_ends_at ? new Date(row.timer_ends_at.getTime() - ms) : null,
  }).where("id", "=", userStepId).execute();
}

/** POST JSON to a training action as `who`, on their step `userStepId`. */
export function act(
  who: Session,
  userStepId: string,
  action: string,
  body: unknown = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const ref = refOf(userStepId);
  return actAt(who, ref.dayOnCourseId, ref.stepOnDayId, action, body);
}

/** POST JSON to a training action as `who`, on the step where the API addresses it. */
export async function actAt(
  who: Session,
  dayOnCourseId: string,
  stepOnDayId: string,
  action: string,
  body: unknown = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await who.fetch(stepApiPath(dayOnCourseId, stepOnDayId, action as StepAction), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

export const QUESTIONS: ChecklistQuestion[] = [
  { id: "q1", question: "Сколько лап у собаки?", options: ["3", "4", "5"], correctIndex: 1 },
  {
    id: "q2",
    question: "Хвалить сразу?",
    options: ["Да", "Нет"],
    correctIndex: 0,
    comment: "Награда работает в первые секунды.",
  },
];
