/**
 * Which renditions a source gets (pure). Rungs of `LADDER` at or below the
 * source's short side (a landscape source by its height, a portrait one by
 * its width), never upscaled; a source smaller than the lowest rung gets one
 * rendition at its own size. Bitrates are capped near the source's own, so a
 * low-bitrate upload is not inflated into large files that look no better.
 */
import { LADDER } from "./layout.ts";

/** A rendition the transcoder will write. */
export interface PlannedRendition {
  name: string;
  width: number;
  height: number;
  /** Target and peak (`-maxrate`) video bitrate. */
  videoKbps: number;
  /** 0 when the source has no audio. */
  audioKbps: number;
  /** Video + audio peak in bits/s, for the master playlist's BANDWIDTH. */
  bandwidth: number;
}

export interface LadderSource {
  width: number;
  height: number;
  /** The source's overall bitrate, when known. */
  bitrateKbps: number | null;
  hasAudio: boolean;
}

/** A rendition may use at most this much more than the source's own bitrate. */
export const SOURCE_BITRATE_HEADROOM = 1.2;
/** Below this a cap would make the picture fall apart; a tiny source gets at least this. */
export const MIN_VIDEO_KBPS = 100;

/** Nearest even number, at least 2 (H.264 in 4:2:0 needs even sizes). */
export function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** Even number at or below `n` (a tiny source's own size, never upscaled). */
function evenDown(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

export function planLadder(src: LadderSource): PlannedRendition[] {
  if (!(src.width > 0 && src.height > 0)) throw new Error("planLadder: source has no size");
  const portrait = src.height > src.width;
  const short = portrait ? src.width : src.height;
  const long = portrait ? src.height : src.width;
  const cap = src.bitrateKbps && src.bitrateKbps > 0
    ? Math.max(MIN_VIDEO_KBPS, Math.round(src.bitrateKbps * SOURCE_BITRATE_HEADROOM))
    : Infinity;
  const rungs = LADDER.filter((r) => r.shortSide <= short);
  const chosen = rungs.length
    ? rungs
    : [{ ...LADDER[0], name: `${evenDown(short)}p`, shortSide: evenDown(short) }];
  return chosen.map((r) => {
    const s = r.shortSide;
    const l = even((long * s) / short);
    const videoKbps = Math.min(r.videoKbps, cap);
    const audioKbps = src.hasAudio ? r.audioKbps : 0;
    return {
      name: r.name,
      width: portrait ? s : l,
      height: portrait ? l : s,
      videoKbps,
      audioKbps,
      bandwidth: (videoKbps + audioKbps) * 1000,
    };
  });
}
