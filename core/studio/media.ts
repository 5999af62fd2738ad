/**
 * Files on studio content: a step's images and PDFs, a course's logo.
 *
 * Who may do what (every rule here): the step's or course's author, and
 * MODERATOR or ADMIN; another trainer's step or course answers 404 like an
 * unknown id; a learner gets 403 (`requireStudio`). The check runs before a
 * byte of the upload is read.
 *
 * Storage: files go through `receiveUpload` (magic bytes, size limit,
 * metadata stripped from images) under `steps/<stepId>/<rand>.<ext>` and
 * `courses/<courseId>/<rand>.<ext>`; rows hold storage keys, pages link them
 * with `mediaPath`. Nothing half-written: a refused upload leaves nothing in
 * storage, and files whose row update fails are deleted again. A file taken
 * off a step is deleted from storage only when no step or template still
 * names it (templates and steps made from them copy the keys); a replaced or
 * removed logo is deleted at once (only its course names it).
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff, NotFoundError, requireStudio } from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import {
  deleteReplaced,
  IMAGE_UPLOAD,
  PDF_UPLOAD,
  receiveUpload,
  type StoredFile,
  UploadError,
} from "../uploads.ts";
import { randomName } from "../storage/mod.ts";
import { isId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import type { PdfRef } from "@/db/schema.ts";
import { mediaPath } from "../paths.ts";
import { invalidateCourses } from "../courses/cache.ts";

export const MAX_STEP_IMAGES = 10;
export const MAX_STEP_PDFS = 10;
/** A PDF's name as shown to learners. */
export const MAX_PDF_NAME = 120;

export const MEDIA_KINDS = ["image", "pdf"] as const;
export type MediaKind = typeof MEDIA_KINDS[number];

/** The form field (and JSON field) that carries each kind of file. */
export const MEDIA_FIELD: Record<MediaKind, string> = { image: "images", pdf: "pdfs" };
export const LOGO_FIELD = "logo";

/** MIME types the file pickers offer (the server checks the bytes anyway). */
export const MEDIA_ACCEPT: Record<MediaKind, string> = {
  image: "image/jpeg,image/png,image/webp",
  pdf: "application/pdf,.pdf",
};

// ------------------------------------------------------------------ views

export interface StepMedia {
  stepId: string;
  images: { key: string; url: string }[];
  pdfs: { key: string; url: string; name: string }[];
  maxImages: number;
  maxPdfs: number;
}

function view(stepId: string, images: string[], pdfs: PdfRef[]): StepMedia {
  return {
    stepId,
    images: images.map((key) => ({ key, url: mediaPath(key) })),
    pdfs: pdfs.map((p) => ({ key: p.key, url: mediaPath(p.key), name: p.name })),
    maxImages: MAX_STEP_IMAGES,
    maxPdfs: MAX_STEP_PDFS,
  };
}

/** The JSON shape of a step's media (the upload API answers with it). */
export function stepMediaJson(m: StepMedia) {
  return { stepId: m.stepId, images: m.images, pdfs: m.pdfs };
}

/** The step if the viewer may change it (author or staff), else 404. */
async function ownStep(s: Services, user: SessionUser, id: string) {
  if (!isId(id)) throw new NotFoundError();
  let sel = s.db.selectFrom("steps").select(["id", "author_id", "images", "pdfs"])
    .where("id", "=", id).where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  const row = await sel.executeTakeFirst();
  if (!row) throw new NotFoundError();
  return row;
}

/** A step's images and PDFs for its editor; 404 when it is not the viewer's (staff: any). */
export async function stepMedia(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
): Promise<StepMedia> {
  const row = await ownStep(s, requireStudio(viewer), stepId);
  return view(row.id, row.images, row.pdfs);
}

// ------------------------------------------------------------ step files

/** The step already holds as many files of this kind as it may (422). */
export class MediaLimitError extends AppError {
  constructor(kind: MediaKind, max: number) {
    const key = kind === "image" ? "studio.media.tooManyImages" : "studio.media.tooManyPdfs";
    super(422, "too_many_files", key, {
      vars: { max },
      fields: { [MEDIA_FIELD[kind]]: { key, vars: { max } } },
      message: `step has ${max} files of kind ${kind}`,
    });
    this.name = "MediaLimitError";
  }
}

/**
 * A file name fit to show: no folders, control or direction-changing
 * characters, collapsed spaces, at most `MAX_PDF_NAME` characters, ending
 * in `.pdf`. Never used in a key.
 */
export function displayPdfName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const clean = base
    .normalize("NFC")
    // Controls and format characters (bidi overrides, zero-width) can disguise the extension.
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
  const stem = clean.replace(/\.pdf$/i, "").trim();
  if (!stem) return "document.pdf";
  return `${[...stem].slice(0, MAX_PDF_NAME - 4).join("")}.pdf`;
}

/**
 * Adds the files in the request (multipart field `images` or `pdfs`, one or
 * several; or a raw body) to the step. Refused as a whole: a wrong format,
 * a file too large, or more files than the step has room for — nothing of
 * the request is kept then.
 */
