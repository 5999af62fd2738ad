/**
 * One upload → encrypted adaptive HLS (the `video-transcode` job's work).
 *
 * One ffmpeg process decodes the source once and writes every rung of the
 * ladder (core/video/ladder.ts): split + scale per rung, H.264 + AAC,
 * keyframes every 2 s, 4 s MPEG-TS segments encrypted with AES-128 under a
 * fresh per-video key, VOD playlists and a master playlist. Then a
 * thumbnail and a poster, every file to storage, and only then the READY row
 * in one transaction (publish once). A rerun after a crash or a failed
 * attempt first removes whatever the previous run left (storage and the temp
 * dir) and starts from the start, so a half-published video never exists.
 */
import { join } from "node:path";
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { VideoRendition } from "@/db/schema.ts";
import { json } from "@/db/connection.ts";
import { log } from "@/platform/log.ts";
import { typeForKey } from "../storage/mod.ts";
import { invalidateCourses } from "../courses/cache.ts";
import { newContentKey, sealContentKey } from "./keys.ts";
import {
  KEY_URI_PLACEHOLDER,
  KEYFRAME_SEC,
  MASTER_PLAYLIST,
  RENDITION_PLAYLIST,
  SEGMENT_PATTERN,
  SEGMENT_SEC,
  videoHlsPrefix,
  videoPosterKey,
  videoThumbnailKey,
} from "./layout.ts";
import { even, planLadder, type PlannedRendition } from "./ladder.ts";
import { type Probe, probeVideo, VideoRejectedError } from "./probe.ts";

export interface TranscodeContext {
  signal: AbortSignal;
  progress(pct: number): Promise<void>;
  job: { attempt: number; maxAttempts: number };
}

export interface TranscodeResult {
  videoId: string;
  /** `ready`: published now; `skipped`: already READY or gone. */
  outcome: "ready" | "skipped";
  renditions?: string[];
  wallMs?: number;
}

/** A failed attempt, with the short reason code stored in `videos.error`. */
export class TranscodeError extends Error {
  constructor(readonly reason: "corrupt" | "timeout" | "ffmpeg" | "storage", detail = "") {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = "TranscodeError";
  }
}

/** Share of the progress bar ffmpeg's run takes; the rest is images and upload. */
const ENCODE_SHARE = 94;
const THUMB_WIDTH = 320;
const POSTER_MAX = 1280;
const BASE_TIMEOUT_SEC = 60;
const PID_FILE = "ffmpeg.pid";

/** Where a video's files are made before upload; fixed per video so a rerun finds and removes it. */
export function transcodeWorkDir(s: Services, videoId: string): string {
  return join(s.config.dataDir, "tmp", "transcode", videoId);
}

