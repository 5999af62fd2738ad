/**
 * "What should I do next?" for places outside the learner's pages (the bot's
 * /progress and /next, reminders): the courses a learner has under way with
 * their percent, and the step to open. The rules are the web app's: day
 * statuses and locks from the progress engine (`progressDetails`,
 * `dayViews`: the first unfinished open day with steps, a summary day only
 * once every other day is done), then the first step of that day the
 * learner has not completed, in the day's order. Courses the learner can no
 * longer see (access withdrawn, unpublished) are left out.
 */
import type { Services } from "../services.ts";
import type { Role } from "@/db/schema.ts";
import { canViewCourse } from "../courses/access.ts";
import { loadCourseOutline } from "../courses/outline.ts";
import { progressDetails } from "../courses/progress.ts";
import { dayViews } from "../courses/view.ts";
import { dayContent } from "./day.ts";
import { stepPath } from "../paths.ts";
import { personalValues } from "../personalisation/store.ts";
import { anyPlaceholders, personaliser } from "../personalisation/apply.ts";
import type { Locale } from "../i18n/mod.ts";

export interface NextStepRef {
  /** The step's title (with the learner's personal values). */
  title: string;
  dayTitle: string;
  dayOnCourseId: string;
  stepOnDayId: string;
  /** App path of the step on its day page (`absoluteUrl` it for links leaving the site). */
  url: string;
}

export interface CourseInProgress {
  courseId: string;
  name: string;
  slug: string;
  /** Completed days with steps, 0..100, rounded down (100 only when all are done). */
  percent: number;
  next: NextStepRef | null;
  /** The learner's last action in the course (ordering: most recent first). */
  lastActiveAt: Date | null;
}

interface Learner {
  id: string;
  role: Role;
  username: string;
  locale: Locale;
}

/** The courses under way for a learner, the most recently active first. */
export async function coursesInProgress(
  s: Services,
  userId: string,
): Promise<CourseInProgress[]> {
  const learner = await s.db.selectFrom("users")
    .select(["id", "role", "username", "locale"])
    .where("id", "=", userId).where("disabled_at", "is", null)
    .executeTakeFirst();
  if (!learner) return [];
  const details = await progressDetails(s, userId);
  const ids = [...details].filter(([, d]) => d.progress.status === "IN_PROGRESS").map(([id]) => id);
  if (!ids.length) return [];
  const [courses, activity] = await Promise.all([
    s.db.selectFrom("courses").select(["id", "slug"]).where("id", "in", ids).execute(),
    s.db.selectFrom("user_trainings as ut")
      .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
      .select(["dc.course_id", (eb) => eb.fn.max("ut.updated_at").as("at")])
      .where("ut.user_id", "=", userId).where("dc.course_id", "in", ids)
      .groupBy("dc.course_id").execute(),
  ]);
  const lastOf = new Map(activity.map((r) => [r.course_id, r.at ? new Date(r.at) : null]));
  const out: CourseInProgress[] = [];
  for (const c of courses) {
    const outline = await loadCourseOutline(s, c.slug);
    if (!outline || !await canViewCourse(s, outline, learner)) continue;
    const detail = details.get(c.id)!;
    const v = dayViews(outline.days, detail.statuses);
    const percent = v.total > 0 ? Math.floor((v.completed / v.total) * 100) : 0;
    out.push({
      courseId: c.id,
      name: outline.name,
      slug: outline.slug,
      percent,
      next: v.next ? await firstOpenStep(s, learner, outline, v.next.dayOnCourseId) : null,
      lastActiveAt: lastOf.get(c.id) ?? null,
    });
  }
  return out.sort((a, b) =>
    (b.lastActiveAt?.getTime() ?? 0) - (a.lastActiveAt?.getTime() ?? 0) ||
    a.name.localeCompare(b.name)
  );
}

export interface NextStep extends NextStepRef {
  courseId: string;
  courseName: string;
  slug: string;
  percent: number;
}

/**
 * The next step to do today: the first step not completed of the most
 * recently active course that still has one (open days only), or null when
 * nothing is under way. `now` is the moment asked about: a course whose last
 * action lies in the future of `now` (clock skew, fake time) still counts.
 */
export async function nextStep(
  s: Services,
  userId: string,
  now: Date = new Date(),
): Promise<NextStep | null> {
  const courses = await coursesInProgress(s, userId);
  // Most recent activity up to `now` first; activity stamped later than `now` is not "before".
  const ranked = courses.filter((c) => c.next !== null).sort((a, b) =>
    atOrBefore(b.lastActiveAt, now) - atOrBefore(a.lastActiveAt, now)
  );
  const c = ranked[0];
  if (!c?.next) return null;
  return { ...c.next, courseId: c.courseId, courseName: c.name, slug: c.slug, percent: c.percent };
}

function atOrBefore(d: Date | null, now: Date): number {
  return d ? Math.min(d.getTime(), now.getTime()) : 0;
}

async function firstOpenStep(
  s: Services,
  learner: Learner,
  course: { id: string; slug: string; personalised: boolean },
  dayOnCourseId: string,
): Promise<NextStepRef | null> {
  const content = await dayContent(s, dayOnCourseId);
  if (!content || !content.steps.length) return null;
  const done = await s.db.selectFrom("user_trainings as ut")
    .innerJoin("user_steps as us", "us.user_training_id", "ut.id")
    .select("us.step_on_day_id")
    .where("ut.user_id", "=", learner.id)
    .where("ut.day_on_course_id", "=", dayOnCourseId)
    .where("us.status", "=", "COMPLETED")
    .execute();
  const completed = new Set(done.map((r) => r.step_on_day_id));
  const step = content.steps.find((st) => !completed.has(st.stepOnDayId)) ?? content.steps[0];
  let title = step.title;
  let dayTitle = content.title;
  if (anyPlaceholders([title, dayTitle])) {
    const p = personaliser(await personalValues(s, learner, course), learner.locale);
    title = p.text(title);
    dayTitle = p.text(dayTitle);
  }
  return {
    title,
    dayTitle,
    dayOnCourseId,
    stepOnDayId: step.stepOnDayId,
    url: stepPath(course.slug, dayOnCourseId, step.stepOnDayId),
  };
}
