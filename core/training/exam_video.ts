/**
 * The video report of an exam: the learner's browser sends the file (or
 * its in-browser recording) as the raw request body. Its container is
 * proven by its first bytes — MP4, QuickTime MOV or WebM; the name and the
 * declared type are ignored — and the rest streams into storage under
 * `exams/<userId>/<userStepId>/<random>.<ext>` with a 100 MB limit, never
 * held whole in memory. Sending a new video deletes the learner's earlier
 * unsent uploads of that exam; the sent one is replaced (and deleted) when
 * the answers are sent again.
 *
 * core/uploads.ts streams images the same way but only sniffs images; this
 * receiver covers the video containers until it takes a sniffer option.
 */
import type { Services } from "../services.ts";
import type { Viewer } from "../courses.ts";
import { mediaPath } from "../courses.ts";
import { randomName } from "../storage/mod.ts";
import { TrainingError } from "./errors.ts";
import { runAfter, stepForLearner } from "./context.ts";
import { EXAM_VIDEO_MAX_BYTES, examPrefix } from "./exams.ts";

export interface VideoKind {
  contentType: "video/mp4" | "video/quicktime" | "video/webm";
  ext: "mp4" | "mov" | "webm";
}

/** Bytes the sniffer looks at (WebM names its doctype within the first few dozen). */
export const VIDEO_HEAD_BYTES = 64;

const ascii = (b: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** The video container the first bytes prove, or null. */
export function sniffVideo(head: Uint8Array): VideoKind | null {
  if (head.length >= 12) {
    const box = ascii(head, 4, 8);
    if (box === "ftyp") {
      const brand = ascii(head, 8, 12);
      return brand === "qt  "
        ? { contentType: "video/quicktime", ext: "mov" }
        : { contentType: "video/mp4", ext: "mp4" };
    }
    // Old QuickTime files start with another atom.
    if (["moov", "mdat", "wide", "free", "skip"].includes(box)) {
      return { contentType: "video/quicktime", ext: "mov" };
    }
  }
  const ebml = head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf &&
    head[3] === 0xa3;
  // Matroska in general is not playable in browsers; WebM (its subset) is.
  if (ebml && ascii(head, 4, VIDEO_HEAD_BYTES).includes("webm")) {
    return { contentType: "video/webm", ext: "webm" };
  }
  return null;
}

export interface UploadedVideo {
  key: string;
  size: number;
  contentType: string;
  url: string;
}

const MB = Math.floor(EXAM_VIDEO_MAX_BYTES / (1024 * 1024));

/**
 * Stores the request body as the learner's exam video (not yet sent: the
 * answers are sent with its key). Refused for exams without a video report
 * or already approved.
 */
export async function uploadExamVideo(
  s: Services,
  user: Viewer,
  userStepId: string,
  req: Request,
): Promise<UploadedVideo> {
  const ctx = await stepForLearner(s, user, userStepId);
  if (ctx.stepType !== "EXAMINATION" || !ctx.requiresVideo) {
    throw new TrainingError(409, "video_not_required");
  }
  const sent = await s.db.selectFrom("exam_results").select(["status", "video_key"])
    .where("user_step_id", "=", userStepId).executeTakeFirst();
  if (sent?.status === "APPROVED" || ctx.row.status === "COMPLETED") {
    throw new TrainingError(409, "exam_closed");
  }
  const length = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(length) && length > EXAM_VIDEO_MAX_BYTES) {
    await req.body?.cancel().catch(() => {});
    throw new TrainingError(413, "video_too_large", { mb: MB });
  }
  if (!req.body) throw new TrainingError(415, "video_type");

  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < VIDEO_HEAD_BYTES) {
    const r = await reader.read();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value);
    headBytes += r.value.byteLength;
  }
  const head = new Uint8Array(headBytes);
  let off = 0;
  for (const c of chunks) {
    head.set(c, off);
    off += c.byteLength;
  }
  const kind = sniffVideo(head);
  if (!kind) {
    await reader.cancel().catch(() => {});
    throw new TrainingError(415, "video_type");
  }

  let seen = 0;
  let tooLarge = false;
  // Pull-based, so a slow store slows the client instead of filling memory.
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      seen = head.byteLength;
      if (seen > EXAM_VIDEO_MAX_BYTES) {
        tooLarge = true;
        c.error(new Error("too large"));
        return;
      }
      c.enqueue(head);
      if (ended) c.close();
    },
    async pull(c) {
      const r = await reader.read();
      if (r.done) return c.close();
      seen += r.value.byteLength;
      if (seen > EXAM_VIDEO_MAX_BYTES) {
        tooLarge = true;
        c.error(new Error("too large"));
        return;
      }
      c.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const prefix = examPrefix(ctx.userId, ctx.userStepId);
  const key = prefix + randomName(kind.ext);
  let size: number;
  try {
    size = (await s.storage.put(key, body, { contentType: kind.contentType })).size;
  } catch (err) {
    await s.storage.delete(key).catch(() => {});
    await reader.cancel().catch(() => {});
    if (tooLarge) throw new TrainingError(413, "video_too_large", { mb: MB });
    throw err;
  }
  // Earlier uploads that were never sent go; the sent video stays until it is replaced.
  await runAfter(async () => {
    for (const f of await s.storage.list(prefix)) {
      if (f.key !== key && f.key !== sent?.video_key) await s.storage.delete(f.key);
    }
  });
  return { key, size, contentType: kind.contentType, url: mediaPath(key) };
}
