/**
 * Learners' exam videos, for the trainer's review: one small copy of each
 * (H.264/AAC MP4, short side at most 480 px, about 1 Mbit/s, `+faststart`
 * so it plays while loading), made by the `exam-video-preview` job in the
 * `video-transcoding` queue (one ffmpeg at a time, shared with trainers'
 * videos: two encoders side by side would only slow both down).
 *
 * The copy lives next to the original (`exams/<userId>/<userStepId>/<name>.small.mp4`),
 * so the `/media` rule for exam files (core/media_access.ts: the learner,
 * the course's author, staff) covers it without a rule of its own. Its key
 * follows from the original's, so a rerun after a crash writes the same key
 * (storage puts are all-or-nothing) and the row names the copy only once
 * it is stored. A job for a video that has since been replaced or removed
 * publishes nothing and deletes what it wrote.
 */
import { join } from "node:path";
import type { Services } from "../services.ts";
import { enqueueNow, type EnqueueWithChange } from "../jobs_tx.ts";
import type { ExamVideoReviewStatus } from "@/db/schema.ts";
import { probeVideo, VideoRejectedError } from "./probe.ts";
import { log } from "@/platform/log.ts";

/** Short side of the review copy, and its bitrates (video capped, audio constant). */
export const REVIEW_SHORT_SIDE = 480;
export const REVIEW_VIDEO_MAX_KBPS = 900;
export const REVIEW_AUDIO_KBPS = 96;

/** ffmpeg may take 3× the clip's length (plus a minute to start) before it counts as stuck. */
export function reviewTimeoutMs(durationSec: number): number {
  return 60_000 + Math.ceil(durationSec * 3_000);
}

/** The job's own limit: above the longest ffmpeg run (a 60-minute clip) plus download and upload. */
export const REVIEW_JOB_TIMEOUT_MS = reviewTimeoutMs(60 * 60) + 30 * 60_000;

const SUFFIX = ".small.mp4";

/** The review copy's key for an original exam video (same folder, same random name). */
export function examReviewKey(videoKey: string): string {
  const slash = videoKey.lastIndexOf("/");
  const name = videoKey.slice(slash + 1);
  const dot = name.indexOf(".");
  return `${videoKey.slice(0, slash + 1)}${dot > 0 ? name.slice(0, dot) : name}${SUFFIX}`;
}

/** Every stored file of one exam video: the original and its copy (missing ones are fine to delete). */
export function examVideoFiles(videoKey: string, reviewKey?: string | null): string[] {
  return [...new Set([videoKey, reviewKey ?? examReviewKey(videoKey), examReviewKey(videoKey)])];
}

/**
 * The review-copy columns a submission stores: the same video keeps its
 * copy (or its place in the queue); a new one waits for a new copy.
 */
export function reviewFieldsFor(
  prev: {
    video_key: string | null;
    video_deleted_at: Date | null;
    video_review_key: string | null;
    video_review_status: ExamVideoReviewStatus | null;
    video_review_error: string | null;
  } | undefined,
  videoKey: string | null,
): {
  video_review_key: string | null;
  video_review_status: ExamVideoReviewStatus | null;
  video_review_error: string | null;
} {
  if (!videoKey) {
    return { video_review_key: null, video_review_status: null, video_review_error: null };
  }
  if (prev && prev.video_key === videoKey && !prev.video_deleted_at && prev.video_review_status) {
    return {
      video_review_key: prev.video_review_key,
      video_review_status: prev.video_review_status,
      video_review_error: prev.video_review_error,
    };
  }
  return { video_review_key: null, video_review_status: "PENDING", video_review_error: null };
}

/**
 * Asks for the copy of an exam's video (once per exam and video: the dedupe
 * key says which). Pass `enqueue` from `changeWithJobs`/`jobsWithChange` to
 * enqueue with the exam's change (core/jobs_tx.ts).
 */
