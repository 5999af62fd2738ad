/**
 * Test fixtures for the catalogue and achievements: courses with days and
 * steps, and learner progress written straight into the progress tables
 * (histories with exact timestamps, independent of the timers).
 */
import type { Kysely } from "kysely";
import type { CourseLevel, Database, DayType, StepType, TrainingStatus } from "@/db/schema.ts";
import { newId } from "@/platform/ids.ts";

export interface StepSpec {
  type: StepType;
  durationSec?: number;
  estimatedSec?: number;
}

export interface DaySpec {
  title?: string;
  type?: DayType;
  shared?: boolean;
  /** Reuse an existing training day (shared days). */
  dayId?: string;
  steps?: StepSpec[];
}

export interface CourseSpec {
  slug: string;
  name?: string;
  authorId: string;
  access?: "PUBLIC" | "PRIVATE";
  level?: CourseLevel;
  shortDescription?: string;
  description?: string;
  published?: boolean;
  publishedAt?: Date;
  avgRating?: number | null;
  reviewCount?: number;
  logoKey?: string;
  days?: DaySpec[];
}

export interface MadeDay {
  dayOnCourseId: string;
  dayId: string;
  stepOnDayIds: string[];
}

export interface MadeCourse {
  id: string;
  slug: string;
  days: MadeDay[];
}

const DEFAULT_DAYS: DaySpec[] = [
  { steps: [{ type: "TRAINING", durationSec: 120 }] },
  { steps: [{ type: "THEORY", estimatedSec: 60 }] },
];

export async function makeCourse(db: Kysely<Database>, spec: CourseSpec): Promise<MadeCourse> {
  const id = newId();
  await db.insertInto("courses").values({
    id,
    slug: spec.slug,
    name: spec.name ?? spec.slug,
    short_description: spec.shortDescription ?? `Short ${spec.slug}`,
    description: spec.description ?? "",
    level: spec.level ?? "BEGINNER",
    access: spec.access ?? "PUBLIC",
    published_at: spec.published === false ? null : spec.publishedAt ?? new Date(),
    avg_rating: spec.avgRating ?? null,
    review_count: spec.reviewCount ?? 0,
    logo_key: spec.logoKey ?? null,
    author_id: spec.authorId,
  }).execute();
  const days: MadeDay[] = [];
  let position = 0;
  for (const d of spec.days ?? DEFAULT_DAYS) {
    let dayId = d.dayId;
    const stepOnDayIds: string[] = [];
    if (!dayId) {
      dayId = newId();
      await db.insertInto("training_days").values({
        id: dayId,
        title: d.title ?? `Day ${position + 1} of ${spec.slug}`,
        type: d.type ?? "regular",
        share_progress_across_courses: d.shared ?? false,
        author_id: spec.authorId,
      }).execute();
      let sp = 0;
      for (const st of d.steps ?? [{ type: "PRACTICE", estimatedSec: 60 }]) {
        const stepId = newId();
        await db.insertInto("steps").values({
          id: stepId,
          title: `${st.type} step`,
          type: st.type,
          duration_sec: st.type === "TRAINING" || st.type === "BREAK" ? st.durationSec ?? 60 : null,
          estimated_duration_sec: st.estimatedSec ?? null,
          requires_written_feedback: st.type === "EXAMINATION",
          author_id: spec.authorId,
        }).execute();
        const sodId = newId();
        await db.insertInto("step_on_day").values({
          id: sodId,
          day_id: dayId,
          step_id: stepId,
          position: sp++,
        }).execute();
        stepOnDayIds.push(sodId);
      }
    } else {
      const rows = await db.selectFrom("step_on_day").select("id").where("day_id", "=", dayId)
        .orderBy("position").execute();
      stepOnDayIds.push(...rows.map((r) => r.id));
    }
    const dcId = newId();
    await db.insertInto("day_on_course").values({
      id: dcId,
      course_id: id,
      day_id: dayId,
      position: position++,
    }).execute();
    days.push({ dayOnCourseId: dcId, dayId, stepOnDayIds });
  }
  return { id, slug: spec.slug, days };
}

/**
 * Marks a day completed for a learner: every step COMPLETED at `at` (or at
 * the given times, one per step) with `activeSeconds` of timer time each.
 */
export async function completeDay(
  db: Kysely<Database>,
  userId: string,
  day: MadeDay,
  opts: { at?: Date; times?: Date[]; activeSeconds?: number; status?: TrainingStatus } = {},
): Promise<void> {
  const status = opts.status ?? "COMPLETED";
  const at = opts.at ?? new Date();
  const utId = newId();
  await db.insertInto("user_trainings").values({
    id: utId,
    user_id: userId,
    day_on_course_id: day.dayOnCourseId,
    status,
    started_at: opts.times?.[0] ?? at,
    completed_at: status === "COMPLETED" ? opts.times?.at(-1) ?? at : null,
  }).execute();
  for (const [i, sod] of day.stepOnDayIds.entries()) {
    const done = status === "COMPLETED" || i === 0;
    await db.insertInto("user_steps").values({
      id: newId(),
      user_training_id: utId,
      step_on_day_id: sod,
      user_id: userId,
      status: done ? "COMPLETED" : "NOT_STARTED",
      active_seconds: opts.activeSeconds ?? 0,
      completed_at: done ? opts.times?.[i] ?? at : null,
    }).execute();
  }
}

export async function setCourseStatus(
  db: Kysely<Database>,
  userId: string,
  courseId: string,
  status: TrainingStatus,
  startedAt: Date | null = new Date(),
  completedAt: Date | null = status === "COMPLETED" ? new Date() : null,
): Promise<void> {
  await db.insertInto("user_courses").values({
    user_id: userId,
    course_id: courseId,
    status,
    started_at: startedAt,
    completed_at: completedAt,
  }).onConflict((oc) =>
    oc.columns(["user_id", "course_id"]).doUpdateSet({
      status,
      started_at: startedAt,
      completed_at: completedAt,
    })
  ).execute();
}

/** Text of each visible (not `hidden`) course card title, in page order. */
export function visibleCards(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<li class="course-card"([^>]*)>(.*?)<\/li>/gs)) {
    if (/\shidden(?:[\s=>]|$)/.test(m[1])) continue;
    const title = /<h3 class="course-card__title"><a [^>]*>([^<]*)<\/a>/.exec(m[2]);
    if (title) out.push(title[1]);
  }
  return out;
}

/** Every course card title (visible or not), in page order. */
export function allCards(html: string): string[] {
  return [...html.matchAll(/<h3 class="course-card__title"><a [^>]*>([^<]*)<\/a>/g)].map((m) =>
    m[1]
  );
}
