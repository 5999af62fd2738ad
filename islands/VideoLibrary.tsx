/**
 * The studio's video list, kept current while something transcodes: every
 * ~2 s, while any video is waiting or transcoding (and the tab is visible),
 * it asks the studio API for those videos and redraws their status, percent,
 * duration and renditions, with a polite live summary. Rendered on the
 * server too: without JavaScript the list shows the state of when the page
 * was loaded, and the page offers a "refresh" link instead.
 */
import { useEffect, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";

export interface VideoRow {
  id: string;
  title: string;
  href: string;
  thumbUrl: string | null;
  status: "PENDING" | "PROCESSING" | "READY" | "FAILED";
  progress: number;
  error: string | null;
  durationSec: number | null;
  renditions: string[];
  /** Shown to staff, who see every trainer's videos. */
  owner: string | null;
}

interface Props {
  rows: VideoRow[];
  /** The status API, without the `ids` query. */
  api: string;
  intervalMs?: number;
  labels: {
    caption: string;
    title: string;
    status: string;
    duration: string;
    renditions: string;
    owner: string | null;
    none: string;
    /** Per status; PROCESSING has "{pct}", FAILED "{reason}". */
    statuses: Record<VideoRow["status"], string>;
    /** Failure reasons by code. */
    errors: Record<string, string>;
    /** "{count}" */
    summary: string;
    done: string;
    /** "{title}" */
    thumbAlt: string;
  };
}

interface ApiVideo {
  id: string;
  status: VideoRow["status"];
  progress: number;
  error: string | null;
  durationSec: number | null;
  renditions: string[];
}

const busy = (r: Pick<VideoRow, "status">) => r.status === "PENDING" || r.status === "PROCESSING";

function mmss(sec: number | null): string {
  if (sec === null) return "";
  const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${String(m).padStart(2, "0")}:${ss}`;
}

function statusText(r: Pick<VideoRow, "status" | "progress" | "error">, l: Props["labels"]) {
  const reason = l.errors[r.error ?? "other"] ?? l.errors.other ?? "";
  return fill(l.statuses[r.status], { pct: r.progress, reason });
}

export default function VideoLibrary(p: Props) {
  const [rows, setRows] = useState(p.rows);
  const [summary, setSummary] = useState("");
  const pending = rows.filter(busy).map((r) => r.id);
  const key = pending.join(",");

  useEffect(() => {
    if (!key) return;
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const res = await fetch(`${p.api}?ids=${encodeURIComponent(key)}`, {
          headers: { accept: "application/json" },
          credentials: "same-origin",
        });
        if (!res.ok || stopped) return;
        const body = await res.json() as { videos: ApiVideo[] };
        const byId = new Map(body.videos.map((v) => [v.id, v]));
        setRows((list) => {
          const next = list.map((r) => {
            const v = byId.get(r.id);
            return v
              ? {
                ...r,
                status: v.status,
                progress: v.progress,
                error: v.error,
                durationSec: v.durationSec,
                renditions: v.renditions,
              }
              : r;
          });
          const left = next.filter(busy).length;
          setSummary(left ? fill(p.labels.summary, { count: left }) : p.labels.done);
          return next;
        });
      } catch {
        // Offline for a moment: the next tick tries again.
      }
    };
    const timer = setInterval(tick, p.intervalMs ?? 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [key]);

  const l = p.labels;
  return (
    <>
      <p class="visually-hidden" role="status" aria-live="polite">{summary}</p>
      {/* Focusable, so a keyboard can scroll the table on a phone. */}
      <div class="table-scroll" role="region" tabIndex={0} aria-label={l.caption}>
        <table class="video-library">
          <caption class="visually-hidden">{l.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{l.title}</th>
              <th scope="col">{l.status}</th>
              <th scope="col">{l.duration}</th>
              <th scope="col">{l.renditions}</th>
              {l.owner && <th scope="col">{l.owner}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} id={`video-${r.id}`} data-status={r.status}>
                <td>
                  {r.thumbUrl && r.status === "READY" && (
                    <img
                      src={r.thumbUrl}
                      alt={fill(l.thumbAlt, { title: r.title })}
                      width={96}
                      loading="lazy"
                      class="video-library__thumb"
                    />
                  )}
                  <a href={r.href}>{r.title}</a>
                </td>
                <td class="video-library__status">
                  {statusText(r, l)}
                  {r.status === "PROCESSING" && (
                    <progress max={100} value={r.progress} aria-hidden="true" />
                  )}
                </td>
                <td>{mmss(r.durationSec)}</td>
                <td>{r.renditions.length ? r.renditions.join(", ") : l.none}</td>
                {l.owner && <td>{r.owner}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