export async function transcodeVideo(
  s: Services,
  videoId: string,
  ctx: TranscodeContext,
): Promise<TranscodeResult> {
  const t0 = performance.now();
  const video = await s.db.selectFrom("videos")
    .select(["id", "status", "source_key"])
    .where("id", "=", videoId).executeTakeFirst();
  // Deleted meanwhile, or a duplicate delivery after publishing: nothing to do.
  if (!video || video.status === "READY") return { videoId, outcome: "skipped" };
  const work = transcodeWorkDir(s, videoId);
  try {
    await cleanUp(s, videoId, work);
    await s.db.updateTable("videos")
      .set({ status: "PROCESSING", progress: 0, error: null })
      .where("id", "=", videoId).where("status", "!=", "READY").execute();
    await ctx.progress(0);
    if (!video.source_key) throw new TranscodeError("corrupt", "no source");
    await Deno.mkdir(join(work, "out"), { recursive: true });
    const ext = video.source_key.slice(video.source_key.lastIndexOf(".") + 1) || "bin";
    const source = join(work, `source.${ext}`);
    await download(s, video.source_key, source);

    let probe: Probe;
    try {
      probe = await probeVideo(source, { ffprobe: s.config.ffprobePath });
    } catch (err) {
      if (err instanceof VideoRejectedError) {
        throw new TranscodeError("corrupt", err.reason);
      }
      throw err;
    }
    const plan = planLadder(probe);
    const key = newContentKey();
    const progress = throttledProgress(s, videoId, ctx);
    const out = join(work, "out");
    await runFfmpeg(s, {
      work,
      args: hlsArgs(source, out, work, plan, probe.hasAudio),
      durationSec: probe.durationSec,
      signal: ctx.signal,
      onProgress: (frac) => progress(Math.floor(frac * ENCODE_SHARE)),
      before: () => writeKeyInfo(work, key),
    });
    const renditions = await finishMaster(out, plan);
    await runFfmpeg(s, {
      work,
      args: imageArgs(source, work, probe),
      durationSec: 0,
      signal: ctx.signal,
    });
    await progress(ENCODE_SHARE + 1, true);

    // Every file stored before the row says READY.
    const hls = videoHlsPrefix(videoId);
    for (const rel of await listFiles(out)) {
      await upload(s, join(out, rel), hls + rel);
    }
    await upload(s, join(work, "poster.jpg"), videoPosterKey(videoId));
    await upload(s, join(work, "thumb.jpg"), videoThumbnailKey(videoId));
    await progress(99, true);

    const sealed = await sealContentKey(s.config.secrets.video, key);
    const keepSource = s.config.video.keepSource;
    const published = await s.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable("videos").set({
        status: "READY",
        progress: 100,
        error: null,
        hls_prefix: hls,
        renditions: json(renditions),
        encryption_key: sealed,
        thumbnail_key: videoThumbnailKey(videoId),
        duration_sec: Math.round(probe.durationSec),
        width: probe.width,
        height: probe.height,
        transcoded_at: sql<Date>`now()`,
        source_key: keepSource ? video.source_key : null,
      }).where("id", "=", videoId).where("status", "!=", "READY").executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    });
    if (!published) return { videoId, outcome: "skipped" };
    // Day pages cache which videos are ready: show this one at once.
    invalidateCourses(s);
    await ctx.progress(100);
    if (!keepSource) {
      // After the commit: a crash here leaves the source under the video's
      // prefix, which deleting the video removes; the video is READY either way.
      await s.storage.delete(video.source_key).catch((err) =>
        log.warn("video source not removed", { videoId, err })
      );
    }
    const wallMs = Math.round(performance.now() - t0);
    log.info("video transcoded", { videoId, renditions: plan.map((p) => p.name), wallMs });
    return { videoId, outcome: "ready", renditions: plan.map((p) => p.name), wallMs };
  } catch (err) {
    await failAttempt(s, videoId, ctx, err);
    throw err;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** What a previous run of this video may have left: storage files and the temp dir. */
async function cleanUp(s: Services, videoId: string, work: string): Promise<void> {
  await killStaleFfmpeg(work);
  await Deno.remove(work, { recursive: true }).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  await s.storage.deletePrefix(videoHlsPrefix(videoId));
  await s.storage.delete(videoPosterKey(videoId));
  await s.storage.delete(videoThumbnailKey(videoId));
}

/**
 * An ffmpeg of a killed run may outlive its parent (ffmpeg ignores SIGPIPE,
 * and without `setpriv` nothing kills it) and would keep writing into the
 * work dir: kill it, recognised by its pid file and by naming the work dir.
 */
async function killStaleFfmpeg(work: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(await Deno.readTextFile(join(work, PID_FILE)));
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  const alive = async () => {
    try {
      return (await Deno.readTextFile(`/proc/${pid}/cmdline`)).includes(work);
    } catch {
      return false;
    }
  };
  if (!await alive()) return;
  log.warn("killing ffmpeg left by a killed transcode", { pid, work });
  try {
    Deno.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  for (let i = 0; i < 50 && await alive(); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * After a failed attempt: partial files go, and the row says FAILED with the
 * reason only on the last attempt (earlier ones wait for the retry as
 * PENDING). A stop of the process or a cancel is not the video's fault: the
 * row stays as it is, and the redelivered job starts over.
 */
async function failAttempt(
  s: Services,
  videoId: string,
  ctx: TranscodeContext,
  err: unknown,
): Promise<void> {
  const reason = err instanceof TranscodeError
    ? err.message
    : `ffmpeg: ${err instanceof Error ? err.message : String(err)}`;
  log.warn("video transcode failed", {
    videoId,
    reason,
    attempt: ctx.job.attempt,
    maxAttempts: ctx.job.maxAttempts,
  });
  try {
    await s.storage.deletePrefix(videoHlsPrefix(videoId));
    await s.storage.delete(videoPosterKey(videoId));
    await s.storage.delete(videoThumbnailKey(videoId));
  } catch (e) {
    log.warn("partial video files not removed", { videoId, err: e });
  }
  if (ctx.signal.aborted && !(err instanceof TranscodeError && err.reason === "timeout")) return;
  const last = ctx.job.attempt >= ctx.job.maxAttempts;
  await s.db.updateTable("videos").set({
    status: last ? "FAILED" : "PENDING",
    progress: 0,
    error: reason.slice(0, 500),
  }).where("id", "=", videoId).where("status", "!=", "READY").execute();
}

async function download(s: Services, key: string, path: string): Promise<void> {
  const got = await s.storage.get(key);
  if (!got) throw new TranscodeError("corrupt", "source missing from storage");
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  await got.body.pipeTo(file.writable);
}

async function upload(s: Services, path: string, key: string): Promise<void> {
  const file = await Deno.open(path, { read: true });
  try {
    await s.storage.put(key, file.readable, { contentType: typeForKey(key) });
  } catch (err) {
    throw new TranscodeError("storage", err instanceof Error ? err.message : String(err));
  }
}

/** Relative paths of every file under `dir` (sorted, `/`-separated). */
async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, rel))) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(dir, p));
    else if (e.isFile) out.push(p);
  }
  return out.sort();
}

