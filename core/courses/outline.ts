/**
 * A course's outline: its description and days with step counts and
 * estimated minutes by kind of work, as the course page, the outline API and
 * the day pages show them. Shared by everyone, so cached under `COURSES_TAG`;
 * who may see it is decided in `./access.ts`.
 */
import type { Services } from "../services.ts";
import { renderMarkdown } from "../markdown.ts";
import { CATALOGUE_TTL_MS, COURSES_TAG } from "./cache.ts";
import { type CourseSummary, courseSummary, courseWithAuthor } from "./summary.ts";
import { type DayType, type StepType, TIMER_STEP_TYPES } from "@/db/schema.ts";

/** What a day's minutes are spent on, in the order the outline lists them. */
export const MINUTE_KINDS = ["training", "practice", "theory", "exam", "diary"] as const;
export type MinuteKind = typeof MINUTE_KINDS[number];

/** Timers and the breaks between them are training; every other type is its own kind. */
const KIND_OF_STEP: Record<StepType, MinuteKind> = {
  TRAINING: "training",
  BREAK: "training",
  PRACTICE: "practice",
  THEORY: "theory",
  EXAMINATION: "exam",
  DIARY: "diary",
};

export interface DayMinutes {
  kind: MinuteKind;
  minutes: number;
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
  /** Estimated minutes of the kinds the day has, in `MINUTE_KINDS` order. */
  minutes: DayMinutes[];
}

export interface CourseOutline extends CourseSummary {
  description: string;
  /** The description rendered from Markdown and sanitized. */
  descriptionHtml: string;
  equipment: string;
  published: boolean;
  /** Learners give their and their pet's names before day 1 (core/personalisation/). */
  personalised: boolean;
  /** Archived: out of the catalogue, still open to the learners who started it. */
  archived: boolean;
  days: OutlineDay[];
}

/**
 * Minutes per kind of work: a timer step (and a break) lasts its timer, any
 * other step its author's estimate, rounded up per kind. Kinds without steps,
 * or whose steps have no estimate, are left out.
 */
export function dayMinutes(
  steps: { type: StepType; durationSec: number | null; estimatedSec: number | null }[],
): DayMinutes[] {
  const seconds = new Map<MinuteKind, number>();
  for (const st of steps) {
    const sec = TIMER_STEP_TYPES.includes(st.type) ? st.durationSec : st.estimatedSec;
    if (!sec) continue;
    const kind = KIND_OF_STEP[st.type];
    seconds.set(kind, (seconds.get(kind) ?? 0) + sec);
  }
  return MINUTE_KINDS.filter((k) => seconds.has(k))
    .map((kind) => ({ kind, minutes: Math.ceil(seconds.get(kind)! / 60) }));
}

async function loadOutline(s: Services, slug: string): Promise<CourseOutline | null> {
  const c = await courseWithAuthor(s.db)
    .select(["c.equipment", "c.personalised"])
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
        minutes: [],
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
    d.minutes = dayMinutes(list);
    if (d.type === "regular") d.number = ++n;
  }

  return {
    ...courseSummary(c),
    description: c.description,
    descriptionHtml: renderMarkdown(c.description),
    equipment: c.equipment,
    published: c.published_at !== null,
    personalised: c.personalised,
    archived: c.archived_at !== null,
    days,
  };
}

/** The outline of any course, drafts and archived ones included (cached); no access check. */
export function loadCourseOutline(s: Services, slug: string): Promise<CourseOutline | null> {
  return s.cache.get(
    `outline:${slug}`,
    { ttlMs: CATALOGUE_TTL_MS, tags: [COURSES_TAG] },
    () => loadOutline(s, slug),
  );
}
