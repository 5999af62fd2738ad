/**
 * Step authoring in the trainer studio: list, read, create, change and
 * delete steps, and say where a step is used.
 *
 * A TRAINER works on their own steps only: anyone else's step answers
 * `NotFoundError` (404), exactly like an id that does not exist. MODERATOR and
 * ADMIN see and change every step; a change by them keeps the author. A
 * learner never gets here (`requireStudio`, 403).
 *
 * One zod schema serves the page forms (strings, a "mm:ss" duration, one
 * checklist item a line, checkboxes "on") and the JSON API (numbers, arrays,
 * booleans). An EXAMINATION's test questions (`steps.checklist`) are edited
 * as flat form fields (`q.0.question`, `q.0.option.1`, `q.0.correct`,
 * `q.0.comment`, hidden `q.0.id`); a form without any `q.*` field, or a step
 * of another type, keeps the stored questions untouched. Question ids stay
 * stable across edits because learners' answers (`exam_results.test_answers`)
 * are keyed by them.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff, NotFoundError, requireStudio } from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { isId, newId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import {
  type ChecklistQuestion,
  type Step,
  STEP_TYPES,
  type StepType,
  TIMER_STEP_TYPES,
} from "@/db/schema.ts";
import { videoEmbed } from "../embeds.ts";
import { line, paragraph } from "../fields.ts";
import { invalidateCourses } from "../courses/cache.ts";
import { renderMarkdown } from "../markdown.ts";
import { type CourseRef, distinctCourses } from "./usage.ts";
import { assertUsableVideo } from "../video/library.ts";

// ------------------------------------------------------------- validation

/** Step types with a plain checklist. */
export const CHECKLIST_STEP_TYPES: readonly StepType[] = ["PRACTICE", "THEORY"];
export const MAX_CHECKLIST_ITEMS = 50;
export const MAX_DURATION_SEC = 6000;

/**
 * "mm:ss" (or "m:ss", or whole seconds) → seconds; null when unreadable.
 * "1:30" → 90, "10:00" → 600, "45" → 45.
 */
export function parseMmSs(raw: string): number | null {
  const v = raw.trim();
  const m = /^(\d{1,3}):([0-5]\d)$/.exec(v);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  if (/^\d{1,5}$/.test(v)) return Number(v);
  return null;
}

