/**
 * PLACEHOLDER for the transcoder (slice pipe owns the real one; the lead
 * keeps pipe's file at merge). It only exists so the library slice compiles
 * against the job contract; it never runs in the library's tests.
 */
import type { Services } from "../services.ts";

export interface TranscodeContext {
  signal: AbortSignal;
  progress(pct: number): Promise<void>;
  job: { attempt: number; maxAttempts: number };
}

export function transcodeVideo(
  _s: Services,
  _videoId: string,
  _ctx: TranscodeContext,
): Promise<unknown> {
  return Promise.reject(new Error("transcoder not merged"));
}
