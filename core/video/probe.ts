/**
 * What ffprobe says about an uploaded video, checked before anything is
 * accepted: it must be readable, hold a video stream, and be no longer than
 * the limit. Portrait sources are recognised by their display size (a phone's
 * rotation metadata swaps width and height).
 */
import { AppError } from "../app_error.ts";

export const MAX_VIDEO_SECONDS = 60 * 60;

export interface Probe {
  durationSec: number;
  /** Display size (after rotation). */
  width: number;
  height: number;
  hasAudio: boolean;
  videoCodec: string;
  /** Overall bitrate in kbit/s, when the container says. */
  bitrateKbps: number | null;
  formatName: string;
}

export type VideoRejectReason = "unreadable" | "noVideo" | "tooLong";

/** A source video refused before it is accepted (field `_form`, message in the user's language). */
export class VideoRejectedError extends AppError {
  constructor(readonly reason: VideoRejectReason, detail = "") {
    const key = `video.rejected.${reason}` as const;
    super(422, `video_${reason.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, key, {
      vars: { minutes: MAX_VIDEO_SECONDS / 60 },
      fields: { _form: { key, vars: { minutes: MAX_VIDEO_SECONDS / 60 } } },
      message: `video refused: ${reason}${detail ? `: ${detail}` : ""}`,
    });
    this.name = "VideoRejectedError";
  }
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { duration?: string; bit_rate?: string; format_name?: string };
}

/** Run ffprobe on a local file. */
export async function probeVideo(path: string, opts: { ffprobe?: string } = {}): Promise<Probe> {
  const out = await new Deno.Command(opts.ffprobe ?? "ffprobe", {
    args: ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new VideoRejectedError("unreadable", new TextDecoder().decode(out.stderr).slice(0, 300));
  }
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(new TextDecoder().decode(out.stdout));
  } catch {
    throw new VideoRejectedError("unreadable", "ffprobe gave no JSON");
  }
  return interpretProbe(parsed);
}

/** Turn ffprobe's JSON into a Probe, or refuse it (pure, for tests). */
export function interpretProbe(p: FfprobeOutput): Probe {
  const streams = p.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && s.width && s.height);
  if (!video) throw new VideoRejectedError("noVideo");
  const duration = Number(p.format?.duration ?? video.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) {
    throw new VideoRejectedError("unreadable", "no duration");
  }
  if (duration > MAX_VIDEO_SECONDS) throw new VideoRejectedError("tooLong");
  const rotation = Math.abs(
    Number(
      video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ??
        video.tags?.rotate ?? 0,
    ),
  ) % 180;
  const [width, height] = rotation === 90
    ? [video.height!, video.width!]
    : [video.width!, video.height!];
  const bitRate = Number(p.format?.bit_rate);
  return {
    durationSec: duration,
    width,
    height,
    hasAudio: streams.some((s) => s.codec_type === "audio"),
    videoCodec: video.codec_name ?? "unknown",
    bitrateKbps: Number.isFinite(bitRate) && bitRate > 0 ? Math.round(bitRate / 1000) : null,
    formatName: p.format?.format_name ?? "unknown",
  };
}