/** Seconds → "mm:ss" for the form ("01:30"; minutes may exceed 59: "100:00"). */
export function formatMmSs(sec: number | null | undefined): string {
  if (sec === null || sec === undefined) return "";
  const m = Math.floor(sec / 60), s = sec % 60;
  return `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && !v.trim());

const checkbox = z.preprocess(
  (v) => v === true || v === "on" || v === "1" || v === "true",
  z.boolean(),
);

const duration = z.preprocess(
  (v) => {
    if (blank(v)) return undefined;
    if (typeof v === "string") return parseMmSs(v) ?? Number.NaN;
    return v;
  },
  z.number({ error: "studio.steps.validation.duration" }).int({
    error: "studio.steps.validation.duration",
  }).min(1, { error: "studio.steps.validation.duration" }).max(MAX_DURATION_SEC, {
    error: "studio.steps.validation.duration",
  }).optional(),
);

const estimatedMinutes = z.preprocess(
  (v) => (blank(v) ? undefined : typeof v === "string" ? Number(v.trim()) : v),
  z.number({ error: "studio.steps.validation.estimated" }).int({
    error: "studio.steps.validation.estimated",
  }).min(1, { error: "studio.steps.validation.estimated" }).max(1440, {
    error: "studio.steps.validation.estimated",
  }).optional(),
);

const checklistItems = z.preprocess(
  (v) => {
    if (blank(v)) return [];
    const list = typeof v === "string" ? v.split(/\r?\n/) : v;
    return Array.isArray(list)
      ? list.map((x) => (typeof x === "string" ? x.trim() : x)).filter((x) => x !== "")
      : list;
  },
  z.array(line(200), { error: "studio.steps.validation.checklist" }).max(MAX_CHECKLIST_ITEMS, {
    error: "studio.steps.validation.checklistTooMany",
  }),
);

const videoUrl = z.preprocess(
  (v) => (blank(v) ? undefined : typeof v === "string" ? v.trim() : v),
  z.string().max(500, { error: "studio.steps.validation.video" }).refine(
    (u) => videoEmbed(u)?.kind === "embed",
    { error: "studio.steps.validation.video" },
  ).optional(),
);

/**
 * A video from the library (`videoId`): blank → none (null); a form without
 * the field (the template editor, a JSON client that leaves it out) → keep
 * what is stored (undefined). Whether the editor may use it is checked
 * against the database in `createStep` / `updateStep`.
 */
const videoId = z.preprocess(
  (v) => (v === undefined ? undefined : blank(v) ? null : typeof v === "string" ? v.trim() : v),
  z.string({ error: "studio.videos.pick.invalid" }).max(64, {
    error: "studio.videos.pick.invalid",
  }).nullable().optional(),
);

/** The step form's library video field (apart from `STEP_FORM_FIELDS`: templates have none). */
export const STEP_VIDEO_FIELD = "videoId";

// ------------------------------------------------------- test questions

export const MAX_QUESTIONS = 50;
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 6;

/** One test question as the form holds it: strings, as typed (`correct`: an option index). */
export interface QuestionDraft {
  id: string;
  question: string;
  option: string[];
  correct: string;
  comment: string;
}

export function blankQuestion(): QuestionDraft {
  return { id: "", question: "", option: ["", ""], correct: "", comment: "" };
}

/** Stored questions as form drafts. */
export function questionDraftsOf(list: readonly ChecklistQuestion[]): QuestionDraft[] {
  return list.map((q) => ({
    id: q.id,
    question: q.question,
    option: [...q.options],
    correct: String(q.correctIndex),
    comment: q.comment ?? "",
  }));
}

const Q_FIELD = /^q\.(\d{1,3})\.(id|question|correct|comment|option\.(\d{1,2}))$/;

/**
 * The test questions of a submitted form, in the order of their indices
 * (renumbered 0, 1, … as the form re-renders them); null when the form has
 * no `q.*` field at all (then the stored questions are kept).
 */
export function questionDrafts(form: Record<string, unknown>): QuestionDraft[] | null {
  const found = new Map<number, { d: QuestionDraft; options: Map<number, string> }>();
  for (const [key, value] of Object.entries(form)) {
    const m = Q_FIELD.exec(key);
    if (!m || typeof value !== "string") continue;
    const i = Number(m[1]);
    let q = found.get(i);
    if (!q) found.set(i, q = { d: { ...blankQuestion(), option: [] }, options: new Map() });
    if (m[3] !== undefined) q.options.set(Number(m[3]), value);
    else q.d[m[2] as "id" | "question" | "correct" | "comment"] = value;
  }
  if (!found.size) return null;
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, q]) => {
    const order = [...q.options.keys()].sort((a, b) => a - b);
    // The radio's value names a submitted index: follow it to its new place.
    const correct = order.indexOf(Number(q.d.correct));
    return {
      ...q.d,
      option: order.map((k) => q.options.get(k)!),
      correct: q.d.correct !== "" && correct >= 0 ? String(correct) : "",
    };
  });
}

export function isBlankDraft(d: QuestionDraft): boolean {
  return !d.question.trim() && !d.comment.trim() && d.option.every((o) => !o.trim());
}

/**
 * The editor's no-JavaScript buttons (`op`): `addQuestion`, `addOption.<q>`,
 * `removeQuestion.<q>`, `removeOption.<q>.<o>`. Returns the drafts changed
 * (nothing saved) and the field to focus; unknown ops change nothing.
 */
export function applyQuestionOp(
  drafts: readonly QuestionDraft[],
  op: string,
): { drafts: QuestionDraft[]; focus: string | null } {
  const out = drafts.map((d) => ({ ...d, option: [...d.option] }));
  const [name, a, b] = op.split(".");
  const qi = Number(a), oi = Number(b);
  const q = Number.isInteger(qi) ? out[qi] : undefined;
  switch (name) {
    case "addQuestion":
      if (out.length >= MAX_QUESTIONS + 1) break;
      out.push(blankQuestion());
      return { drafts: out, focus: `q.${out.length - 1}.question` };
    case "removeQuestion":
      if (!q) break;
      out.splice(qi, 1);
      return { drafts: out, focus: null };
    case "addOption":
      if (!q || q.option.length >= MAX_OPTIONS) break;
      q.option.push("");
      return { drafts: out, focus: `q.${qi}.option.${q.option.length - 1}` };
    case "removeOption": {
      if (!q || !Number.isInteger(oi) || oi < 0 || oi >= q.option.length) break;
      if (q.option.length <= MIN_OPTIONS) break;
      q.option.splice(oi, 1);
      const c = q.correct === "" ? -1 : Number(q.correct);
      q.correct = c === oi ? "" : c > oi ? String(c - 1) : q.correct;
      return { drafts: out, focus: null };
    }
  }
  return { drafts: out, focus: null };
}

const CONTROL = /[\p{Cc}]/u;
const oneLine = (v: string) => v.replace(/\s+/g, " ").trim();
const multiLine = (v: string) => v.replace(/\r\n?/g, "\n").trim();

/** Field messages for the non-blank drafts (paths `q.<i>.question` …). */
function checkQuestions(drafts: readonly QuestionDraft[], ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path: ["q", ...path], message });
  const live = drafts.filter((d) => !isBlankDraft(d));
  if (live.length > MAX_QUESTIONS) issue([], "studio.authoring.q.tooMany");
  drafts.forEach((d, i) => {
    if (isBlankDraft(d)) return;
    const text = oneLine(d.question);
    if (text.length < 3 || text.length > 500 || CONTROL.test(text)) {
      issue([i, "question"], "studio.authoring.q.question");
    }
    const filled: number[] = [];
    d.option.forEach((o, j) => {
      const v = oneLine(o);
      if (!v) return;
      filled.push(j);
      if (v.length > 200 || CONTROL.test(v)) issue([i, "option", j], "studio.authoring.q.option");
    });
    if (filled.length < MIN_OPTIONS || filled.length > MAX_OPTIONS) {
      // Shown at the first empty option (the one to fill), else past the last allowed.
      const at = filled.length < MIN_OPTIONS
        ? Math.max(0, d.option.findIndex((o) => !o.trim()))
        : MAX_OPTIONS;
      issue([i, "option", at], "studio.authoring.q.options");
    }
    const c = /^\d{1,2}$/.test(d.correct) ? Number(d.correct) : -1;
    if (!filled.includes(c)) issue([i, "correct"], "studio.authoring.q.correct");
    const comment = multiLine(d.comment);
    if (comment.length > 500 || /[^\P{Cc}\n\t]/u.test(comment)) {
      issue([i, "comment"], "studio.authoring.q.comment");
    }
  });
}

/**
 * Valid drafts as stored questions: blanks dropped, empty options dropped
 * (the correct index follows), ids kept when they are the step's own
 * (`known`), new ones otherwise.
 */
function toQuestions(drafts: readonly QuestionDraft[], known: ReadonlySet<string>) {
  const used = new Set<string>();
  return drafts.filter((d) => !isBlankDraft(d)).map((d): ChecklistQuestion => {
    const kept = d.option.map((o, j) => ({ o: oneLine(o), j })).filter((x) => x.o);
    const id = known.has(d.id) && !used.has(d.id) ? d.id : newId();
    used.add(id);
    const comment = multiLine(d.comment);
    return {
      id,
      question: oneLine(d.question),
      options: kept.map((x) => x.o),
      correctIndex: kept.findIndex((x) => x.j === Number(d.correct)),
      ...(comment ? { comment } : {}),
    };
  });
}

const questionsField = z.preprocess(
  (v) => (Array.isArray(v) ? v : undefined),
  z.array(z.object({
    id: z.string().catch(""),
    question: z.string().catch(""),
    option: z.array(z.string().catch("")).catch([]),
    correct: z.string().catch(""),
    comment: z.string().catch(""),
  })).optional(),
);

/**
 * The step form. `current`: the step's stored test questions (kept when the
 * form sends none; their ids are the ones an edit may keep).
 */
export function stepSchema(opts: { current?: readonly ChecklistQuestion[] } = {}) {
  const current = opts.current ?? [];
  return z.preprocess(
    (input) => {
      // Flat form fields (`q.0.question` …) become the `q` list the schema checks.
      if (!input || typeof input !== "object" || Array.isArray(input)) return input;
      const o = input as Record<string, unknown>;
      return "q" in o ? o : { ...o, q: questionDrafts(o) ?? undefined };
    },
    z.object({
      title: line(100).pipe(
        z.string().min(3, { error: "studio.steps.validation.title" }).max(100, {
          error: "studio.steps.validation.title",
        }),
      ),
      type: z.enum(STEP_TYPES as [StepType, ...StepType[]], {
        error: "studio.steps.validation.type",
      }),
      description: z.preprocess((v) => (blank(v) ? "" : v), paragraph(20000)),
      duration,
      estimatedMinutes,
      checklistItems,
      videoUrl,
      videoId,
      requiresWritten: checkbox,
      requiresVideo: checkbox,
      q: questionsField,
    }).superRefine((v, ctx) => {
      if (TIMER_STEP_TYPES.includes(v.type) && v.duration === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["duration"],
          message: "studio.steps.validation.duration",
        });
      }
      if (v.type !== "EXAMINATION") return;
      if (v.q) checkQuestions(v.q, ctx);
      const questions = v.q ? v.q.filter((d) => !isBlankDraft(d)).length : current.length;
      if (!v.requiresWritten && !v.requiresVideo && questions === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["requiresWritten"],
          message: "studio.steps.validation.examPart",
        });
      }
    }).transform((v) => ({
      title: v.title,
      type: v.type,
      description: v.description,
      // Only the types that have a field keep its value; the others clear it.
      durationSec: TIMER_STEP_TYPES.includes(v.type) ? v.duration ?? null : null,
      estimatedSec: v.estimatedMinutes ? v.estimatedMinutes * 60 : null,
      checklistItems: CHECKLIST_STEP_TYPES.includes(v.type) ? v.checklistItems : [],
      videoUrl: v.videoUrl ?? null,
      videoId: v.videoId,
      requiresWritten: v.type === "EXAMINATION" && v.requiresWritten,
      requiresVideo: v.type === "EXAMINATION" && v.requiresVideo,
      // undefined: keep what is stored (another type, or a form without the editor).
      checklist: v.type === "EXAMINATION" && v.q
        ? toQuestions(v.q, new Set(current.map((q) => q.id)))
        : undefined,
    })),
  );
}

export type StepInput = z.output<ReturnType<typeof stepSchema>>;

/** The form's field names, in order (labels and error links). */
export const STEP_FORM_FIELDS = [
  "title",
  "type",
  "description",
  "duration",
  "estimatedMinutes",
  "checklistItems",
  "videoUrl",
  "requiresWritten",
  "requiresVideo",
] as const;
export type StepFormField = typeof STEP_FORM_FIELDS[number];

// ------------------------------------------------------------------ views

export interface StudioStep {
  id: string;
  title: string;
  type: StepType;
  description: string;
  durationSec: number | null;
  estimatedSec: number | null;
  checklistItems: string[];
  videoUrl: string | null;
  /** A video from the library; an embed URL cannot be set beside it. */
  videoId: string | null;
  hasUploadedVideo: boolean;
  questionCount: number;
  /** EXAMINATION test questions. */
  questions: ChecklistQuestion[];
  requiresWritten: boolean;
  requiresVideo: boolean;
  authorId: string;
  authorName: string;
  createdAt: Date;
  updatedAt: Date;
}

function toView(r: Step & { author_name: string }): StudioStep {
  return {
    id: r.id,
    title: r.title,
    type: r.type,
    description: r.description,
    durationSec: r.duration_sec,
    estimatedSec: r.estimated_duration_sec,
    checklistItems: r.checklist_items,
    videoUrl: r.video_url,
    videoId: r.video_id,
    hasUploadedVideo: r.video_id !== null,
    questionCount: r.checklist.length,
    questions: r.checklist,
    requiresWritten: r.requires_written_feedback,
    requiresVideo: r.requires_video_report,
    authorId: r.author_id,
    authorName: r.author_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A stored step as the form's values (strings, duration as mm:ss). */
export function stepFormValues(
  s: StudioStep,
): Record<StepFormField | typeof STEP_VIDEO_FIELD, string> {
  return {
    videoId: s.videoId ?? "",
    title: s.title,
    type: s.type,
    description: s.description,
    duration: formatMmSs(s.durationSec),
    estimatedMinutes: s.estimatedSec ? String(Math.round(s.estimatedSec / 60)) : "",
    checklistItems: s.checklistItems.join("\n"),
    videoUrl: s.videoUrl ?? "",
    requiresWritten: s.requiresWritten ? "on" : "",
    requiresVideo: s.requiresVideo ? "on" : "",
  };
}

/** The JSON shape of a step (API). */
export function studioStepJson(s: StudioStep) {
  return {
    id: s.id,
    title: s.title,
    type: s.type,
    description: s.description,
    durationSec: s.durationSec,
    estimatedMinutes: s.estimatedSec ? Math.round(s.estimatedSec / 60) : null,
    checklistItems: s.checklistItems,
    videoUrl: s.videoUrl,
    videoId: s.videoId,
    questionCount: s.questionCount,
    requiresWritten: s.requiresWritten,
    requiresVideo: s.requiresVideo,
    authorId: s.authorId,
    updatedAt: s.updatedAt.toISOString(),
  };
}

// ------------------------------------------------------------------- list

export const STEP_SORTS = ["updated", "title", "type"] as const;
export type StepSort = typeof STEP_SORTS[number];

export const stepListQuery = z.object({
  q: z.string().max(100).optional().catch(undefined),
  sort: z.enum(STEP_SORTS).catch("updated"),
});

export interface StepListItem {
  id: string;
  title: string;
  type: StepType;
  updatedAt: Date;
  authorName: string;
  /** Days (not archived links) that contain the step. */
  dayCount: number;
}

const LIST_LIMIT = 500;

/** `%q%` for ILIKE … ESCAPE, the user's own `%`, `_` and backslash taken literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The trainer's steps (staff: everyone's), not archived; `q` searches the
 * title (case-insensitive), `sort`: recently updated first, by title, or by
 * type then title.
 */
export async function listSteps(
  s: Services,
  viewer: SessionUser | null,
  query: { q?: string; sort?: string } = {},
): Promise<StepListItem[]> {
  const user = requireStudio(viewer);
  const { q, sort } = stepListQuery.parse(query);
  let sel = s.db.selectFrom("steps as st")
    .innerJoin("users as u", "u.id", "st.author_id")
    .select([
      "st.id",
      "st.title",
      "st.type",
      "st.updated_at",
      "u.username as author_name",
      (eb) =>
        eb.selectFrom("step_on_day as sod").whereRef("sod.step_id", "=", "st.id")
          .where("sod.archived_at", "is", null)
          .select(sql<number>`count(distinct sod.day_id)::int`.as("n"))
          .as("day_count"),
    ])
    .where("st.archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("st.author_id", "=", user.id);
  const term = q?.trim();
  if (term) sel = sel.where(sql<boolean>`st.title ILIKE ${likePattern(term)} ESCAPE '\\'`);
  if (sort === "title") sel = sel.orderBy(sql`lower(st.title)`).orderBy("st.id");
  else if (sort === "type") {
    sel = sel.orderBy("st.type").orderBy(sql`lower(st.title)`).orderBy("st.id");
  } else sel = sel.orderBy("st.updated_at", "desc").orderBy("st.id", "desc");
  const rows = await sel.limit(LIST_LIMIT).execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    type: r.type,
    updatedAt: r.updated_at,
    authorName: r.author_name,
    dayCount: r.day_count ?? 0,
  }));
}

// -------------------------------------------------------------- one step

async function loadStep(s: Services, user: SessionUser, id: string): Promise<StudioStep> {
  if (!isId(id)) throw new NotFoundError();
  let sel = s.db.selectFrom("steps as st")
    .innerJoin("users as u", "u.id", "st.author_id")
    .selectAll("st")
    .select("u.username as author_name")
    .where("st.id", "=", id)
    .where("st.archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("st.author_id", "=", user.id);
  const row = await sel.executeTakeFirst();
  if (!row) throw new NotFoundError();
  return toView(row);
}

/** One step for its editor; 404 when it is not the viewer's (staff: any). */
export function getStep(s: Services, viewer: SessionUser | null, id: string): Promise<StudioStep> {
  return loadStep(s, requireStudio(viewer), id);
}

/** Where a step is used: the days that contain it, each with the courses that contain the day. */
export interface StepUsage {
  dayId: string;
  dayTitle: string;
  courses: { id: string; name: string; slug: string; published: boolean }[];
}

export async function usages(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
): Promise<StepUsage[]> {
  const user = requireStudio(viewer);
  await loadStep(s, user, stepId);
  const rows = await s.db.selectFrom("step_on_day as sod")
    .innerJoin("training_days as d", "d.id", "sod.day_id")
    .leftJoin(
      "day_on_course as doc",
      (j) => j.onRef("doc.day_id", "=", "d.id").on("doc.archived_at", "is", null),
    )
    .leftJoin("courses as c", "c.id", "doc.course_id")
    .select([
      "d.id as day_id",
      "d.title as day_title",
      "c.id as course_id",
      "c.name as course_name",
      "c.slug as course_slug",
      "c.published_at",
    ])
    .where("sod.step_id", "=", stepId)
    .where("sod.archived_at", "is", null)
    .orderBy("d.title").orderBy("d.id").orderBy("c.name")
    .execute();
  const byDay = new Map<string, StepUsage>();
  for (const r of rows) {
    let u = byDay.get(r.day_id);
    if (!u) byDay.set(r.day_id, u = { dayId: r.day_id, dayTitle: r.day_title, courses: [] });
    if (r.course_id && !u.courses.some((c) => c.id === r.course_id)) {
      u.courses.push({
        id: r.course_id,
        name: r.course_name ?? "",
        slug: r.course_slug ?? "",
        published: r.published_at !== null,
      });
    }
  }
  return [...byDay.values()];
}

/** The distinct courses a step reaches through its days. */
export function stepCourses(list: readonly StepUsage[]): CourseRef[] {
  return distinctCourses(list.map((u) => u.courses));
}

// ---------------------------------------------------------------- changes

function videoConflict(): AppError {
  return new AppError(422, "video_conflict", "studio.steps.validation.videoBoth", {
    fields: { videoUrl: "studio.steps.validation.videoBoth" },
    message: "the step has an uploaded video",
  });
}

/**
 * The library video the form asks for: one the editor may use (own, staff:
 * any; `current` stays allowed), and not beside an external link.
 */
async function checkVideo(
  s: Services,
  user: SessionUser,
  v: StepInput,
  current: string | null,
): Promise<void> {
  const chosen = v.videoId === undefined ? current : v.videoId;
  if (v.videoId && v.videoId !== current) {
    await assertUsableVideo(s, user, v.videoId, STEP_VIDEO_FIELD, current);
  }
  if (v.videoUrl && chosen) throw videoConflict();
}

/** A new step by the signed-in trainer (the author). */
export async function createStep(
  s: Services,
  viewer: SessionUser | null,
  input: unknown,
): Promise<StudioStep> {
  const user = requireStudio(viewer);
  const v = stepSchema().parse(input);
  await checkVideo(s, user, v, null);
  const id = newId();
  await s.db.insertInto("steps").values({
    id,
    title: v.title,
    type: v.type,
    description: v.description,
    duration_sec: v.durationSec,
    estimated_duration_sec: v.estimatedSec,
    checklist_items: json(v.checklistItems),
    ...(v.checklist ? { checklist: json(v.checklist) } : {}),
    video_url: v.videoUrl,
    video_id: v.videoId ?? null,
    requires_written_feedback: v.requiresWritten,
    requires_video_report: v.requiresVideo,
    author_id: user.id,
  }).execute();
  return await loadStep(s, user, id);
}

/**
 * Changes a step (every field of the form, test questions included; the
 * author and uploaded media stay). Learners see the change at once.
 */
export async function updateStep(
  s: Services,
  viewer: SessionUser | null,
  id: string,
  input: unknown,
): Promise<StudioStep> {
  const user = requireStudio(viewer);
  const current = await loadStep(s, user, id);
  const v = stepSchema({ current: current.questions }).parse(input);
  await checkVideo(s, user, v, current.videoId);
  await s.db.updateTable("steps").set({
    title: v.title,
    type: v.type,
    description: v.description,
    duration_sec: v.durationSec,
    estimated_duration_sec: v.estimatedSec,
    checklist_items: json(v.checklistItems),
    ...(v.checklist ? { checklist: json(v.checklist) } : {}),
    video_url: v.videoUrl,
    ...(v.videoId !== undefined ? { video_id: v.videoId } : {}),
    requires_written_feedback: v.requiresWritten,
    requires_video_report: v.requiresVideo,
    updated_at: new Date(),
  }).where("id", "=", id).execute();
  invalidateCourses(s);
  return await loadStep(s, user, id);
}

/** Learners have progress on the step: it cannot be deleted (409). */
export class StepInUseError extends AppError {
  constructor(learners: number) {
    super(409, "step_in_use", "studio.steps.delete.inUse", {
      data: { learners },
      message: "learners have progress on this step",
    });
    this.name = "StepInUseError";
  }
}

/** How many learners have progress on the step (any day it is on, archived links too). */
export async function learnersWithProgress(s: Services, stepId: string): Promise<number> {
  const row = await s.db.selectFrom("user_steps as us")
    .innerJoin("step_on_day as sod", "sod.id", "us.step_on_day_id")
    .select(sql<number>`count(distinct us.user_id)::int`.as("n"))
    .where("sod.step_id", "=", stepId)
    .executeTakeFirst();
  return row?.n ?? 0;
}

/**
 * What deleting would do, for the confirmation page: refused when learners
 * have progress; otherwise the days it would be taken out of.
 */
export async function deletePreview(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<{ step: StudioStep; learners: number; usages: StepUsage[] }> {
  const user = requireStudio(viewer);
  const step = await loadStep(s, user, id);
  return {
    step,
    learners: await learnersWithProgress(s, id),
    usages: await usages(s, user, id),
  };
}

/**
 * Deletes a step nobody has progress on (409 `StepInUseError` otherwise),
 * taking it out of the days that contain it. Checked again inside the
 * transaction, so progress that starts meanwhile still wins.
 */
export async function deleteStep(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<void> {
  const user = requireStudio(viewer);
  await loadStep(s, user, id);
  await s.db.transaction().execute(async (trx) => {
    // Lock the step row: progress cannot be linked to it while we decide.
    await trx.selectFrom("steps").select("id").where("id", "=", id).forUpdate().execute();
    const row = await trx.selectFrom("user_steps as us")
      .innerJoin("step_on_day as sod", "sod.id", "us.step_on_day_id")
      .select(sql<number>`count(distinct us.user_id)::int`.as("n"))
      .where("sod.step_id", "=", id)
      .executeTakeFirst();
    if (row && row.n > 0) throw new StepInUseError(row.n);
    await trx.deleteFrom("step_on_day").where("step_id", "=", id).execute();
    await trx.deleteFrom("steps").where("id", "=", id).execute();
  });
  invalidateCourses(s);
}

// ---------------------------------------------------------------- preview

export const previewSchema = z.object({ markdown: z.string().max(20000) });

/** A description rendered exactly as learners see it (the same sanitizer). */
export function previewMarkdown(viewer: SessionUser | null, input: unknown): string {
  requireStudio(viewer);
  return renderMarkdown(previewSchema.parse(input).markdown);
}
