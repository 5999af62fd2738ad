/**
 * The trainers' video library (`/studio/videos`): upload, list, rename,
 * retry, delete, and the videos an editor may pick for a step or a course.
 *
 * Who may do what (every rule here): a TRAINER sees and changes their own
 * videos; MODERATOR and ADMIN every video; another trainer's video answers
 * 404 like an unknown id; a learner gets 403 (`requireStudio`).
 *
 * Upload: the body streams through `receiveUpload` (magic bytes, size limit
 * `VIDEO_MAX_UPLOAD_MB`) into a private temp directory on disk — never whole
 * in memory — so ffprobe can read it before anything is accepted (readable,
 * has a video stream, at most `VIDEO_MAX_SECONDS`). Only then is the source
 * copied into storage at `videos/<id>/source.<ext>`, the row inserted
 * PENDING and the `video-transcode` job enqueued. Whatever stops on the way
 * (a refusal, an aborted body, a failed insert) leaves nothing: the temp
 * directory always goes, and a video's storage prefix and row are removed.
 */
import { join } from "node:path";
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { isStaff, NotFoundError, requireStudio } from "../auth/guards.ts";
import { AppError } from "../app_error.ts";
import { receiveUpload, type StoredFile, UploadError, VIDEO_UPLOAD } from "../uploads.ts";
import { type GetResult, randomName } from "../storage/mod.ts";
import { LocalStorage } from "../storage/local.ts";
import { line } from "../fields.ts";
import { changeWithJobs } from "../jobs_tx.ts";
import { isId, newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import type { VideoStatus } from "@/db/schema.ts";
import { type Probe, probeVideo, VideoRejectedError } from "./probe.ts";
import { videoPrefix, videoSourceKey } from "./layout.ts";

/** The form (and multipart) field that carries the files. */
export const VIDEO_FIELD = "videos";
/** Files one form may carry (the island sends them one by one anyway). */
export const MAX_VIDEOS_PER_FORM = 10;
/** What the file picker offers (the server checks the bytes anyway). */
export const VIDEO_ACCEPT = "video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm";
export const MAX_TITLE = 200;
const LIST_LIMIT = 500;

/** Failure reasons the transcoder writes (`error` = `<code>` or `<code>: detail`). */
export const VIDEO_ERROR_CODES = ["corrupt", "timeout", "ffmpeg", "storage", "other"] as const;
export type VideoErrorCode = typeof VIDEO_ERROR_CODES[number];

/** The translatable reason of a FAILED video (unknown codes read as "other"). */
export function videoErrorCode(error: string | null): VideoErrorCode | null {
  if (!error) return null;
  const code = error.split(":")[0].trim();
  return (VIDEO_ERROR_CODES as readonly string[]).includes(code) ? code as VideoErrorCode : "other";
}

// ------------------------------------------------------------------ views

export interface LibraryVideo {
  id: string;
  ownerId: string;
  ownerName: string;
  /** The display name, else the original file name. */
  title: string;
  originalName: string;
  status: VideoStatus;
  progress: number;
  errorCode: VideoErrorCode | null;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  /** Names of the renditions made (e.g. `["240p", "360p"]`). */
  renditions: string[];
  hasThumbnail: boolean;
  createdAt: Date;
}

const COLUMNS = [
  "v.id",
  "v.owner_id",
  "u.username as owner_name",
  "v.original_name",
  "v.display_name",
  "v.status",
  "v.progress",
  "v.error",
  "v.duration_sec",
  "v.width",
  "v.height",
  "v.size_bytes",
  "v.renditions",
  "v.thumbnail_key",
  "v.created_at",
] as const;

interface Row {
  id: string;
  owner_id: string;
  owner_name: string;
  original_name: string;
  display_name: string | null;
  status: VideoStatus;
  progress: number;
  error: string | null;
  duration_sec: number | null;
  width: number | null;
  height: number | null;
  size_bytes: number | string;
  renditions: { name: string }[];
  thumbnail_key: string | null;
  created_at: Date;
}

function toView(r: Row): LibraryVideo {
  return {
    id: r.id,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    title: r.display_name || r.original_name,
    originalName: r.original_name,
    status: r.status,
    progress: r.progress,
    errorCode: r.status === "FAILED" ? videoErrorCode(r.error) ?? "other" : null,
    durationSec: r.duration_sec,
    width: r.width,
    height: r.height,
    sizeBytes: Number(r.size_bytes),
    renditions: r.renditions.map((x) => x.name),
    hasThumbnail: r.status === "READY" && r.thumbnail_key !== null,
    createdAt: r.created_at,
  };
}

/** The JSON shape of a video (list, status polling, upload answer). */
export function videoJson(v: LibraryVideo) {
  return {
    id: v.id,
    title: v.title,
    status: v.status,
    progress: v.progress,
    error: v.errorCode,
    durationSec: v.durationSec,
    width: v.width,
    height: v.height,
    renditions: v.renditions,
    createdAt: v.createdAt.toISOString(),
  };
}

/** True while the transcoder still has work on it (the page polls). */
export function isUnfinished(v: Pick<LibraryVideo, "status">): boolean {
  return v.status === "PENDING" || v.status === "PROCESSING";
}

function select(s: Services, user: SessionUser) {
  let sel = s.db.selectFrom("videos as v").innerJoin("users as u", "u.id", "v.owner_id")
    .select(COLUMNS);
  if (!isStaff(user)) sel = sel.where("v.owner_id", "=", user.id);
  return sel;
}

async function load(s: Services, user: SessionUser, id: string): Promise<LibraryVideo> {
  if (!isId(id)) throw new NotFoundError();
  const row = await select(s, user).where("v.id", "=", id).executeTakeFirst();
  if (!row) throw new NotFoundError();
  return toView(row);
}

/** The viewer's videos (staff: everyone's), newest first. */
export async function listVideos(
  s: Services,
  viewer: SessionUser | null,
): Promise<LibraryVideo[]> {
  const user = requireStudio(viewer);
  const rows = await select(s, user).orderBy("v.created_at", "desc").orderBy("v.id", "desc")
    .limit(LIST_LIMIT).execute();
  return rows.map(toView);
}

/** One video; 404 when it is not the viewer's (staff: any). */
export function getVideo(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<LibraryVideo> {
  return load(s, requireStudio(viewer), id);
}

export const statusQuery = z.object({
  ids: z.string().max(40 * 100).optional().transform((v) =>
    (v ?? "").split(",").map((x) => x.trim()).filter(isId).slice(0, 100)
  ),
});

/**
 * The videos among `ids` the viewer may see (others are silently left
 * out: an id says nothing about someone else's video); all of the viewer's
 * when no ids are given.
 */
export async function videoStatuses(
  s: Services,
  viewer: SessionUser | null,
  query: unknown,
): Promise<LibraryVideo[]> {
  const user = requireStudio(viewer);
  const { ids } = statusQuery.parse(query);
  if (!ids.length) return await listVideos(s, user);
  const rows = await select(s, user).where("v.id", "in", ids).orderBy("v.created_at", "desc")
    .execute();
  return rows.map(toView);
}

// ----------------------------------------------------------------- upload

/** A video longer than the configured limit (the probe's own limit is the hard maximum). */
function tooLong(maxSeconds: number): VideoRejectedError {
  const err = new VideoRejectedError("tooLong");
  // The message names the configured limit, in whole minutes (at least one).
  err.vars.minutes = Math.max(1, Math.round(maxSeconds / 60));
  return err;
}

/**
 * Stores the request's videos (multipart field `videos`, one or several, or
 * one raw body) in the viewer's library, each PENDING with its transcode job
 * enqueued. Refused as a whole (nothing kept) when any file is not a video,
 * is too large or too long, or cannot be read.
 */
export async function uploadVideos(
  s: Services,
  viewer: SessionUser | null,
  req: Request,
): Promise<LibraryVideo[]> {
  const user = requireStudio(viewer);
  const tmpRoot = join(s.config.dataDir, "tmp");
  await Deno.mkdir(tmpRoot, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: tmpRoot, prefix: "video-upload-" });
  try {
    const disk = await LocalStorage.open(dir);
    const { files } = await receiveUpload(disk, req, {
      field: VIDEO_FIELD,
      policy: { ...VIDEO_UPLOAD, maxBytes: s.config.video.maxUploadBytes },
      keyFor: (ext) => `up/${randomName(ext)}`,
      maxFiles: MAX_VIDEOS_PER_FORM,
    });
    if (!files.length) throw new UploadError("required").onField(VIDEO_FIELD);
    const probed: { file: StoredFile; path: string; probe: Probe }[] = [];
    for (const file of files) {
      const path = join(dir, ...file.key.split("/"));
      try {
        const probe = await probeVideo(path, { ffprobe: s.config.ffprobePath });
        if (probe.durationSec > s.config.video.maxSeconds) {
          throw tooLong(s.config.video.maxSeconds);
        }
        probed.push({ file, path, probe });
      } catch (e) {
        if (e instanceof VideoRejectedError) {
          e.fields = { [VIDEO_FIELD]: { key: e.messageKey, vars: e.vars } };
        }
        throw e;
      }
    }
    const out: LibraryVideo[] = [];
    const made: string[] = [];
    try {
      for (const p of probed) {
        const id = newId();
        made.push(id);
        await accept(s, user, id, p.file, p.path, p.probe);
        out.push(await load(s, user, id));
      }
    } catch (e) {
      for (const id of made) await discard(s, id);
      throw e;
    }
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Copies one probed file into storage, inserts its row and enqueues its transcode. */
async function accept(
  s: Services,
  user: SessionUser,
  id: string,
  file: StoredFile,
  path: string,
  probe: Probe,
): Promise<void> {
  const ext = file.key.slice(file.key.lastIndexOf(".") + 1);
  const key = videoSourceKey(id, ext);
  const f = await Deno.open(path, { read: true });
  // put() consumes and closes the file's stream.
  const { size } = await s.storage.put(key, f.readable, { contentType: file.contentType });
  const name = displayFileName(file.filename) || `video.${ext}`;
  // The job commits with the row (PostgreSQL jobs) or right after it (KV; the sweep covers a crash).
  await changeWithJobs(s, async (trx, enqueue) => {
    const row = await trx.insertInto("videos").values({
      id,
      owner_id: user.id,
      original_name: name,
      mime_type: file.contentType,
      size_bytes: size,
      duration_sec: Math.round(probe.durationSec),
      width: probe.width,
      height: probe.height,
      source_key: key,
    }).returning("updated_at").executeTakeFirstOrThrow();
    await enqueue("video-transcode", { videoId: id }, transcodeOptions({ id, ...row }));
  });
}

/**
 * One transcode job per video and per time it was made PENDING (upload or
 * retry): the sweep below and the request that made it PENDING agree on the
 * key, so a video is never queued twice for the same request.
 */
function enqueueTranscode(s: Services, v: { id: string; updated_at: Date }): Promise<string> {
  return s.jobs.enqueue("video-transcode", { videoId: v.id }, transcodeOptions(v));
}

function transcodeOptions(v: { id: string; updated_at: Date }) {
  return { dedupeKey: `${v.id}@${v.updated_at.getTime()}` };
}

/** A PENDING video this long untouched has lost its job (longer than any retry delay). */
export const LOST_TRANSCODE_MS = 30 * 60_000;

/**
 * Finds videos left PENDING without a job (a crash between the row's commit
 * and the enqueue) and queues them; run by the job runtime's sweeper.
 */
export async function sweepTranscodes(s: Services): Promise<number> {
  const rows = await s.db.selectFrom("videos").select(["id", "updated_at"])
    .where("status", "=", "PENDING")
    .where("updated_at", "<", new Date(Date.now() - LOST_TRANSCODE_MS))
    .orderBy("updated_at").limit(200).execute();
  for (const r of rows) await enqueueTranscode(s, r);
  return rows.length;
}

/** Removes a half-accepted video: its files and its row. */
async function discard(s: Services, id: string): Promise<void> {
  await s.storage.deletePrefix(videoPrefix(id)).catch((err) =>
    log.warn("could not delete a refused video's files", { id, err })
  );
  await s.db.deleteFrom("videos").where("id", "=", id).execute().catch((err) =>
    log.warn("could not delete a refused video's row", { id, err })
  );
}

/** A client's file name fit to show: no folders or control characters, at most 255 characters. */
export function displayFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const clean = base.normalize("NFC").replace(/[\p{Cc}\p{Cf}]/gu, "").replace(/\s+/g, " ")
    .trim();
  return [...clean].slice(0, 255).join("");
}

// ---------------------------------------------------------------- changes

export const renameSchema = z.object({
  // line(∞) collapses spaces and refuses control characters; the length has our own message.
  title: z.string({ error: "studio.videos.validation.title" }).pipe(line(10_000)).pipe(
    z.string().min(1, { error: "studio.videos.validation.title" }).max(MAX_TITLE, {
      error: "studio.videos.validation.title",
    }),
  ),
});

/** Changes the title learners and the library see. */
export async function renameVideo(
  s: Services,
  viewer: SessionUser | null,
  id: string,
  input: unknown,
): Promise<LibraryVideo> {
  const user = requireStudio(viewer);
  await load(s, user, id);
  const { title } = renameSchema.parse(input);
  await s.db.updateTable("videos").set({ display_name: title, updated_at: new Date() })
    .where("id", "=", id).execute();
  return await load(s, user, id);
}

/** Only a FAILED video can be sent to the transcoder again (409). */
export class VideoNotFailedError extends AppError {
  constructor() {
    super(409, "video_not_failed", "studio.videos.retry.notFailed", {
      message: "only a failed video can be retried",
    });
    this.name = "VideoNotFailedError";
  }
}

/** Sends a FAILED video to the transcoder again: PENDING, progress 0, a new job. */
export async function retryVideo(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<LibraryVideo> {
  const user = requireStudio(viewer);
  await load(s, user, id);
  // Conditional update: two clicks at once enqueue one job (with the change, where it can).
  const changed = await changeWithJobs(s, async (trx, enqueue) => {
    const row = await trx.updateTable("videos")
      .set({ status: "PENDING", progress: 0, error: null, updated_at: new Date() })
      .where("id", "=", id).where("status", "=", "FAILED")
      .returning(["id", "updated_at"]).executeTakeFirst();
    if (row) await enqueue("video-transcode", { videoId: row.id }, transcodeOptions(row));
    return row;
  });
  if (!changed) throw new VideoNotFailedError();
  return await load(s, user, id);
}

export interface VideoUsage {
  steps: { id: string; title: string }[];
  templates: { id: string; title: string }[];
  courses: { id: string; name: string }[];
}

export function isUsed(u: VideoUsage): boolean {
  return u.steps.length + u.templates.length + u.courses.length > 0;
}

async function usageOf(s: Services, id: string): Promise<VideoUsage> {
  const [steps, templates, courses] = await Promise.all([
    s.db.selectFrom("steps").select(["id", "title"]).where("video_id", "=", id)
      .orderBy("title").execute(),
    s.db.selectFrom("step_templates").select(["id", "title"]).where("video_id", "=", id)
      .orderBy("title").execute(),
    s.db.selectFrom("courses").select(["id", "name"]).where("video_id", "=", id)
      .orderBy("name").execute(),
  ]);
  return { steps, templates, courses };
}

/** Which steps, templates and courses use the video (archived ones too: they still hold it). */
export async function videoUsage(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<VideoUsage> {
  await load(s, requireStudio(viewer), id);
  return await usageOf(s, id);
}

/** A video still used somewhere cannot be deleted (409, with the list). */
export class VideoInUseError extends AppError {
  constructor(readonly usage: VideoUsage) {
    super(409, "video_in_use", "studio.videos.delete.inUse", {
      data: { uses: usage.steps.length + usage.templates.length + usage.courses.length },
      message: "the video is used by steps, templates or courses",
    });
    this.name = "VideoInUseError";
  }
}

/**
 * Deletes a video nothing uses: the row (resume positions go with it), then
 * every file under its prefix. Refused with `VideoInUseError` otherwise; the
 * RESTRICT keys make a use that appears meanwhile refuse it too.
 */
export async function deleteVideo(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<void> {
  const user = requireStudio(viewer);
  await load(s, user, id);
  const usage = await usageOf(s, id);
  if (isUsed(usage)) throw new VideoInUseError(usage);
  try {
    await s.db.deleteFrom("videos").where("id", "=", id).execute();
  } catch (e) {
    // A step or course picked it between the check and the delete (FK RESTRICT).
    const now = await usageOf(s, id);
    if (isUsed(now)) throw new VideoInUseError(now);
    throw e;
  }
  await s.storage.deletePrefix(videoPrefix(id));
}

// -------------------------------------------------------------- thumbnail

/** The list thumbnail of a video the viewer may manage, or null when there is none yet. */
export async function videoThumbnail(
  s: Services,
  viewer: SessionUser | null,
  id: string,
): Promise<GetResult | null> {
  const user = requireStudio(viewer);
  if (!isId(id)) throw new NotFoundError();
  let sel = s.db.selectFrom("videos").select(["thumbnail_key"]).where("id", "=", id);
  if (!isStaff(user)) sel = sel.where("owner_id", "=", user.id);
  const row = await sel.executeTakeFirst();
  if (!row) throw new NotFoundError();
  if (!row.thumbnail_key) return null;
  return await s.storage.get(row.thumbnail_key);
}

// ---------------------------------------------------------------- pickers

export interface VideoChoice {
  id: string;
  title: string;
  status: VideoStatus;
}

/**
 * Videos an editor may put on a step or course: their own (staff: any),
 * ready or still being transcoded (failed ones cannot play), newest first.
 * `keep`: the id stored on the step or course, listed even when it would
 * not be (never pass a submitted id: it could name someone else's video).
 */
export async function videoChoices(
  s: Services,
  viewer: SessionUser | null,
  keep?: string | null,
): Promise<VideoChoice[]> {
  const user = requireStudio(viewer);
  const kept = keep && isId(keep) ? keep : null;
  const rows = await s.db.selectFrom("videos")
    .select(["id", "display_name", "original_name", "status"])
    .where((eb) => {
      const usable = eb("status", "in", ["READY", "PENDING", "PROCESSING"]);
      const own = isStaff(user) ? usable : eb.and([eb("owner_id", "=", user.id), usable]);
      // The video already chosen stays listed (staff may have put another
      // trainer's video on this step): saving the form must not drop it.
      return kept ? eb.or([own, eb("id", "=", kept)]) : own;
    })
    .orderBy("created_at", "desc").limit(LIST_LIMIT).execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.display_name || r.original_name,
    status: r.status,
  }));
}

/** The editor may not use this video (unknown, another trainer's, or failed): a field error. */
export function videoChoiceError(field: string): AppError {
  return new AppError(422, "invalid_video", "studio.videos.pick.invalid", {
    fields: { [field]: "studio.videos.pick.invalid" },
    message: "the video cannot be used here",
  });
}

/**
 * Checks that the editor may put `videoId` on their content (own video,
 * staff: any; not FAILED unless it is already there: `current`). Throws a
 * field error on `field` otherwise.
 */
export async function assertUsableVideo(
  s: Services,
  user: SessionUser,
  videoId: string,
  field: string,
  current?: string | null,
): Promise<void> {
  if (!isId(videoId)) throw videoChoiceError(field);
  let sel = s.db.selectFrom("videos").select(["id", "status"]).where("id", "=", videoId);
  if (!isStaff(user)) sel = sel.where("owner_id", "=", user.id);
  const row = await sel.executeTakeFirst();
  if (!row || (row.status === "FAILED" && videoId !== current)) throw videoChoiceError(field);
}
