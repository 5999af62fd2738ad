/**
 * The studio's template library: ready-made steps grouped by category.
 *
 * Who may do what (every rule here, none in routes):
 * - every studio user (TRAINER, MODERATOR, ADMIN) browses and searches the
 *   library (public templates, plus their own) and creates a step from a
 *   template: the content is copied into a new step of theirs, and the
 *   template's usage count goes up by one per use, atomically;
 * - every studio user saves one of *their* steps as a template (staff: any
 *   step) — a step they may not open answers 404, as in the step editor;
 * - a template is removed by its author, or by MODERATOR or ADMIN (they
 *   moderate the shared library). Another trainer's template is visible in
 *   the library, so removing it is refused with 403 (not 404: its existence
 *   is no secret);
 * - a template's content, category and tags are edited by its author, or by
 *   MODERATOR or ADMIN, with the step form and schema (`stepSchema`); anyone
 *   else sees a public template read-only and an edit answers 404;
 * - categories (create, rename, delete while empty) are ADMIN's alone, as in
 *   the original; a MODERATOR gets 403 there.
 *
 * A template stores the same content as a step: `STEP_CONTENT_COLUMNS` is
 * checked by the compiler against both tables, so a column steps gain must be
 * added to templates (and to the list) or this file stops compiling.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import {
  ForbiddenError,
  isStaff,
  NotFoundError,
  requireRole,
  requireStudio,
} from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { isId, newId } from "@/platform/ids.ts";
import { isUniqueViolation, json } from "@/db/connection.ts";
import type { ChecklistQuestion, StepsTable, StepTemplatesTable, StepType } from "@/db/schema.ts";
import { line, paragraph } from "../fields.ts";
import { formatMmSs, getStep, likePattern, type StepFormField, stepSchema } from "./steps.ts";

// ----------------------------------------------------------- the content

type SharedColumn = Exclude<
  keyof StepsTable & keyof StepTemplatesTable,
  "id" | "author_id" | "created_at" | "updated_at"
>;

/** Every content column a step and a template share (copied both ways). */
export const STEP_CONTENT_COLUMNS = [
  "title",
  "description",
  "type",
  "duration_sec",
  "estimated_duration_sec",
  "video_url",
  "video_id",
  "images",
  "pdfs",
  "checklist",
  "checklist_items",
  "requires_video_report",
  "requires_written_feedback",
  "pass_percent",
] as const satisfies readonly SharedColumn[];

// A shared column missing from the list fails to compile here.
type Missing = Exclude<SharedColumn, typeof STEP_CONTENT_COLUMNS[number]>;
const _allColumns: [Missing] extends [never] ? true : Missing = true;

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && !v.trim());

/** Only ADMIN manages categories. */
function requireCategoryAdmin(viewer: SessionUser | null): SessionUser {
  return requireRole(viewer, ["ADMIN"]);
}

// ------------------------------------------------------------ categories

export interface TemplateCategory {
  id: string;
  name: string;
  description: string | null;
  icon: string | null;
  /** Templates in it (all of them, for the admin page). */
  templateCount: number;
}

/** Every category in library order (position, then name). */
export async function listCategories(
  s: Services,
  viewer: SessionUser | null,
): Promise<TemplateCategory[]> {
  requireStudio(viewer);
  const rows = await s.db.selectFrom("step_categories as c")
    .select([
      "c.id",
      "c.name",
      "c.description",
      "c.icon",
      (eb) =>
        eb.selectFrom("step_templates as t").whereRef("t.category_id", "=", "c.id")
          .select(sql<number>`count(*)::int`.as("n")).as("template_count"),
    ])
    .orderBy("c.position").orderBy("c.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    icon: r.icon,
    templateCount: r.template_count ?? 0,
  }));
}

const categoryName = line(100).pipe(
  z.string().min(1, { error: "studio.templates.validation.categoryName" }).max(100, {
    error: "studio.templates.validation.categoryName",
  }),
);