/** `videos.progress` and the job's progress, at most every 2 % or 1 s. */
function throttledProgress(
  s: Services,
  videoId: string,
  ctx: TranscodeContext,
): (pct: number, force?: boolean) => Promise<void> {
  let last = 0;
  let lastAt = 0;
  let chain = Promise.resolve();
  return (pct, force = false) => {
    const p = Math.max(0, Math.min(99, Math.floor(pct)));
    const now = Date.now();
    if (p <= last || (!force && p - last < 2 && now - lastAt < 1000)) return chain;
    last = p;
    lastAt = now;
    chain = chain.then(async () => {
      await s.db.updateTable("videos").set({ progress: p })
        .where("id", "=", videoId).where("status", "=", "PROCESSING").execute();
      await ctx.progress(p);
    }).catch((err) => log.warn("video progress not saved", { videoId, err }));
    return chain;
  };
}

async function writeKeyInfo(work: string, key: Uint8Array<ArrayBuffer>): Promise<void> {
  // No IV line: each segment's IV is its media sequence number (HLS spec),
  // so no two segments share an IV under the same key.
  await Deno.writeFile(join(work, "content.key"), key, { mode: 0o600 });
  await Deno.writeTextFile(
    join(work, "key_info.txt"),
    `${KEY_URI_PLACEHOLDER}\n${join(work, "content.key")}\n`,
  );
}

/**
 * The filter graph: the top rung scaled from the source, each lower rung
 * from the rung above it (a cascade: downscaling 1080p → 720p → 480p… costs
 * less than scaling the full-size frame once per rung, and looks the same).
 * Outputs `[v<i>]` in ladder order.
 */
export function cascadeGraph(plan: PlannedRendition[]): string {
  const parts: string[] = [];
  let input = "[0:v]format=yuv420p,";
  for (let i = plan.length - 1; i >= 0; i--) {
    const r = plan[i];
    const scaled = `${input}scale=${r.width}:${r.height},setsar=1`;
    if (i === 0) parts.push(`${scaled}[v${i}]`);
    else {
      parts.push(`${scaled},split=2[v${i}][c${i}]`);
      input = `[c${i}]`;
    }
  }
  return parts.join(";");
}