export async function uploadStepMedia(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
  kind: MediaKind,
  req: Request,
): Promise<StepMedia> {
  const user = requireStudio(viewer);
  const before = await ownStep(s, user, stepId);
  const max = kind === "image" ? MAX_STEP_IMAGES : MAX_STEP_PDFS;
  const room = max - (kind === "image" ? before.images.length : before.pdfs.length);
  if (room <= 0) {
    await req.body?.cancel().catch(() => {});
    throw new MediaLimitError(kind, max);
  }
  const field = MEDIA_FIELD[kind];
  let files: StoredFile[];
  try {
    ({ files } = await receiveUpload(s.storage, req, {
      field,
      policy: kind === "image" ? IMAGE_UPLOAD : PDF_UPLOAD,
      keyFor: (ext) => `steps/${stepId}/${randomName(ext)}`,
      maxFiles: room,
    }));
  } catch (e) {
    // More files than there is room for: the step's own limit, not the form's.
    if (e instanceof UploadError && e.kind === "tooMany") throw new MediaLimitError(kind, max);
    throw e;
  }
  if (!files.length) throw new UploadError("required").onField(field);
  try {
    const row = await s.db.transaction().execute(async (trx) => {
      // Locked and counted again: two uploads at once cannot pass the limit together.
      const cur = await trx.selectFrom("steps").select(["images", "pdfs"])
        .where("id", "=", stepId).forUpdate().executeTakeFirst();
      if (!cur) throw new NotFoundError();
      if (kind === "image") {
        const images = [...cur.images, ...files.map((f) => f.key)];
        if (images.length > max) throw new MediaLimitError(kind, max);
        await trx.updateTable("steps").set({ images: json(images), updated_at: new Date() })
          .where("id", "=", stepId).execute();
        return { images, pdfs: cur.pdfs };
      }
      const pdfs = [
        ...cur.pdfs,
        ...files.map((f) => ({ key: f.key, name: displayPdfName(f.filename) })),
      ];
      if (pdfs.length > max) throw new MediaLimitError(kind, max);
      await trx.updateTable("steps").set({ pdfs: json(pdfs), updated_at: new Date() })
        .where("id", "=", stepId).execute();
      return { images: cur.images, pdfs };
    });
    invalidateCourses(s);
    return view(stepId, row.images, row.pdfs);
  } catch (e) {
    for (const f of files) await s.storage.delete(f.key).catch(() => {});
    throw e;
  }
}

export const mediaActionSchema = z.object({
  kind: z.enum(MEDIA_KINDS, { error: "studio.media.notFound" }),
  key: z.string({ error: "studio.media.notFound" }).min(1).max(500),
});

function missingFile(): AppError {
  return new AppError(404, "no_such_file", "studio.media.notFound", {
    message: "the step has no such file",
  });
}

/** The display name of one of the step's files (the remove confirmation names it). */
export async function stepFile(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
  input: unknown,
): Promise<{ kind: MediaKind; key: string; url: string; name: string | null }> {
  const row = await ownStep(s, requireStudio(viewer), stepId);
  const v = mediaActionSchema.parse(input);
  if (v.kind === "image") {
    if (!row.images.includes(v.key)) throw missingFile();
    return { kind: v.kind, key: v.key, url: mediaPath(v.key), name: null };
  }
  const pdf = row.pdfs.find((p) => p.key === v.key);
  if (!pdf) throw missingFile();
  return { kind: v.kind, key: v.key, url: mediaPath(v.key), name: pdf.name };
}

/**
 * Takes one file off the step; the stored file goes too unless another step
 * or a template still names it.
 */
export async function removeStepMedia(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
  input: unknown,
): Promise<StepMedia> {
  await ownStep(s, requireStudio(viewer), stepId);
  const { kind, key } = mediaActionSchema.parse(input);
  const row = await s.db.transaction().execute(async (trx) => {
    const cur = await trx.selectFrom("steps").select(["images", "pdfs"])
      .where("id", "=", stepId).forUpdate().executeTakeFirst();
    if (!cur) throw new NotFoundError();
    if (kind === "image") {
      if (!cur.images.includes(key)) throw missingFile();
      const images = cur.images.filter((k) => k !== key);
      await trx.updateTable("steps").set({ images: json(images), updated_at: new Date() })
        .where("id", "=", stepId).execute();
      return { images, pdfs: cur.pdfs };
    }
    if (!cur.pdfs.some((p) => p.key === key)) throw missingFile();
    const pdfs = cur.pdfs.filter((p) => p.key !== key);
    await trx.updateTable("steps").set({ pdfs: json(pdfs), updated_at: new Date() })
      .where("id", "=", stepId).execute();
    return { images: cur.images, pdfs };
  });
  invalidateCourses(s);
  if (!(await isReferenced(s, key))) await deleteReplaced(s.storage, key);
  return view(stepId, row.images, row.pdfs);
}