export const categorySchema = z.object({
  name: categoryName,
  description: z.preprocess(
    (v) => (blank(v) ? undefined : v),
    paragraph(1000).optional(),
  ),
  icon: z.preprocess(
    (v) => (blank(v) ? undefined : v),
    line(16).optional(),
  ),
});

export const renameCategorySchema = z.object({ name: categoryName });

function nameTaken(): AppError {
  return new AppError(422, "category_exists", "studio.templates.validation.categoryTaken", {
    fields: { name: "studio.templates.validation.categoryTaken" },
    message: "a category with this name exists",
  });
}

async function nameInUse(s: Services, name: string, except?: string): Promise<boolean> {
  let sel = s.db.selectFrom("step_categories").select("id")
    .where(sql<boolean>`lower(name) = lower(${name})`);
  if (except) sel = sel.where("id", "<>", except);
  return (await sel.executeTakeFirst()) !== undefined;
}

/** A new category, last in the library (ADMIN). */
export async function createCategory(
  s: Services,
  viewer: SessionUser | null,
  input: unknown,
): Promise<string> {
  requireCategoryAdmin(viewer);
  const v = categorySchema.parse(input);
  if (await nameInUse(s, v.name)) throw nameTaken();
  const id = newId();
  try {
    await s.db.insertInto("step_categories").values({
      id,
      name: v.name,
      description: v.description ?? null,
      icon: v.icon ?? null,
      position: sql<number>`(SELECT coalesce(max(position) + 1, 0) FROM step_categories)`,
    }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  return id;
}

/** Renames a category (ADMIN); 404 for an unknown id. */
export async function renameCategory(
  s: Services,
  viewer: SessionUser | null,
  id: string,
  input: unknown,
): Promise<void> {
  requireCategoryAdmin(viewer);
  if (!isId(id)) throw new NotFoundError();
  const v = renameCategorySchema.parse(input);
  if (await nameInUse(s, v.name, id)) throw nameTaken();
  try {
    const res = await s.db.updateTable("step_categories")
      .set({ name: v.name, updated_at: new Date() })
      .where("id", "=", id).executeTakeFirst();
    if (!res.numUpdatedRows) throw new NotFoundError();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/** The category still holds templates (409). */
export class CategoryNotEmptyError extends AppError {
  constructor(templates: number) {
    super(409, "category_not_empty", "studio.templates.categories.notEmpty", {
      data: { templates },
      message: "the category holds templates",
    });
    this.name = "CategoryNotEmptyError";
  }
}

/**
 * Deletes an empty category (ADMIN). The row is locked first, so a template
 * saved into it meanwhile (which takes a key-share lock on it) wins or waits.
 */
export async function deleteCategory(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<void> {
  requireCategoryAdmin(viewer);
  if (!isId(id)) throw new NotFoundError();
  await s.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("step_categories").select("id").where("id", "=", id)
      .forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError();
    const count = await trx.selectFrom("step_templates")
      .select(sql<number>`count(*)::int`.as("n")).where("category_id", "=", id)
      .executeTakeFirst();
    if (count && count.n > 0) throw new CategoryNotEmptyError(count.n);
    await trx.deleteFrom("step_categories").where("id", "=", id).execute();
  });
}

// --------------------------------------------------------------- library

/** `category`: a category id, `none` (templates without one), or absent (all). */
export const templateListQuery = z.object({
  q: z.string().max(100).optional().catch(undefined),
  category: z.string().max(64).optional().catch(undefined),
});

export interface TemplateListItem {
  id: string;
  title: string;
  type: StepType;
  tags: string[];
  usageCount: number;
  authorName: string | null;
}

export interface TemplateGroup {
  /** null: templates without a category (listed last). */
  category: { id: string; name: string; icon: string | null; description: string | null } | null;
  templates: TemplateListItem[];
}

const LIST_LIMIT = 500;

/**
 * The library grouped by category (library order; groups without a match are
 * left out), templates by title. `q` searches title, description and tags,
 * case-insensitively.
 */
export async function listTemplates(
  s: Services,
  viewer: SessionUser | null,
  query: { q?: string; category?: string } = {},
): Promise<TemplateGroup[]> {
  const user = requireStudio(viewer);
  const { q, category } = templateListQuery.parse(query);
  let sel = s.db.selectFrom("step_templates as t")
    .leftJoin("step_categories as c", "c.id", "t.category_id")
    .leftJoin("users as u", "u.id", "t.author_id")
    .select([
      "t.id",
      "t.title",
      "t.type",
      "t.tags",
      "t.usage_count",
      "u.username as author_name",
      "c.id as category_id",
      "c.name as category_name",
      "c.icon as category_icon",
      "c.description as category_description",
      "c.position as category_position",
    ]);
  if (!isStaff(user)) {
    sel = sel.where((eb) => eb.or([eb("t.is_public", "=", true), eb("t.author_id", "=", user.id)]));
  }
  if (category === "none") sel = sel.where("t.category_id", "is", null);
  else if (category) sel = sel.where("t.category_id", "=", category);
  const term = q?.trim();
  if (term) {
    const p = likePattern(term);
    sel = sel.where(sql<boolean>`(t.title ILIKE ${p} ESCAPE '\\'
      OR t.description ILIKE ${p} ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(t.tags) AS tag
                 WHERE tag ILIKE ${p} ESCAPE '\\'))`);
  }
  const rows = await sel
    .orderBy(sql`c.position IS NULL`).orderBy("c.position").orderBy("c.name")
    .orderBy(sql`lower(t.title)`).orderBy("t.id")
    .limit(LIST_LIMIT).execute();
  const groups: TemplateGroup[] = [];
  for (const r of rows) {
    let g = groups.at(-1);
    if (!g || (g.category?.id ?? null) !== r.category_id) {
      g = {
        category: r.category_id
          ? {
            id: r.category_id,
            name: r.category_name ?? "",
            icon: r.category_icon,
            description: r.category_description,
          }
          : null,
        templates: [],
      };
      groups.push(g);
    }
    g.templates.push({
      id: r.id,
      title: r.title,
      type: r.type,
      tags: r.tags,
      usageCount: r.usage_count,
      authorName: r.author_name,
    });
  }
  return groups;
}

// ---------------------------------------------------------- one template

export interface StudioTemplate {
  id: string;
  title: string;
  type: StepType;
  description: string;
  durationSec: number | null;
  estimatedSec: number | null;
  checklistItems: string[];
  questionCount: number;
  questions: ChecklistQuestion[];
  videoUrl: string | null;
  hasUploadedVideo: boolean;
  requiresWritten: boolean;
  requiresVideo: boolean;
  categoryId: string | null;
  categoryName: string | null;
  tags: string[];
  usageCount: number;
  authorId: string | null;
  authorName: string | null;
  /** The viewer may remove it (author, MODERATOR, ADMIN). */
  canRemove: boolean;
  /** The viewer may edit it (the same people). */
  canEdit: boolean;
}

async function loadTemplate(s: Services, user: SessionUser, id: string): Promise<StudioTemplate> {
  if (!isId(id)) throw new NotFoundError();
  let sel = s.db.selectFrom("step_templates as t")
    .leftJoin("step_categories as c", "c.id", "t.category_id")
    .leftJoin("users as u", "u.id", "t.author_id")
    .selectAll("t")
    .select(["c.name as category_name", "u.username as author_name"])
    .where("t.id", "=", id);
  if (!isStaff(user)) {
    sel = sel.where((eb) => eb.or([eb("t.is_public", "=", true), eb("t.author_id", "=", user.id)]));
  }
  const r = await sel.executeTakeFirst();
  if (!r) throw new NotFoundError();
  return {
    id: r.id,
    title: r.title,
    type: r.type,
    description: r.description,
    durationSec: r.duration_sec,
    estimatedSec: r.estimated_duration_sec,
    checklistItems: r.checklist_items,
    questionCount: r.checklist.length,
    questions: r.checklist,
    videoUrl: r.video_url,
    hasUploadedVideo: r.video_id !== null,
    requiresWritten: r.requires_written_feedback,
    requiresVideo: r.requires_video_report,
    categoryId: r.category_id,
    categoryName: r.category_name,
    tags: r.tags,
    usageCount: r.usage_count,
    authorId: r.author_id,
    authorName: r.author_name,
    canRemove: isStaff(user) || (r.author_id !== null && r.author_id === user.id),
    canEdit: isStaff(user) || (r.author_id !== null && r.author_id === user.id),
  };
}

/** One template for its preview page; 404 when the viewer may not see it. */
export function getTemplate(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<StudioTemplate> {
  return loadTemplate(s, requireStudio(viewer), id);
}

/**
 * Creates a step of the viewer's from the template (its content copied) and
 * counts the use: the count is raised by an UPDATE … SET usage_count =
 * usage_count + 1 in the same transaction as the copy, so concurrent uses
 * each count once. Returns the new step's id.
 */
export async function useTemplate(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<string> {
  const user = requireStudio(viewer);
  await loadTemplate(s, user, id);
  const stepId = newId();
  await s.db.transaction().execute(async (trx) => {
    const counted = await trx.updateTable("step_templates")
      .set({ usage_count: sql<number>`usage_count + 1` })
      .where("id", "=", id)
      .returning("id")
      .executeTakeFirst();
    if (!counted) throw new NotFoundError();
    await trx.insertInto("steps")
      .columns(["id", "author_id", ...STEP_CONTENT_COLUMNS])
      .expression((eb) =>
        eb.selectFrom("step_templates")
          .select([
            sql<string>`${stepId}`.as("id"),
            sql<string>`${user.id}`.as("author_id"),
            ...STEP_CONTENT_COLUMNS,
          ])
          .where("id", "=", id)
      )
      .execute();
  });
  return stepId;
}

export const MAX_TAGS = 10;

const tags = z.preprocess(
  (v) => {
    if (blank(v)) return [];
    const list = typeof v === "string" ? v.split(",") : v;
    if (!Array.isArray(list)) return list;
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const x of list) {
      const tag = typeof x === "string" ? x.replace(/\s+/g, " ").trim() : x;
      if (tag === "") continue;
      const key = typeof tag === "string" ? tag.toLowerCase() : tag;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(tag);
    }
    return out;
  },
  z.array(
    line(30).pipe(z.string().max(30, { error: "studio.templates.validation.tag" })),
    { error: "studio.templates.validation.tag" },
  ).max(MAX_TAGS, { error: "studio.templates.validation.tagsTooMany" }),
);

/** "Save as template": the category (blank: none) and tags (comma-separated in the form). */
export const saveTemplateSchema = z.object({
  categoryId: z.preprocess(
    (v) => (blank(v) ? null : v),
    z.string({ error: "studio.templates.validation.category" }).max(64).nullable(),
  ),
  tags,
});

export const SAVE_TEMPLATE_FIELDS = ["categoryId", "tags"] as const;

/** A category that exists, or a field error on `categoryId` (422). */
async function requireCategory(s: Services, categoryId: string): Promise<void> {
  const cat = isId(categoryId)
    ? await s.db.selectFrom("step_categories").select("id").where("id", "=", categoryId)
      .executeTakeFirst()
    : undefined;
  if (!cat) {
    throw new AppError(422, "unknown_category", "studio.templates.validation.category", {
      fields: { categoryId: "studio.templates.validation.category" },
      message: "no such category",
    });
  }
}

/**
 * Saves one of the viewer's steps (staff: any) as a public template; the
 * viewer is its author. Returns the template's id.
 */
export async function saveAsTemplate(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
  input: unknown,
): Promise<string> {
  const user = requireStudio(viewer);
  const step = await getStep(s, user, stepId);
  const v = saveTemplateSchema.parse(input);
  if (v.categoryId !== null) await requireCategory(s, v.categoryId);
  const id = newId();
  await s.db.insertInto("step_templates")
    .columns(["id", "author_id", "category_id", "tags", "is_public", ...STEP_CONTENT_COLUMNS])
    .expression((eb) =>
      eb.selectFrom("steps")
        .select([
          sql<string>`${id}`.as("id"),
          sql<string>`${user.id}`.as("author_id"),
          sql<string | null>`${v.categoryId}`.as("category_id"),
          json(v.tags).as("tags"),
          sql<boolean>`true`.as("is_public"),
          ...STEP_CONTENT_COLUMNS,
        ])
        .where("id", "=", step.id)
    )
    .execute();
  return id;
}

/**
 * Removes a template: its author, a MODERATOR or an ADMIN. Another trainer's
 * template answers 403 (it is visible in the library); one the viewer cannot
 * see, 404. Steps created from it keep their copy.
 */
export async function removeTemplate(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<void> {
  await templateToRemove(s, viewer, id);
  await s.db.deleteFrom("step_templates").where("id", "=", id).execute();
}

/** The template, for the removal's confirmation; refused like `removeTemplate`. */
export async function templateToRemove(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<StudioTemplate> {
  const tpl = await loadTemplate(s, requireStudio(viewer), id);
  if (!tpl.canRemove) throw new ForbiddenError("not the template's author");
  return tpl;
}

// ---------------------------------------------------------------- editing

export type TemplateFormField = StepFormField | typeof SAVE_TEMPLATE_FIELDS[number];

/** A template as the edit form's values (the step form's fields, category and tags). */
export function templateFormValues(tpl: StudioTemplate): Record<TemplateFormField, string> {
  return {
    title: tpl.title,
    type: tpl.type,
    description: tpl.description,
    duration: formatMmSs(tpl.durationSec),
    estimatedMinutes: tpl.estimatedSec ? String(Math.round(tpl.estimatedSec / 60)) : "",
    checklistItems: tpl.checklistItems.join("\n"),
    videoUrl: tpl.videoUrl ?? "",
    requiresWritten: tpl.requiresWritten ? "on" : "",
    requiresVideo: tpl.requiresVideo ? "on" : "",
    categoryId: tpl.categoryId ?? "",
    tags: tpl.tags.join(", "),
  };
}

/** The template for its edit form: 404 unless the viewer may edit it. */
export async function templateToEdit(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<StudioTemplate> {
  const tpl = await loadTemplate(s, requireStudio(viewer), id);
  if (!tpl.canEdit) throw new NotFoundError();
  return tpl;
}

/**
 * Changes a template's content (the step form and schema: test questions
 * included, ids kept), category and tags. Its author, MODERATOR or ADMIN;
 * anyone else 404. Steps made from it keep their copy; the usage count stays.
 */
export async function updateTemplate(
  s: Services,
  viewer: SessionUser | null,
  id: string,
  input: unknown,
): Promise<StudioTemplate> {
  const user = requireStudio(viewer);
  const tpl = await templateToEdit(s, user, id);
  // Both parts are checked at once, so the form shows every message together.
  const content = stepSchema({ current: tpl.questions }).safeParse(input);
  const meta = saveTemplateSchema.safeParse(input);
  if (!content.success || !meta.success) {
    throw new z.ZodError([
      ...(content.success ? [] : content.error.issues),
      ...(meta.success ? [] : meta.error.issues),
    ]);
  }
  const v = content.data, m = meta.data;
  if (v.videoUrl && tpl.hasUploadedVideo) {
    throw new AppError(422, "video_conflict", "studio.steps.validation.videoBoth", {
      fields: { videoUrl: "studio.steps.validation.videoBoth" },
      message: "the template has an uploaded video",
    });
  }
  if (m.categoryId !== null) await requireCategory(s, m.categoryId);
  await s.db.updateTable("step_templates").set({
    title: v.title,
    type: v.type,
    description: v.description,
    duration_sec: v.durationSec,
    estimated_duration_sec: v.estimatedSec,
    checklist_items: json(v.checklistItems),
    ...(v.checklist ? { checklist: json(v.checklist) } : {}),
    video_url: v.videoUrl,
    requires_written_feedback: v.requiresWritten,
    requires_video_report: v.requiresVideo,
    category_id: m.categoryId,
    tags: json(m.tags),
    updated_at: new Date(),
  }).where("id", "=", id).execute();
  return await loadTemplate(s, user, id);
}