export async function enqueueExamPreview(
  s: Services,
  examId: string,
  videoKey: string,
  enqueue: EnqueueWithChange = enqueueNow(s),
): Promise<void> {
  await enqueue("exam-video-preview", { examId, videoKey }, {
    dedupeKey: `${examId}:${videoKey}`,
  });
}

/** The job's sweeper: copies still waiting whose job was lost (a crash before the enqueue). */
export async function sweepExamPreviews(s: Services): Promise<number> {
  const rows = await s.db.selectFrom("exam_results").select(["id", "video_key"])
    .where("video_review_status", "=", "PENDING")
    .where("video_deleted_at", "is", null)
    .where("video_key", "is not", null)
    .orderBy("id").limit(500).execute();
  for (const r of rows) await enqueueExamPreview(s, r.id, r.video_key!);
  return rows.length;
}

export interface PreviewContext {
  signal: AbortSignal;
  progress(pct: number): Promise<void>;
  job: { attempt: number; maxAttempts: number };
}

export type PreviewResult =
  | { outcome: "ready"; key: string; size: number; width: number; height: number }
  | { outcome: "failed"; error: string }
  | { outcome: "skipped"; why: "gone" | "replaced" | "done" };

/** A failure of this run: `permanent` ones are not retried (the file itself is bad). */
class PreviewFailure extends Error {
  constructor(readonly code: string, readonly permanent: boolean, detail = "") {
    super(detail ? `${code}: ${detail}` : code);
    this.name = "PreviewFailure";
  }
}

/** Still the exam's current video (not replaced, not removed)? */
function stillCurrent(s: Services, examId: string, videoKey: string) {
  return s.db.selectFrom("exam_results")
    .select(["video_review_status", "video_review_key"])
    .where("id", "=", examId).where("video_key", "=", videoKey)
    .where("video_deleted_at", "is", null)
    .executeTakeFirst();
}

/**
 * Makes the review copy of `videoKey` for exam `examId` and publishes it.
 * A file ffprobe cannot read fails at once (`corrupt`); ffmpeg errors and
 * timeouts are retried by the job and recorded as failed on the last
 * attempt. The learner's original stays either way.
 */
