/**
 * A learner's day page: the day's content (shared by everyone, cached until
 * content changes) and the learner's progress on it (one query). Opening it
 * writes nothing: a step without a row is NOT_STARTED, and the rows are
 * created by the learner's first action (`stepForLearner`); reading a theory
 * step is an action too (`complete`, sent by the island or the "read"
 * button). The one write a GET may cause is a timer whose time ran out while
 * nobody looked: it is completed by the step-finished job's own completion
 * (with its notification, once), arriving early.
 */
import type { Kysely } from "kysely";
import type { Services } from "../services.ts";
import { courseOutline, type Viewer } from "../courses/access.ts";
import { COURSES_TAG } from "../courses/cache.ts";
import { mediaPath, videoImagePath } from "../paths.ts";
import type { OutlineDay } from "../courses/outline.ts";
import { NotFoundError } from "../auth/guards.ts";
import { isId } from "@/platform/ids.ts";
import { prepared } from "@/db/prepared.ts";
import { renderMarkdown } from "../markdown.ts";
import { type VideoEmbed, videoEmbed } from "../embeds.ts";
import type {
  ChecklistQuestion,
  Database,
  DayType,
  StepType,
  TrainingStatus,
} from "@/db/schema.ts";
import { daysLeftBeforeSummary, loadDayStatuses, lockedDays } from "./progress.ts";
import { currentStepIndex, deriveStatus } from "./status.ts";
import { type ExamResultView, examResultView } from "./exams.ts";
import { courseDiary, type DiaryEntryView } from "./diary.ts";
import { finishTimer, isRunning, isTimerStep, remainingMs } from "./steps.ts";
import type { UserStepRow } from "./context.ts";
import "./media.ts";
import { personalValues } from "../personalisation/store.ts";
import { anyPlaceholders, personaliser } from "../personalisation/apply.ts";
import type { Locale } from "../i18n/mod.ts";

const CONTENT_TTL_MS = 60_000;

export interface StepContentView {
  stepOnDayId: string;
  stepId: string;
  title: string;
  type: StepType;
  /** The Markdown source (placeholders are substituted per learner). */
  description: string;
  descriptionHtml: string;
  durationSec: number | null;
  estimatedSec: number | null;
  embed: VideoEmbed | null;
  /** A trainer's video, when it is transcoded (READY): the player island shows it. */
  video: { id: string; poster: string | null } | null;
  images: string[];
  pdfs: { url: string; name: string }[];
  checklist: ChecklistQuestion[];
  /** The plain checklist the trainer wrote (practice, theory): one line an item. */
  checklistItems: string[];
  requiresVideo: boolean;
  requiresWritten: boolean;
  passPercent: number;
}

export interface DayContent {
  dayOnCourseId: string;
  dayId: string;
  courseId: string;
  title: string;
  type: DayType;
  description: string;
  descriptionHtml: string;
  equipment: string;
  shared: boolean;
  steps: StepContentView[];
}

/** The day's content as every learner sees it (cached, dropped on content changes). */
export function dayContent(s: Services, dayOnCourseId: string): Promise<DayContent | null> {
  return s.cache.get(
    `training:day:${dayOnCourseId}`,
    { ttlMs: CONTENT_TTL_MS, tags: [COURSES_TAG] },
    () => loadDayContent(s, dayOnCourseId),
  );
}

