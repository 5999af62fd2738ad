/**
 * "Waiting to sync (N)": the learner's actions made offline that the server
 * has not accepted yet (components/training/queue.ts). Starts the replay on
 * load and on every trigger; says when everything is synced, and shows each
 * action the server refused (dropped from the queue) until dismissed.
 * Its live region stays in the page (empty and unstyled while there is
 * nothing to say), so screen readers announce each change.
 */
import { useEffect, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import { flush, pendingCount, startSync } from "@/components/training/queue.ts";

interface Props {
  userId: string;
  csrf: string;
  labels: {
    label: string;
    waiting: string;
    offline: string;
    done: string;
    dropped: string;
    now: string;
    dismiss: string;
  };
}

export default function SyncStatus(p: Props) {
  const { labels } = p;
  const [count, setCount] = useState(0);
  const [online, setOnline] = useState(true);
  const [synced, setSynced] = useState(false);
  const [dropped, setDropped] = useState<string[]>([]);
  const [live, setLive] = useState(false);

  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onCount = (e: Event) => {
      const n = (e as CustomEvent<{ count: number }>).detail.count;
      setCount(n);
      if (last > 0 && n === 0) {
        setSynced(true);
        clearTimeout(timer);
        timer = setTimeout(() => setSynced(false), 5000);
      } else if (n > 0) setSynced(false);
      last = n;
    };
    const onDropped = (e: Event) => {
      const msg = (e as CustomEvent<{ message: string }>).detail.message;
      setDropped((d) => [...d, fill(labels.dropped, { message: msg })]);
    };
    const onLine = () => setOnline(navigator.onLine !== false);
    addEventListener("gafus-queue", onCount);
    addEventListener("gafus-dropped", onDropped);
    addEventListener("online", onLine);
    addEventListener("offline", onLine);
    onLine();
    pendingCount(p.userId).then((n) => {
      last = n;
      setCount(n);
    }).catch(() => {});
    startSync(p.userId, p.csrf);
    setLive(true);
    return () => {
      removeEventListener("gafus-queue", onCount);
      removeEventListener("gafus-dropped", onDropped);
      removeEventListener("online", onLine);
      removeEventListener("offline", onLine);
      clearTimeout(timer);
    };
  }, []);

  const message = count > 0
    ? fill(labels.waiting, { count })
    : synced
    ? labels.done
    : !online
    ? labels.offline
    : "";
  return (
    <section
      class={message || dropped.length ? "sync-status" : "sync-status sync-status--empty"}
      aria-label={labels.label}
      data-sync-count={count}
      data-live={live ? "1" : undefined}
      data-state={count > 0 ? "waiting" : synced ? "synced" : online ? "idle" : "offline"}
    >
      <div class="sync-status__line">
        <p class="sync-status__text" role="status" aria-live="polite" data-sync-text>
          {message}
        </p>
        {count > 0 && online && (
          <button
            type="button"
            class="button button--ghost"
            onClick={() => void flush(p.userId, p.csrf)}
          >
            {labels.now}
          </button>
        )}
      </div>
      {dropped.length > 0 && (
        <div class="sync-status__dropped" role="alert">
          <ul>
            {dropped.map((m, i) => <li key={i}>{m}</li>)}
          </ul>
          <button type="button" class="button button--ghost" onClick={() => setDropped([])}>
            {labels.dismiss}
          </button>
        </div>
      )}
    </section>
  );
}
