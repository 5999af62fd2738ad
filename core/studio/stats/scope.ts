/**
 * Who may read a course's statistics, and the course's live structure that
 * every statistic is laid out on.
 *
 * The course's author and staff read them; another trainer gets
 * `NotFoundError` (404) as for an id that does not exist, so a link does not
 * reveal that a course exists; anyone outside the studio is refused first
 * (401/403). Archived courses stay readable: their learners' history is
 * still worth seeing.
 */
import { sql } from "kysely";
import type { Services } from "../../services.ts";
import type { Viewer } from "../../courses/access.ts";
import {
  ForbiddenError,
  isStaff,
  NotFoundError,
  STUDIO_ROLES,
  UnauthenticatedError,
} from "../../auth/guards.ts";
import { safeTimeZone } from "../../achievements.ts";
import { isId } from "@/platform/ids.ts";
import type { StepType } from "@/db/schema.ts";

/** Someone in the studio (trainer, moderator, admin); others are refused. */
export function studioActor(actor: Viewer | null): Viewer {
  if (!actor) throw new UnauthenticatedError();
  if (!STUDIO_ROLES.includes(actor.role)) throw new ForbiddenError();
  return actor;
}

export interface StatsCourse {
  id: string;
  name: string;
  slug: string;
  published: boolean;
  authorId: string;
  authorName: string;
  /** The course trainer's zone (`users.time_zone`): activity is bucketed in it. */
  timeZone: string;
}

/** The course if `actor` may read its statistics (its author, or staff); else 404. */
export async function statsCourse(
  s: Services,
  actor: Viewer,
  courseId: string,
): Promise<StatsCourse> {
  if (!isId(courseId)) throw new NotFoundError("course not found");
  const c = await s.db.selectFrom("courses as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .select([
      "c.id",
      "c.name",
      "c.slug",
      "c.published_at",
      "c.author_id",
      "u.username",
      "u.time_zone",
    ])
    .where("c.id", "=", courseId)
    .executeTakeFirst();
  if (!c || (!isStaff(actor) && c.author_id !== actor.id)) {
    throw new NotFoundError("course not found");
  }
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    published: c.published_at !== null,
    authorId: c.author_id,
    authorName: c.username,
    timeZone: safeTimeZone(c.time_zone),
  };
}

export interface LiveStep {
  stepOnDayId: string;
  stepId: string;
  title: string;
  type: StepType;
}

export interface LiveDay {
  dayOnCourseId: string;
  dayId: string;
  title: string;
  /** 1-based, in course order (archived links left out). */
  number: number;
  steps: LiveStep[];
}

/** The course's days and steps learners see today (no archived links), in course order. */
export async function liveStructure(s: Services, courseId: string): Promise<LiveDay[]> {
  const rows = await s.db.selectFrom("day_on_course as dc")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .leftJoin(
      "step_on_day as sd",
      (j) => j.onRef("sd.day_id", "=", "dc.day_id").on("sd.archived_at", "is", null),
    )
    .leftJoin("steps as st", "st.id", "sd.step_id")
    .select([
      "dc.id as dc_id",
      "dc.day_id",
      "d.title as day_title",
      "sd.id as sd_id",
      "st.id as step_id",
      "st.title as step_title",
      "st.type as step_type",
    ])
    .where("dc.course_id", "=", courseId)
    .where("dc.archived_at", "is", null)
    .orderBy("dc.position").orderBy("sd.position")
    .execute();
  const days: LiveDay[] = [];
  for (const r of rows) {
    let day = days[days.length - 1];
    if (!day || day.dayOnCourseId !== r.dc_id) {
      day = {
        dayOnCourseId: r.dc_id,
        dayId: r.day_id,
        title: r.day_title,
        number: days.length + 1,
        steps: [],
      };
      days.push(day);
    }
    if (r.sd_id && r.step_id && r.step_title !== null && r.step_type !== null) {
      day.steps.push({
        stepOnDayId: r.sd_id,
        stepId: r.step_id,
        title: r.step_title,
        type: r.step_type,
      });
    }
  }
  return days;
}

/** `count(*)` and friends come back as number or string depending on the driver. */
export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

/** A nullable aggregate (median, average) as a number or null. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** `part / whole`, or null when there is no whole to compare with. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Seconds between two timestamps, as float8 (percentile_cont's argument type on PG and PGlite). */
export const durationSec = (from: string, to: string) =>
  sql<number>`extract(epoch from (${sql.ref(to)} - ${sql.ref(from)}))::float8`;