async function loadDayContent(s: Services, dayOnCourseId: string): Promise<DayContent | null> {
  const day = await s.db.selectFrom("day_on_course as dc")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .select([
      "dc.id",
      "dc.course_id",
      "d.id as day_id",
      "d.title",
      "d.type",
      "d.description",
      "d.equipment",
      "d.share_progress_across_courses",
    ])
    .where("dc.id", "=", dayOnCourseId)
    .where("dc.archived_at", "is", null)
    .executeTakeFirst();
  if (!day) return null;
  const steps = await s.db.selectFrom("step_on_day as sd")
    .innerJoin("steps as st", "st.id", "sd.step_id")
    // Only a READY video is shown; until then the step reads as if it had none.
    .leftJoin(
      "videos as v",
      (j) => j.onRef("v.id", "=", "st.video_id").on("v.status", "=", "READY"),
    )
    .select([
      "v.id as video_id",
      "v.thumbnail_key as video_thumb",
      "sd.id as sd_id",
      "st.id",
      "st.title",
      "st.type",
      "st.description",
      "st.duration_sec",
      "st.estimated_duration_sec",
      "st.video_url",
      "st.images",
      "st.pdfs",
      "st.checklist",
      "st.checklist_items",
      "st.requires_video_report",
      "st.requires_written_feedback",
      "st.pass_percent",
    ])
    .where("sd.day_id", "=", day.day_id)
    .where("sd.archived_at", "is", null)
    .orderBy("sd.position")
    .execute();
  return {
    dayOnCourseId: day.id,
    dayId: day.day_id,
    courseId: day.course_id,
    title: day.title,
    type: day.type,
    description: day.description,
    descriptionHtml: renderMarkdown(day.description),
    equipment: day.equipment,
    shared: day.share_progress_across_courses,
    steps: steps.map((st) => ({
      stepOnDayId: st.sd_id,
      stepId: st.id,
      title: st.title,
      type: st.type,
      description: st.description,
      descriptionHtml: renderMarkdown(st.description),
      durationSec: st.duration_sec,
      estimatedSec: st.estimated_duration_sec,
      embed: videoEmbed(st.video_url),
      video: st.video_id
        ? { id: st.video_id, poster: st.video_thumb ? videoImagePath(st.video_id, "poster") : null }
        : null,
      images: st.images.map(mediaPath),
      pdfs: st.pdfs.map((p) => ({ url: mediaPath(p.key), name: p.name })),
      checklist: st.checklist,
      checklistItems: st.checklist_items,
      requiresVideo: st.requires_video_report,
      requiresWritten: st.requires_written_feedback,
      passPercent: st.pass_percent,
    })),
  };
}

export interface StepView extends StepContentView {
  index: number;
  status: TrainingStatus;
  paused: boolean;
  /** Timer steps: time left at render; null otherwise. */
  remainingMs: number | null;
  endsAt: Date | null;
  activeSeconds: number;
  exam: ExamResultView | null;
  /** Where the learner left the step's video (seconds), to resume there. */
  videoStartAt: number;
}

export interface DayPage {
  course: { id: string; slug: string; name: string };
  day: DayContent & { number: number | null; position: number };
  /** The day's status in this course (COMPLETED also when a shared day was done elsewhere). */
  status: TrainingStatus;
  completedElsewhere: boolean;
  locked: boolean;
  /** Days to complete before a locked summary opens. */
  daysLeft: number;
  steps: StepView[];
  /** The step shown expanded. */
  openIndex: number;
  done: number;
  prev: OutlineDay | null;
  next: OutlineDay | null;
  /** Diary entries of the course (when the day has a diary step). */
  diary: DiaryEntryView[];
  now: Date;
}

interface ProgressRow {
  ut_id: string;
  ut_status: TrainingStatus;
  us: UserStepRow | null;
  exam: Parameters<typeof examResultView>[0] | null;
}

/**
 * The query behind a day page's progress: the learner's user_training, its
 * steps and their exams (exported so the benchmark runs the same SQL).
 */
export function progressQuery(db: Kysely<Database>, userId: string, dayOnCourseId: string) {
  return db.selectFrom("user_trainings as ut")
    .leftJoin("user_steps as us", "us.user_training_id", "ut.id")
    .leftJoin("exam_results as er", "er.user_step_id", "us.id")
    .select([
      "ut.id as ut_id",
      "ut.status as ut_status",
      "us.id",
      "us.step_on_day_id",
      "us.status",
      "us.paused",
      "us.remaining_sec",
      "us.timer_started_at",
      "us.timer_ends_at",
      "us.active_seconds",
      "us.notification_job_id",
      "us.completed_at",
      "er.id as er_id",
      "er.status as er_status",
      "er.test_answers",
      "er.test_score",
      "er.test_max_score",
      "er.written_answer",
      "er.video_key",
      "er.video_deleted_at",
      "er.trainer_comment",
      "er.reviewed_at",
      "er.submitted_at",
    ])
    .where("ut.user_id", "=", userId)
    .where("ut.day_on_course_id", "=", dayOnCourseId);
}

