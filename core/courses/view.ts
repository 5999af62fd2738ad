/**
 * A learner's view of one course: the outline with each day's status and
 * lock, the day to go to next, progress and the favourite star. What the
 * course page and the outline API show.
 */
import type { Services } from "../services.ts";
import { requireCourse, type Viewer } from "./access.ts";
import type { CourseOutline, OutlineDay } from "./outline.ts";
import { type CourseProgress, progressDetails } from "./progress.ts";
import type { TrainingStatus } from "@/db/schema.ts";
import type { Locale } from "../i18n/mod.ts";
import { personalValues } from "../personalisation/store.ts";
import { anyPlaceholders, personaliser } from "../personalisation/apply.ts";

export interface DayView extends OutlineDay {
  status: TrainingStatus;
  /** A summary day stays locked until every other day is completed. */
  locked: boolean;
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
  viewer: (Viewer & { username?: string }) | null,
  locale: Locale = "ru",
): Promise<CourseView> {
  const course = await personaliseOutline(s, await requireCourse(s, slug, viewer), viewer, locale);
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

/** Day titles with the viewer's values (neutral words for visitors and missing values). */
async function personaliseOutline(
  s: Services,
  course: CourseOutline,
  viewer: (Viewer & { username?: string }) | null,
  locale: Locale,
): Promise<CourseOutline> {
  if (!anyPlaceholders(course.days.map((d) => d.title))) return course;
  const p = personaliser(await personalValues(s, viewer, course), locale);
  return { ...course, days: course.days.map((d) => ({ ...d, title: p.text(d.title) })) };
}
