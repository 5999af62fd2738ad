/**
 * "Keep this course offline" on a course page. Shown only where a service
 * worker and Cache Storage exist (nothing at all without JavaScript).
 *
 * On opening: the bundle (core/offline/bundle.ts) tells the size before
 * anything is downloaded, videos (their lowest rendition) included; a course
 * already kept compares its version with the server's and, when it changed,
 * downloads the new one by itself (also when the connection comes back).
 * Progress shows on a progress bar per file and is announced in a polite live
 * region in steps of a tenth (a video's segments would flood a screen
 * reader otherwise), results too.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import type { OfflineBundle } from "@/core/offline/bundle.ts";
import {
  fetchBundle,
  formatBytes,
  isAccessLost,
  keepBundle,
  type KeptRecord,
  keptRecord,
  offlineSupported,
  removeKept,
} from "@/core/offline/client.ts";

export interface KeepOfflineLabels {
  title: string;
  lead: string;
  button: string;
  checking: string;
  size: string;
  videos: string;
  progress: string;
  done: string;
  kept: string;
  remove: string;
  removed: string;
  updating: string;
  updated: string;
  failed: string;
  offline: string;
  kb: string;
  mb: string;
}

interface Props {
  slug: string;
  labels: KeepOfflineLabels;
}

type Phase = "hidden" | "idle" | "working" | "kept";

export default function KeepOffline({ slug, labels }: Props) {
  const [phase, setPhase] = useState<Phase>("hidden");
  const [bundle, setBundle] = useState<OfflineBundle | null>(null);
  const [record, setRecord] = useState<KeptRecord | null>(null);
  const [message, setMessage] = useState("");
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  /** What the live region last said of the progress (tenths, so it is not read out per file). */
  const [announced, setAnnounced] = useState<{ done: number; total: number } | null>(null);
  const busy = useRef(false);
  const units = { kb: labels.kb, mb: labels.mb };

  async function download(b: OfflineBundle, updating: boolean) {
    if (busy.current) return;
    busy.current = true;
    setPhase("working");
    setMessage(updating ? labels.updating : "");
    setProgress({ done: 0, total: b.files.length });
    setAnnounced({ done: 0, total: b.files.length });
    let tenth = 0;
    try {
      const r = await keepBundle(b, (done, total) => {
        setProgress({ done, total });
        const now = Math.floor((done * 10) / total);
        if (now > tenth) {
          tenth = now;
          setAnnounced({ done, total });
        }
      }, { refresh: updating });
      setRecord(r);
      setPhase(r ? "kept" : "idle");
      // No record after an update: the copy was removed meanwhile (another tab, lost access).
      setMessage(r ? (updating ? labels.updated : labels.done) : labels.removed);
    } catch (err) {
      setPhase(record ? "kept" : "idle");
      setMessage(fill(labels.failed, { reason: (err as Error).message || String(err) }));
    } finally {
      setProgress(null);
      setAnnounced(null);
      busy.current = false;
    }
  }

  /** Kept: refresh when the server's version differs. Not kept: show the size. */
  async function check() {
    if (!navigator.onLine) return;
    try {
      const b = await fetchBundle(slug);
      setBundle(b);
      const r = await keptRecord(slug);
      if (r && r.version !== b.version) await download(b, true);
    } catch (err) {
      // No longer this learner's course: its copy (video keys too) leaves the device.
      if (isAccessLost(err) && await keptRecord(slug)) {
        await removeKept(slug);
        setRecord(null);
        setPhase("idle");
        setMessage(labels.removed);
      }
      // Otherwise (offline, signed out) the kept copy stays as it is.
    }
  }

  useEffect(() => {
    if (!offlineSupported()) return;
    (async () => {
      const r = await keptRecord(slug);
      setRecord(r);
      setPhase(r ? "kept" : "idle");
      await check();
    })();
    const online = () => check();
    globalThis.addEventListener("online", online);
    return () => globalThis.removeEventListener("online", online);
  }, [slug]);

  async function keep() {
    if (!navigator.onLine) return setMessage(labels.offline);
    try {
      const b = bundle ?? await fetchBundle(slug);
      setBundle(b);
      await download(b, false);
    } catch (err) {
      setMessage(fill(labels.failed, { reason: (err as Error).message || String(err) }));
    }
  }

  async function remove() {
    await removeKept(slug);
    setRecord(null);
    setPhase("idle");
    setMessage(labels.removed);
  }

  if (phase === "hidden") return null;
  const pages = bundle?.files.filter((f) => f.kind === "page").length ?? 0;
  return (
    <section class="keep-offline" aria-labelledby="keep-offline-title">
      <h2 id="keep-offline-title">{labels.title}</h2>
      <p>{labels.lead}</p>
      {phase === "kept" && record && (
        <p class="keep-offline__kept">
          {fill(labels.kept, { size: formatBytes(record.bytes, units) })}
        </p>
      )}
      {phase === "idle" && (
        <p class="keep-offline__size">
          {bundle
            ? fill(labels.size, {
              size: formatBytes(bundle.totalBytes, units),
              pages,
              files: bundle.files.length - pages,
            })
            : labels.checking}
        </p>
      )}
      {bundle && bundle.videos > 0 && phase === "idle" && (
        <p class="keep-offline__videos">
          {fill(labels.videos, {
            n: bundle.videos,
            size: formatBytes(bundle.videoBytes, units),
          })}
        </p>
      )}
      {progress && (
        <progress
          max={progress.total}
          value={progress.done}
          aria-labelledby="keep-offline-title"
          aria-valuetext={fill(labels.progress, progress)}
        >
          {progress.done}/{progress.total}
        </progress>
      )}
      <p class="keep-offline__status" role="status" aria-live="polite">
        {announced ? fill(labels.progress, announced) : message}
      </p>
      <div class="keep-offline__actions">
        {phase === "idle" && (
          <button type="button" class="button button--primary" onClick={keep}>
            {labels.button}
          </button>
        )}
        {phase === "kept" && (
          <button type="button" class="button button--ghost" onClick={remove}>
            {labels.remove}
          </button>
        )}
      </div>
    </section>
  );
}
