/**
 * A trainer's video on the step and course pages. It renders the poster as a
 * "Play" button first; only a press loads the player
 * (components/video/player.tsx, a chunk of its own), which asks the server for a master playlist
 * URL signed for this learner and loads hls.js (a separate chunk, fetched by
 * dynamic import, so pages ship none of it until then). Browsers with native
 * HLS (Safari) play the URL directly. Quality: automatic or a chosen level.
 * The position is saved every few seconds while playing and on leaving the
 * page (a beacon), and the next visit resumes there. The master URL expires:
 * it is renewed before then, and a playback error from an expired token
 * reloads from a fresh URL at the same second.
 *
 * Offline (or when asking for the URL fails on the network), a video of a
 * kept course plays from its stored copy: the lowest rendition's playlist at
 * a stable URL (core/video/offline.ts) that the service worker answers from
 * the course's cache, segments and key included. That copy goes through
 * hls.js wherever it runs, since its requests are the ones the worker sees.
 */
import { useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import type { Player, VideoPlayerProps } from "@/components/video/player.tsx";

export type { VideoPlayerLabels, VideoPlayerProps } from "@/components/video/player.tsx";

export default function VideoPlayer(props: VideoPlayerProps) {
  const { labels } = props;
  const [Loaded, setLoaded] = useState<typeof Player | null>(null);
  const [failed, setFailed] = useState(false);

  async function start() {
    try {
      const { Player } = await import("@/components/video/player.tsx");
      setLoaded(() => Player);
    } catch {
      setFailed(true);
    }
  }

  if (Loaded) return <Loaded {...props} />;
  if (failed) {
    return (
      <div class="video-player">
        <p class="form__error" role="alert">{labels.failed}</p>
      </div>
    );
  }
  return (
    <div class="video-player">
      <button
        type="button"
        class="video-player__start"
        aria-label={fill(labels.play, { title: props.title })}
        onClick={start}
      >
        {props.poster && <img src={props.poster} alt="" loading="lazy" />}
        <span class="video-player__icon" aria-hidden="true">▶</span>
      </button>
    </div>
  );
}