export async function makeExamPreview(
  s: Services,
  examId: string,
  videoKey: string,
  ctx: PreviewContext,
): Promise<PreviewResult> {
  const row = await stillCurrent(s, examId, videoKey);
  if (!row) return { outcome: "skipped", why: "replaced" };
  if (row.video_review_status === "READY" && row.video_review_key) {
    return { outcome: "skipped", why: "done" };
  }
  const reviewKey = examReviewKey(videoKey);
  const dir = await Deno.makeTempDir({ prefix: "gafus-exam-video-" });
  try {
    const made = await transcode(s, videoKey, dir, ctx);
    if (!made) return await fail(s, examId, videoKey, "missing");
    const file = await Deno.open(made.path, { read: true });
    const { size } = await s.storage.put(reviewKey, file.readable, { contentType: "video/mp4" });
    // Publish once, and only while this is still the exam's video.
    const res = await s.db.updateTable("exam_results")
      .set({ video_review_key: reviewKey, video_review_status: "READY", video_review_error: null })
      .where("id", "=", examId).where("video_key", "=", videoKey)
      .where("video_deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) {
      await s.storage.delete(reviewKey);
      return { outcome: "skipped", why: "replaced" };
    }
    await ctx.progress(100);
    return { outcome: "ready", key: reviewKey, size, width: made.width, height: made.height };
  } catch (err) {
    if (!(err instanceof PreviewFailure)) throw err;
    const last = ctx.job.attempt >= ctx.job.maxAttempts;
    if (!err.permanent && !last) throw err;
    log.warn("exam video: no review copy", { examId, error: err.message });
    return await fail(s, examId, videoKey, err.message);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function fail(
  s: Services,
  examId: string,
  videoKey: string,
  error: string,
): Promise<PreviewResult> {
  await s.db.updateTable("exam_results")
    .set({ video_review_status: "FAILED", video_review_error: error.slice(0, 500) })
    .where("id", "=", examId).where("video_key", "=", videoKey)
    .where("video_deleted_at", "is", null)
    .where("video_review_status", "!=", "READY")
    .execute();
  return { outcome: "failed", error };
}

/** Downloads the original, checks it with ffprobe and encodes the copy; null when the original is gone. */
async function transcode(
  s: Services,
  videoKey: string,
  dir: string,
  ctx: PreviewContext,
): Promise<{ path: string; width: number; height: number } | null> {
  const src = join(dir, "source");
  const out = join(dir, "review.mp4");
  const obj = await s.storage.get(videoKey);
  if (!obj) return null;
  const file = await Deno.open(src, { write: true, createNew: true });
  await obj.body.pipeTo(file.writable);

  let probe;
  try {
    probe = await probeVideo(src, { ffprobe: s.config.ffprobePath });
  } catch (err) {
    if (err instanceof VideoRejectedError) {
      throw new PreviewFailure(err.reason === "tooLong" ? "tooLong" : "corrupt", true, err.reason);
    }
    throw err;
  }
  // Display size (rotation applied; ffmpeg rotates while decoding): scale the short side.
  const landscape = probe.width >= probe.height;
  const short = Math.min(REVIEW_SHORT_SIDE, landscape ? probe.height : probe.width);
  const even = Math.max(2, short - (short % 2));
  const scale = landscape ? `scale=-2:${even}` : `scale=${even}:-2`;

  const timeout = AbortSignal.timeout(reviewTimeoutMs(probe.durationSec));
  const args = [
    "-n",
    "10",
    s.config.ffmpegPath,
    ...["-hide_banner", "-nostdin", "-v", "error", "-y", "-i", src],
    ...["-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn", "-map_metadata", "-1"],
    ...["-vf", `${scale},format=yuv420p`, "-fpsmax", "30"],
    ...["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-crf", "28"],
    ...["-maxrate", `${REVIEW_VIDEO_MAX_KBPS}k`, "-bufsize", `${REVIEW_VIDEO_MAX_KBPS * 2}k`],
    ...["-c:a", "aac", "-b:a", `${REVIEW_AUDIO_KBPS}k`, "-ac", "2"],
    ...["-movflags", "+faststart", "-threads", "2", "-progress", "pipe:1", "-nostats", out],
  ];
  const child = new Deno.Command("nice", {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.any([ctx.signal, timeout]),
  }).spawn();
  const stderr = new Response(child.stderr).text();
  await readProgress(child.stdout, probe.durationSec, ctx);
  const status = await child.status;
  const errText = (await stderr).trim().slice(-300);
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (timeout.aborted) throw new PreviewFailure("timeout", false);
  if (!status.success) throw new PreviewFailure("ffmpeg", false, errText);
  const result = await probeVideo(out, { ffprobe: s.config.ffprobePath })
    .catch(() => null);
  if (!result || result.videoCodec !== "h264") {
    throw new PreviewFailure("ffmpeg", false, "bad output");
  }
  return { path: out, width: result.width, height: result.height };
}

/** Reads ffmpeg's `-progress` lines and reports whole steps of 5 % (0–95 while encoding). */
async function readProgress(
  stream: ReadableStream<Uint8Array>,
  durationSec: number,
  ctx: PreviewContext,
): Promise<void> {
  let last = -1;
  let buf = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    buf += decoder.decode(bytes, { stream: true });
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    for (const line of lines) {
      const m = /^out_time_us=(\d+)/.exec(line);
      if (!m || durationSec <= 0) continue;
      const pct = Math.min(95, Math.floor(Number(m[1]) / 1e6 / durationSec * 20) * 5);
      if (pct > last) {
        last = pct;
        await ctx.progress(pct).catch(() => {});
      }
    }
  }
}