// Prepared: every day page view runs it.
const dayProgress = prepared((db, p: { userId: string; dayOnCourseId: string }) =>
  progressQuery(db, p.userId, p.dayOnCourseId)
);

/** The learner's rows for a day, by step_on_day id. */
async function loadProgress(s: Services, userId: string, dayOnCourseId: string) {
  const rows = await dayProgress(s.db, { userId, dayOnCourseId });
  const out = new Map<string, ProgressRow>();
  for (const r of rows) {
    if (!r.id || !r.step_on_day_id) continue;
    out.set(r.step_on_day_id, {
      ut_id: r.ut_id,
      ut_status: r.ut_status,
      us: {
        id: r.id,
        user_training_id: r.ut_id,
        step_on_day_id: r.step_on_day_id,
        user_id: userId,
        status: r.status!,
        paused: r.paused!,
        remaining_sec: r.remaining_sec,
        timer_started_at: r.timer_started_at,
        timer_ends_at: r.timer_ends_at,
        active_seconds: r.active_seconds ?? 0,
        notification_job_id: r.notification_job_id,
        completed_at: r.completed_at,
        created_at: new Date(0),
        updated_at: new Date(0),
      },
      exam: r.er_id
        ? {
          id: r.er_id,
          status: r.er_status!,
          test_answers: r.test_answers ?? {},
          test_score: r.test_score,
          test_max_score: r.test_max_score,
          written_answer: r.written_answer,
          video_key: r.video_key,
          video_deleted_at: r.video_deleted_at,
          trainer_comment: r.trainer_comment,
          reviewed_at: r.reviewed_at,
          submitted_at: r.submitted_at!,
        }
        : null,
    });
  }
  return { steps: out };
}

/**
 * Everything the day page shows to `user`, or NotFoundError when the course
 * or day is not theirs to see. `openIndex`: the step the learner asked to
 * expand (`?step=` index or `?open=` step-on-day id), else the first
 * unfinished one.
 */
