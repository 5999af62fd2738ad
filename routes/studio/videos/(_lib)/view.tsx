/** Pieces the library's pages share: a video's status in words, the notices after a redirect. */
import type { Translator } from "@/core/i18n/mod.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { type LibraryVideo, VIDEO_ERROR_CODES } from "@/core/video/library.ts";
import { studioVideoPath, studioVideoThumbPath } from "@/core/paths.ts";
import type { VideoRow } from "@/islands/VideoLibrary.tsx";

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

/** A video as a row of the live list island. */
export function videoRow(v: LibraryVideo, staff: boolean): VideoRow {
  return {
    id: v.id,
    title: v.title,
    href: studioVideoPath(v.id),
    thumbUrl: v.hasThumbnail ? studioVideoThumbPath(v.id) : null,
    status: v.status,
    progress: v.progress,
    error: v.errorCode,
    durationSec: v.durationSec,
    renditions: v.renditions,
    owner: staff ? v.ownerName : null,
  };
}

/** The live list island's words. */
export function videoListLabels(t: Translator, staff: boolean) {
  return {
    caption: t("studio.videos.title"),
    title: t("studio.videos.col.title"),
    status: t("studio.videos.col.status"),
    duration: t("studio.videos.col.duration"),
    renditions: t("studio.videos.col.renditions"),
    owner: staff ? t("studio.videos.col.owner") : null,
    none: t("studio.videos.renditions.none"),
    statuses: {
      PENDING: t("studio.videos.status.PENDING"),
      PROCESSING: t("studio.videos.status.PROCESSING"),
      READY: t("studio.videos.status.READY"),
      FAILED: t("studio.videos.status.FAILED"),
    },
    errors: errorLabels(t),
    summary: t("studio.videos.live.summary"),
    done: t("studio.videos.live.done"),
    thumbAlt: t("studio.videos.thumb.alt"),
  };
}