/** The one ffmpeg run that writes every rendition. */
export function hlsArgs(
  source: string,
  out: string,
  work: string,
  plan: PlannedRendition[],
  hasAudio: boolean,
): string[] {
  const graph = cascadeGraph(plan);
  const args = ["-hide_banner", "-nostdin", "-v", "error", "-y", "-i", source];
  args.push("-filter_complex", graph);
  plan.forEach((_, i) => args.push("-map", `[v${i}]`));
  if (hasAudio) plan.forEach(() => args.push("-map", "0:a:0"));
  args.push("-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high");
  plan.forEach((r, i) => {
    args.push(
      `-b:v:${i}`,
      `${r.videoKbps}k`,
      `-maxrate:v:${i}`,
      `${r.videoKbps}k`,
      `-bufsize:v:${i}`,
      `${r.videoKbps * 2}k`,
    );
  });
  args.push(
    "-force_key_frames",
    `expr:gte(t,n_forced*${KEYFRAME_SEC})`,
    "-sc_threshold",
    "0",
  );
  if (hasAudio) {
    args.push("-c:a", "aac", "-ac", "2");
    plan.forEach((r, i) => args.push(`-b:a:${i}`, `${r.audioKbps}k`));
  }
  const streamMap = plan.map((r, i) => `v:${i}${hasAudio ? `,a:${i}` : ""},name:${r.name}`)
    .join(" ");
  args.push(
    ...["-f", "hls", "-hls_time", String(SEGMENT_SEC), "-hls_playlist_type", "vod"],
    ...["-hls_list_size", "0", "-start_number", "1", "-hls_flags", "independent_segments"],
    ...["-hls_segment_type", "mpegts"],
    ...["-hls_segment_filename", join(out, "%v", SEGMENT_PATTERN)],
    ...["-hls_key_info_file", join(work, "key_info.txt")],
    ...["-master_pl_name", MASTER_PLAYLIST, "-var_stream_map", streamMap],
    ...["-progress", "pipe:1", "-nostats"],
    join(out, "%v", RENDITION_PLAYLIST),
  );
  return args;
}

/** Thumbnail (320 px wide) and poster (source size, long side ≤ 1280) from ~10 % in. */
function imageArgs(source: string, work: string, probe: Probe): string[] {
  const at = (probe.durationSec * 0.1).toFixed(2);
  const tw = Math.min(THUMB_WIDTH, even(probe.width));
  const th = even((probe.height * tw) / probe.width);
  const scale = Math.min(1, POSTER_MAX / Math.max(probe.width, probe.height));
  const pw = even(probe.width * scale);
  const ph = even(probe.height * scale);
  return [
    ...["-hide_banner", "-nostdin", "-v", "error", "-y", "-ss", at, "-i", source],
    "-filter_complex",
    `[0:v]split=2[a][b];[a]scale=${tw}:${th}[t];[b]scale=${pw}:${ph}[p]`,
    ...["-map", "[t]", "-frames:v", "1", "-q:v", "3", join(work, "thumb.jpg")],
    ...["-map", "[p]", "-frames:v", "1", "-q:v", "3", join(work, "poster.jpg")],
  ];
}

const SETPRIV = "/usr/bin/setpriv";
let setpriv: Promise<boolean> | undefined;

function hasSetpriv(): Promise<boolean> {
  return setpriv ??= Deno.stat(SETPRIV).then((st) => st.isFile, () => false);
}

interface FfmpegRun {
  /** The video's work dir (the pid file goes there). */
  work: string;
  args: string[];
  /** Source duration (progress and timeout); 0 for a short run without progress. */
  durationSec: number;
  signal: AbortSignal;
  onProgress?: (fraction: number) => void;
  before?: () => Promise<void>;
}

/**
 * Runs ffmpeg under `nice`, killed (SIGKILL) on timeout or when the job's
 * signal aborts. Progress comes from `-progress pipe:1` (`out_time_us`).
 */
