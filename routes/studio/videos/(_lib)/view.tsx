/** Pieces the library's pages share: a video's status in words, the notices after a redirect. */
import type { Translator } from "@/core/i18n/mod.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { type LibraryVideo, VIDEO_ERROR_CODES } from "@/core/video/library.ts";

export const VIDEO_DONE = ["uploaded", "renamed", "retried", "deleted"] as const;
export type VideoDone = typeof VIDEO_DONE[number];

/** `?done=…` of a redirect back: the notice to show, if it is one of ours. */
export function videoDone(raw: string | null): VideoDone | null {
  return (VIDEO_DONE as readonly string[]).includes(raw ?? "") ? raw as VideoDone : null;
}

/** Failure reasons in the user's language, by code. */
export function errorLabels(t: Translator): Record<string, string> {
  return Object.fromEntries(
    VIDEO_ERROR_CODES.map((c) => [c, t(`studio.videos.error.${c}` as MessageKey)]),
  );
}

/** "Transcoding: 40%", "Failed: the file is corrupt" … */
export function videoStatusText(
  t: Translator,
  v: Pick<LibraryVideo, "status" | "progress" | "errorCode">,
): string {
  return t(`studio.videos.status.${v.status}` as MessageKey, {
    pct: v.progress,
    reason: t(`studio.videos.error.${v.errorCode ?? "other"}` as MessageKey),
  });
}
