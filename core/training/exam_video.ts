/**
 * The video report of an exam. The bytes arrive through core/uploads.ts
 * (the one upload path: streamed, the container proven by its first bytes —
 * MP4, QuickTime MOV or WebM — and cut off past 100 MB) and are stored
 * under `exams/<userId>/<userStepId>/<random>.<ext>`. Two ways in:
 *
 * - `uploadExamVideo`: the file alone (the exam island's XHR upload with a
 *   progress bar, or its in-browser recording), sent as the raw body; the
 *   answers follow as JSON with the returned key.
 * - `receiveExamForm`: the no-JavaScript exam form, one `multipart/form-data`
 *   POST carrying the answers and the file together.
 *
 * Either way the new file is "not yet sent" until `submitExam` records its
 * key in `exam_results`, which deletes the video it replaces. Earlier unsent
 * uploads of the same exam are deleted as soon as a new one is stored.
 */
import type { Services } from "../services.ts";
import type { Viewer } from "../courses/access.ts";
import { mediaPath } from "../paths.ts";
import { randomName } from "../storage/mod.ts";
import { receiveUpload, UploadError, type UploadPolicy, VIDEO_UPLOAD } from "../uploads.ts";
import { TrainingError } from "./errors.ts";
import { runAfter, type StepContext, stepForLearner, type StepRef } from "./context.ts";
import { EXAM_VIDEO_FIELD, EXAM_VIDEO_MAX_BYTES, examPrefix } from "./exams.ts";
import { examVideoFiles } from "../video/exam.ts";

/** What an exam accepts as its video: the video policy with the exam's limit. */
export const EXAM_VIDEO_UPLOAD: UploadPolicy = { ...VIDEO_UPLOAD, maxBytes: EXAM_VIDEO_MAX_BYTES };

export { EXAM_VIDEO_FIELD };

export interface UploadedVideo {
  key: string;
  size: number;
  contentType: string;
  url: string;
}

interface Target {
  ctx: StepContext;
  /** The video of the answers already sent (kept until they are sent again). */
  sentKey: string | null;
}

/**
 * The learner's exam step, if it takes a video now: someone else's step is
 * not found; an exam without a video report, or already approved, is
 * refused. Checked before a byte of the body is read.
 */
async function videoTarget(s: Services, user: Viewer, ref: StepRef): Promise<Target> {
  const ctx = await stepForLearner(s, user, ref);
  if (ctx.stepType !== "EXAMINATION" || !ctx.requiresVideo) {
    throw new TrainingError(409, "video_not_required");
  }
  const sent = await s.db.selectFrom("exam_results")
    .select(["status", "video_key", "video_deleted_at"])
    .where("user_step_id", "=", ctx.userStepId).executeTakeFirst();
  if (sent?.status === "APPROVED" || ctx.row.status === "COMPLETED") {
    throw new TrainingError(409, "exam_closed");
  }
  return { ctx, sentKey: sent?.video_key && !sent.video_deleted_at ? sent.video_key : null };
}

async function receive(
  s: Services,
  { ctx, sentKey }: Target,
  req: Request,
  fields: readonly string[],
): Promise<{ video: UploadedVideo | null; fields: Record<string, string> }> {
  const prefix = examPrefix(ctx.userId, ctx.userStepId);
  const up = await receiveUpload(s.storage, req, {
    field: EXAM_VIDEO_FIELD,
    policy: EXAM_VIDEO_UPLOAD,
    keyFor: (ext) => prefix + randomName(ext),
    fields,
  });
  const file = up.file;
  if (!file) return { video: null, fields: up.fields };
  // Earlier uploads that were never sent go; the sent video (and its review
  // copy) stays until it is replaced.
  const keep = new Set([file.key, ...(sentKey ? examVideoFiles(sentKey) : [])]);
  await runAfter(async () => {
    for (const f of await s.storage.list(prefix)) {
      if (!keep.has(f.key)) await s.storage.delete(f.key);
    }
  });
  return {
    video: {
      key: file.key,
      size: file.size,
      contentType: file.contentType,
      url: mediaPath(file.key),
    },
    fields: up.fields,
  };
}

/**
 * Stores the request's video (raw body, or multipart field `video`) as the
 * learner's exam video, not yet sent: the answers are sent with its key.
 * Throws `UploadError` for a refused file (nothing of it is kept).
 */
export async function uploadExamVideo(
  s: Services,
  user: Viewer,
  ref: StepRef,
  req: Request,
): Promise<UploadedVideo> {
  const target = await videoTarget(s, user, ref);
  const { video } = await receive(s, target, req, []);
  if (!video) throw new UploadError("required").onField(EXAM_VIDEO_FIELD);
  return video;
}

/** The text fields of an exam's no-JavaScript form (besides the file). */
export function examFormFields(ctx: Pick<StepContext, "checklist">): string[] {
  return ["written", "video_key", ...ctx.checklist.map((q) => `answer_${q.id}`)];
}

export interface ExamFormUpload {
  /** The form's text fields (`answer_<questionId>`, `written`, `video_key`). */
  fields: Record<string, string>;
  /** The file stored from this form, if one was chosen. */
  video: UploadedVideo | null;
  /**
   * The video to send with the answers: the file of this form, else one
   * uploaded by an earlier try of the form (`video_key`), else the video
   * already sent (answers sent again without a new file keep it).
   */
  videoKey: string | undefined;
}

/**
 * Reads the no-JavaScript exam form (`multipart/form-data`: the answers and
 * the file `video`), storing the file as `uploadExamVideo` does. The
 * answers are not checked here: send them with `submitExam`, which checks
 * them and the video key. Throws `UploadError` (with the fields read so far)
 * for a refused file.
 */
export async function receiveExamForm(
  s: Services,
  user: Viewer,
  ref: StepRef,
  req: Request,
): Promise<ExamFormUpload> {
  const target = await videoTarget(s, user, ref);
  if (!/^multipart\/form-data\b/i.test(req.headers.get("content-type") ?? "")) {
    await req.body?.cancel().catch(() => {});
    throw new UploadError("malformed").onField(EXAM_VIDEO_FIELD);
  }
  const { video, fields } = await receive(s, target, req, examFormFields(target.ctx));
  const videoKey = video?.key ?? (fields.video_key || undefined) ?? target.sentKey ?? undefined;
  return { fields, video, videoKey };
}
