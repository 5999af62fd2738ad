/**
 * The player island with its labels in the viewer's language: what a page
 * renders for a READY trainer's video (step cards; the course page's
 * presentation video). The island, and so its script, is only on pages that
 * show a video.
 */
import type { Translator } from "@/core/i18n/mod.ts";
import VideoPlayer, { type VideoPlayerLabels } from "@/islands/VideoPlayer.tsx";

const cache = new Map<string, VideoPlayerLabels>();

export function videoPlayerLabels(t: Translator): VideoPlayerLabels {
  let l = cache.get(t.locale);
  if (!l) {
    cache.set(
      t.locale,
      l = {
        play: t.raw("videoPlayer.play") as string,
        quality: t("videoPlayer.quality"),
        auto: t("videoPlayer.quality.auto"),
        loading: t("videoPlayer.loading"),
        failed: t("videoPlayer.failed"),
      },
    );
  }
  return l;
}

export function VideoPlayerBox(
  props: {
    videoId: string;
    poster: string | null;
    title: string;
    startAt: number;
    csrf: string;
    t: Translator;
  },
) {
  return (
    <VideoPlayer
      videoId={props.videoId}
      poster={props.poster}
      title={props.title}
      startAt={props.startAt}
      csrf={props.csrf}
      labels={videoPlayerLabels(props.t)}
    />
  );
}