async function runFfmpeg(s: Services, run: FfmpegRun): Promise<void> {
  await run.before?.();
  const nice = s.config.video.nice;
  // setpriv --pdeathsig: ffmpeg dies with this process (a kill -9 of the
  // server must not leave an encoder running); nice keeps the web responsive.
  const argv = [
    ...(await hasSetpriv() ? [SETPRIV, "--pdeathsig", "KILL"] : []),
    ...(nice > 0 ? ["nice", "-n", String(nice)] : []),
    s.config.ffmpegPath,
    ...run.args,
  ];
  const [cmd, ...args] = argv;
  const timeoutMs = (BASE_TIMEOUT_SEC + s.config.video.timeoutFactor * run.durationSec) * 1000;
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  await Deno.writeTextFile(join(run.work, PID_FILE), String(child.pid));
  let timedOut = false;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  run.signal.addEventListener("abort", kill, { once: true });
  if (run.signal.aborted) kill();
  let stderr = "";
  const readErr = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderr = (stderr + dec.decode(chunk, { stream: true })).slice(-4000);
    }
  })();
  const readOut = (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of child.stdout) {
      buf += dec.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith("out_time_us=") && run.durationSec > 0) {
          const us = Number(line.slice("out_time_us=".length));
          if (Number.isFinite(us) && us > 0) {
            run.onProgress?.(Math.min(1, us / 1e6 / run.durationSec));
          }
        }
      }
    }
  })();
  try {
    const status = await child.status;
    await Promise.all([readErr, readOut]);
    if (timedOut) throw new TranscodeError("timeout", `${Math.round(timeoutMs / 1000)} s`);
    if (run.signal.aborted) throw run.signal.reason ?? new Error("aborted");
    if (!status.success) {
      const lastLine = stderr.trim().split("\n").filter(Boolean).at(-1) ?? `exit ${status.code}`;
      throw new TranscodeError("ffmpeg", lastLine.slice(0, 300));
    }
  } finally {
    clearTimeout(timer);
    run.signal.removeEventListener("abort", kill);
  }
}

/**
 * Checks ffmpeg's master playlist (every variant has BANDWIDTH, RESOLUTION
 * and CODECS) and sets each BANDWIDTH to the larger of the ladder's peak and
 * the real peak segment bitrate, as the HLS spec asks of BANDWIDTH.
 */
async function finishMaster(out: string, plan: PlannedRendition[]): Promise<VideoRendition[]> {
  const masterPath = join(out, MASTER_PLAYLIST);
  const lines = (await Deno.readTextFile(masterPath)).split("\n");
  const renditions: VideoRendition[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith("#EXT-X-STREAM-INF:")) continue;
    const uri = lines[i + 1]?.trim() ?? "";
    const name = uri.split("/")[0];
    const r = plan.find((p) => p.name === name);
    const attrs = lines[i];
    if (!r || !/BANDWIDTH=\d+/.test(attrs) || !/RESOLUTION=\d+x\d+/.test(attrs)) {
      throw new TranscodeError("ffmpeg", `master playlist variant incomplete: ${attrs}`);
    }
    if (!/CODECS="[^"]+"/.test(attrs)) {
      throw new TranscodeError("ffmpeg", `master playlist has no CODECS: ${attrs}`);
    }
    const peak = await peakSegmentBitrate(join(out, name));
    const bandwidth = Math.max(r.bandwidth, peak);
    lines[i] = attrs.replace(/BANDWIDTH=\d+/, `BANDWIDTH=${bandwidth}`);
    const [w, h] = /RESOLUTION=(\d+)x(\d+)/.exec(attrs)!.slice(1).map(Number);
    renditions.push({ name, width: w, height: h, bandwidth, playlist: uri });
  }
  if (renditions.length !== plan.length) {
    throw new TranscodeError("ffmpeg", `master lists ${renditions.length} of ${plan.length}`);
  }
  await Deno.writeTextFile(masterPath, lines.join("\n"));
  return renditions;
}

/** Highest bits per second of any segment of one rendition (sizes as stored, encrypted). */
async function peakSegmentBitrate(dir: string): Promise<number> {
  const text = await Deno.readTextFile(join(dir, RENDITION_PLAYLIST));
  let peak = 0;
  let dur = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#EXTINF:")) dur = parseFloat(line.slice(8));
    else if (line && !line.startsWith("#") && dur > 0) {
      const { size } = await Deno.stat(join(dir, line.trim()));
      peak = Math.max(peak, Math.ceil((size * 8) / dur));
      dur = 0;
    }
  }
  return peak;
}