/** True while a step or a template names the file (as an image or a PDF). */
export async function isReferenced(s: Services, key: string): Promise<boolean> {
  const asImage = json([key]);
  const asPdf = json([{ key }]);
  const { rows } = await sql<{ one: number }>`
    SELECT 1 AS one FROM steps WHERE images @> ${asImage} OR pdfs @> ${asPdf}
    UNION ALL
    SELECT 1 FROM step_templates WHERE images @> ${asImage} OR pdfs @> ${asPdf}
    LIMIT 1
  `.execute(s.db);
  return rows.length > 0;
}

/** Moves one image a place up or down (what learners see first comes first). */
export async function moveStepImage(
  s: Services,
  viewer: SessionUser | null,
  stepId: string,
  key: string,
  direction: "up" | "down",
): Promise<StepMedia> {
  await ownStep(s, requireStudio(viewer), stepId);
  const row = await s.db.transaction().execute(async (trx) => {
    const cur = await trx.selectFrom("steps").select(["images", "pdfs"])
      .where("id", "=", stepId).forUpdate().executeTakeFirst();
    if (!cur) throw new NotFoundError();
    const images = [...cur.images];
    const at = images.indexOf(key);
    if (at < 0) throw missingFile();
    const to = direction === "up" ? at - 1 : at + 1;
    // At either end the move does nothing (a double click is not an error).
    if (to < 0 || to >= images.length) return cur;
    [images[at], images[to]] = [images[to], images[at]];
    await trx.updateTable("steps").set({ images: json(images), updated_at: new Date() })
      .where("id", "=", stepId).execute();
    return { images, pdfs: cur.pdfs };
  });
  invalidateCourses(s);
  return view(stepId, row.images, row.pdfs);
}

// ------------------------------------------------------------ course logo

export interface CourseLogo {
  courseId: string;
  name: string;
  slug: string;
  logoKey: string | null;
  logoUrl: string | null;
}

function logoView(
  r: { id: string; name: string; slug: string; logo_key: string | null },
): CourseLogo {
  return {
    courseId: r.id,
    name: r.name,
    slug: r.slug,
    logoKey: r.logo_key,
    logoUrl: r.logo_key ? mediaPath(r.logo_key) : null,
  };
}

export function courseLogoJson(c: CourseLogo) {
  return { courseId: c.courseId, logoKey: c.logoKey, logoUrl: c.logoUrl };
}

async function ownCourse(s: Services, user: SessionUser, id: string) {
  if (!isId(id)) throw new NotFoundError();
  let sel = s.db.selectFrom("courses").select(["id", "name", "slug", "author_id", "logo_key"])
    .where("id", "=", id).where("archived_at", "is", null);
  if (!isStaff(user)) sel = sel.where("author_id", "=", user.id);
  const row = await sel.executeTakeFirst();
  if (!row) throw new NotFoundError();
  return row;
}

/** A course's logo for the studio; 404 when it is not the viewer's (staff: any). */
export async function courseLogo(
  s: Services,
  viewer: SessionUser | null,
  courseId: string,
): Promise<CourseLogo> {
  return logoView(await ownCourse(s, requireStudio(viewer), courseId));
}

/** Stores the image in the request (field `logo`, or a raw body) as the course's logo. */
export async function uploadCourseLogo(
  s: Services,
  viewer: SessionUser | null,
  courseId: string,
  req: Request,
): Promise<CourseLogo> {
  const user = requireStudio(viewer);
  await ownCourse(s, user, courseId);
  const { file } = await receiveUpload(s.storage, req, {
    field: LOGO_FIELD,
    keyFor: (ext) => `courses/${courseId}/${randomName(ext)}`,
  });
  if (!file) throw new UploadError("required").onField(LOGO_FIELD);
  return await setLogo(s, courseId, file.key);
}

export async function removeCourseLogo(
  s: Services,
  viewer: SessionUser | null,
  courseId: string,
): Promise<CourseLogo> {
  await ownCourse(s, requireStudio(viewer), courseId);
  return await setLogo(s, courseId, null);
}

/** Points the course at the new file (or none), then deletes the old one. */
async function setLogo(s: Services, courseId: string, key: string | null): Promise<CourseLogo> {
  let old: string | null = null;
  let row;
  try {
    row = await s.db.transaction().execute(async (trx) => {
      const cur = await trx.selectFrom("courses").select("logo_key")
        .where("id", "=", courseId).forUpdate().executeTakeFirst();
      if (!cur) throw new NotFoundError();
      old = cur.logo_key;
      return await trx.updateTable("courses").set({ logo_key: key, updated_at: new Date() })
        .where("id", "=", courseId).returning(["id", "name", "slug", "logo_key"])
        .executeTakeFirstOrThrow();
    });
  } catch (e) {
    if (key) await s.storage.delete(key).catch(() => {});
    throw e;
  }
  invalidateCourses(s);
  if (old && old !== key) await deleteReplaced(s.storage, old);
  return logoView(row);
}