export async function openDay(
  s: Services,
  user: Viewer & { username?: string },
  slug: string,
  dayOnCourseId: string,
  opts: {
    openIndex?: number | null;
    openStepOnDayId?: string | null;
    now?: Date;
    /** The learner's language, for the neutral words of missing personal values. */
    locale?: Locale;
  } = {},
): Promise<DayPage> {
  const now = opts.now ?? new Date();
  if (!isId(dayOnCourseId)) throw new NotFoundError();
  const outline = await courseOutline(s, slug, user);
  if (!outline) throw new NotFoundError();
  const at = outline.days.findIndex((d) => d.dayOnCourseId === dayOnCourseId);
  if (at < 0) throw new NotFoundError();
  const cached = await dayContent(s, dayOnCourseId);
  if (!cached) throw new NotFoundError();
  const content = await personaliseDay(s, user, outline, cached, opts.locale ?? "ru");
  const outlineDay = outline.days[at];

  const base = {
    course: { id: outline.id, slug: outline.slug, name: outline.name },
    day: { ...content, number: outlineDay.number, position: at },
    prev: at > 0 ? outline.days[at - 1] : null,
    next: at < outline.days.length - 1 ? outline.days[at + 1] : null,
    now,
  };

  // Summary days wait for the rest of the course; shared days may be done elsewhere.
  let completedElsewhere = false;
  if (content.type === "summary" || content.shared) {
    const rows = await loadDayStatuses(s.db, user.id, outline.id);
    const mine = rows.find((r) => r.dayOnCourseId === dayOnCourseId);
    completedElsewhere = mine?.fromOtherCourse ?? false;
    if (lockedDays(rows).has(dayOnCourseId)) {
      return {
        ...base,
        status: "NOT_STARTED",
        completedElsewhere: false,
        locked: true,
        daysLeft: daysLeftBeforeSummary(rows),
        steps: [],
        openIndex: 0,
        done: 0,
        diary: [],
      };
    }
  }

  let progress = await loadProgress(s, user.id, dayOnCourseId);
  const statuses = () =>
    content.steps.map((st) => progress.steps.get(st.stepOnDayId)?.us?.status ?? "NOT_STARTED");
  const byId = opts.openStepOnDayId
    ? content.steps.findIndex((st) => st.stepOnDayId === opts.openStepOnDayId)
    : -1;
  const requested = byId >= 0 ? byId : opts.openIndex ?? null;
  const openIndex = requested !== null && requested >= 0 && requested < content.steps.length
    ? requested
    : currentStepIndex(statuses());
  const expired = [...progress.steps.values()].some((p) =>
    p.us && isRunning(p.us) && p.us.timer_ends_at!.getTime() <= now.getTime()
  );
  if (expired) {
    // Through the job's own path (its notification included), once: the
    // step-finished job arriving later, or first, finds the step completed.
    for (const p of progress.steps.values()) {
      if (p.us && isRunning(p.us) && p.us.timer_ends_at!.getTime() <= now.getTime()) {
        await finishTimer(s, p.us.id, null, { now });
      }
    }
  }
  if (expired) progress = await loadProgress(s, user.id, dayOnCourseId);
  const videoStarts = await videoPositions(s, user.id, content.steps);

  const steps: StepView[] = content.steps.map((st, index) => {
    const p = progress.steps.get(st.stepOnDayId);
    const us = p?.us;
    const timer = isTimerStep(st.type) ? st.durationSec : null;
    return {
      ...st,
      index,
      status: us?.status ?? "NOT_STARTED",
      paused: us?.paused ?? false,
      remainingMs: us ? remainingMs(us, timer, now) : timer === null ? null : timer * 1000,
      endsAt: us && isRunning(us) ? us.timer_ends_at : null,
      activeSeconds: us?.active_seconds ?? 0,
      exam: p?.exam ? examResultView(p.exam, st.checklist, st.passPercent) : null,
      videoStartAt: st.video ? videoStarts.get(st.video.id) ?? 0 : 0,
    };
  });
  const own = deriveStatus(steps);
  const diary = content.steps.some((st) => st.type === "DIARY")
    ? await courseDiary(s, user.id, outline.id)
    : [];
  return {
    ...base,
    status: completedElsewhere ? "COMPLETED" : own,
    completedElsewhere,
    locked: false,
    daysLeft: 0,
    steps,
    openIndex,
    done: steps.filter((st) => st.status === "COMPLETED").length,
    diary,
  };
}

/** The learner's resume positions for the day's videos (no query when it has none). */
async function videoPositions(
  s: Services,
  userId: string,
  steps: StepContentView[],
): Promise<Map<string, number>> {
  const ids = [...new Set(steps.flatMap((st) => st.video ? [st.video.id] : []))];
  if (!ids.length) return new Map();
  const rows = await s.db.selectFrom("video_progress").select(["video_id", "position_sec"])
    .where("user_id", "=", userId).where("video_id", "in", ids).execute();
  return new Map(rows.map((r) => [r.video_id, r.position_sec]));
}

/**
 * The day's texts with the learner's values. A personalised course needs
 * them first (`PersonalisationRequiredError`: the page sends the learner to
 * the form); other courses are looked up only when a text has a placeholder.
 */
async function personaliseDay(
  s: Services,
  user: Viewer & { username?: string },
  course: { id: string; slug: string; personalised: boolean },
  content: DayContent,
  locale: Locale,
): Promise<DayContent> {
  const texts = [content.title, content.description];
  for (const st of content.steps) texts.push(st.title, st.description, ...st.checklistItems);
  if (!course.personalised && !anyPlaceholders(texts)) return content;
  const values = await personalValues(s, user, course, { require: true });
  if (!anyPlaceholders(texts)) return content;
  const p = personaliser(values, locale);
  return {
    ...content,
    title: p.text(content.title),
    descriptionHtml: p.html(content.description, content.descriptionHtml),
    steps: content.steps.map((st) => ({
      ...st,
      title: p.text(st.title),
      descriptionHtml: p.html(st.description, st.descriptionHtml),
      checklistItems: st.checklistItems.map(p.text),
    })),
  };
}
