/**
 * The video player proper (islands/VideoPlayer.tsx renders the poster and
 * loads this module when it is pressed, so a page with a video ships only
 * the poster button): asks the server for a master playlist URL signed for
 * this learner, or plays the kept copy offline, loads hls.js where needed,
 * offers the quality levels, saves the position and renews the URL. The
 * service worker precaches this chunk with every other, so it loads offline.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type Hls from "hls.js";
import { videoOfflinePlaylistPath, videoProgressPath, videoSessionPath } from "@/core/paths.ts";

export interface VideoPlayerLabels {
  /** "Play the video “{title}”" */
  play: string;
  quality: string;
  auto: string;
  loading: string;
  failed: string;
}

export interface VideoPlayerProps {
  videoId: string;
  poster: string | null;
  title: string;
  /** Seconds to resume from (the learner's saved position). */
  startAt?: number;
  csrf: string;
  labels: VideoPlayerLabels;
}

type Phase = "loading" | "ready" | "failed";

const SAVE_EVERY_MS = 5000;
/** Renew the master URL this long before it expires. */
const RENEW_MARGIN_MS = 5 * 60_000;
const MAX_RECOVERIES = 3;

interface Level {
  index: number;
  height: number;
}

/** The player once the poster was pressed: it starts loading at once. */
export function Player(props: VideoPlayerProps) {
  const { labels } = props;
  const [phase, setPhase] = useState<Phase>("loading");
  const [levels, setLevels] = useState<Level[]>([]);
  const [level, setLevel] = useState(-1);
  const video = useRef<HTMLVideoElement>(null);
  const hls = useRef<Hls | null>(null);
  const url = useRef<string>("");
  const saved = useRef(props.startAt ?? 0);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);

  async function newSession(): Promise<string> {
    const res = await fetch(videoSessionPath(props.videoId), {
      method: "POST",
      headers: { "x-csrf-token": props.csrf, accept: "application/json" },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json() as { url: string; expiresAt: number };
    url.current = body.url;
    const renewIn = Math.max(60_000, body.expiresAt - Date.now() - RENEW_MARGIN_MS);
    timers.current.push(setTimeout(() => newSession().catch(() => {}), renewIn));
    return body.url;
  }

  /** The kept copy's playlist URL, when this device keeps the video (null otherwise). */
  async function keptCopy(): Promise<string | null> {
    if (typeof caches === "undefined") return null;
    const path = videoOfflinePlaylistPath(props.videoId);
    return (await caches.match(path).catch(() => undefined)) ? path : null;
  }

  /** The URL to play: a fresh signed one online; the kept copy offline or when the network fails. */
  async function source(): Promise<{ src: string; kept: boolean }> {
    if (navigator.onLine === false) {
      const kept = await keptCopy();
      if (kept) return { src: kept, kept: true };
    }
    try {
      return { src: await newSession(), kept: false };
    } catch (err) {
      // A refusal (HTTP error) stands; only a failed request falls back.
      const kept = err instanceof TypeError ? await keptCopy() : null;
      if (kept) return { src: kept, kept: true };
      throw err;
    }
  }

  function position(): number {
    return Math.floor(video.current?.currentTime ?? 0);
  }

  function save(beacon = false) {
    const pos = position();
    if (Math.abs(pos - saved.current) < 1) return;
    saved.current = pos;
    const body = JSON.stringify({ position: pos });
    if (beacon && navigator.sendBeacon) {
      // A beacon cannot set headers: the CSRF token goes in the URL.
      navigator.sendBeacon(videoProgressPath(props.videoId, props.csrf), body);
      return;
    }
    fetch(videoProgressPath(props.videoId), {
      method: "POST",
      headers: { "x-csrf-token": props.csrf, "content-type": "application/json" },
      body,
      keepalive: true,
    }).catch(() => {});
  }

  useEffect(() => {
    void start();
  }, []);

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === "hidden") save(true);
    };
    const onPageHide = () => save(true);
    const tick = setInterval(() => {
      if (video.current && !video.current.paused) save();
    }, SAVE_EVERY_MS);
    addEventListener("pagehide", onPageHide);
    document.addEventListener("visibilitychange", onHide);
    return () => {
      clearInterval(tick);
      removeEventListener("pagehide", onPageHide);
      document.removeEventListener("visibilitychange", onHide);
    };
  }, []);

  useEffect(() => () => {
    for (const id of timers.current) clearTimeout(id);
    hls.current?.destroy();
  }, []);

  async function start() {
    try {
      const { src, kept } = await source();
      // Wait for the <video> to be rendered.
      await new Promise((r) => requestAnimationFrame(r));
      const v = video.current!;
      // The Play button is gone: keep keyboard focus on what replaced it.
      v.focus();
      const from = props.startAt ?? 0;
      const hlsJs = kept ? await import("hls.js") : null;
      if (
        v.canPlayType("application/vnd.apple.mpegurl") && !hlsJs?.default.isSupported()
      ) {
        v.addEventListener("loadedmetadata", () => {
          if (from > 0) v.currentTime = from;
        }, { once: true });
        v.src = src;
      } else {
        const { default: HlsClass } = hlsJs ?? await import("hls.js");
        if (!HlsClass.isSupported()) throw new Error("no MSE");
        const h = new HlsClass({ startPosition: from > 0 ? from : -1 });
        hls.current = h;
        let recoveries = 0;
        h.on(HlsClass.Events.MANIFEST_PARSED, (_e, data) => {
          setLevels(
            data.levels.map((l, index) => ({ index, height: l.height }))
              .sort((a, b) => b.height - a.height),
          );
        });
        h.on(HlsClass.Events.ERROR, async (_e, data) => {
          if (!data.fatal) return;
          if (++recoveries > MAX_RECOVERIES) {
            setPhase("failed");
            return;
          }
          if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR) {
            h.recoverMediaError();
            return;
          }
          // The kept copy has no token to renew: a file missing from it is final.
          if (kept) {
            setPhase("failed");
            return;
          }
          // Most likely an expired token: reload from a fresh URL at the same second.
          const at = v.currentTime;
          try {
            const fresh = await newSession();
            h.loadSource(fresh);
            h.startLoad(at);
          } catch {
            setPhase("failed");
          }
        });
        h.loadSource(src);
        h.attachMedia(v);
      }
      setPhase("ready");
      await v.play().catch(() => {});
    } catch {
      setPhase("failed");
    }
  }

  function chooseLevel(e: Event) {
    const n = Number((e.currentTarget as HTMLSelectElement).value);
    setLevel(n);
    if (hls.current) hls.current.currentLevel = n;
  }

  const selectId = `vq-${props.videoId}`;
  return (
    <div class="video-player" aria-busy={phase === "loading"}>
      <div class="video-player__frame">
        {
          /* Same-origin requests keep the session cookie; `anonymous` lets
           * cross-origin media (presigned S3 segments, future caption files)
           * load under CORS without sending it. `<track>`s go inside. */
        }
        <video
          ref={video}
          controls
          playsInline
          preload="none"
          crossOrigin="anonymous"
          poster={props.poster ?? undefined}
          aria-label={props.title}
          onPause={() => save()}
        />
      </div>
      {phase === "loading" && <p class="muted" role="status">{labels.loading}</p>}
      {phase === "failed" && <p class="form__error" role="alert">{labels.failed}</p>}
      {levels.length > 1 && (
        <p class="video-player__quality">
          <label for={selectId}>{labels.quality}</label>{" "}
          <select id={selectId} value={String(level)} onChange={chooseLevel}>
            <option value="-1">{labels.auto}</option>
            {levels.map((l) => <option key={l.index} value={String(l.index)}>{l.height}p</option>)}
          </select>
        </p>
      )}
    </div>
  );
}
