/**
 * The queue table of /ops/queues, kept current: it asks
 * `/api/v1/ops/queues` every few seconds while the tab is visible and
 * redraws the counts. Rendered on the server too, so without JavaScript the
 * page shows the counts of when it was loaded (and the forms still work).
 */
import { useEffect, useState } from "preact/hooks";
import { fill, formatNumber, type Locale } from "@/core/i18n/format.ts";

export interface QueueRowData {
  queue: string;
  paused: boolean;
  counts: Record<string, number>;
  latencyMs: number;
  doneLastHour: number;
  failedLastHour: number;
  stalled: number;
}

interface Props {
  rows: QueueRowData[];
  at: string;
  states: string[];
  locale: Locale;
  /** The CSRF token for the pause/resume forms; null for read-only viewers. */
  csrf: string | null;
  intervalMs?: number;
  labels: {
    caption: string;
    queue: string;
    latency: string;
    doneHour: string;
    failedHour: string;
    actions: string;
    paused: string;
    pause: string;
    resume: string;
    updated: string;
    stale: string;
    stalled: string;
    states: Record<string, string>;
    units: { ms: string; s: string; min: string; h: string; d: string };
  };
}

function duration(ms: number, u: Props["labels"]["units"]): string {
  if (ms < 1000) return fill(u.ms, { n: Math.round(ms) });
  const s = Math.round(ms / 1000);
  if (s < 60) return fill(u.s, { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return fill(u.min, { n: m });
  const h = Math.floor(m / 60);
  if (h < 24) return fill(u.h, { n: h, m: m % 60 });
  return fill(u.d, { n: Math.floor(h / 24), h: h % 24 });
}

export default function QueueCounts(props: Props) {
  const { labels, states } = props;
  const [rows, setRows] = useState(props.rows);
  const [at, setAt] = useState(props.at);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      if (document.hidden) return;
      try {
        const res = await fetch("/api/v1/ops/queues", { headers: { accept: "application/json" } });
        if (res.status === 401 || res.status === 403) {
          stopped = true; // signed out or lost the role: stop asking
          setStale(true);
          return;
        }
        if (!res.ok) throw new Error(String(res.status));
        const body = await res.json() as { at: string; queues: QueueRowData[] };
        setRows(body.queues);
        setAt(body.at);
        setStale(false);
      } catch {
        setStale(true);
      }
    };
    const id = setInterval(() => {
      if (!stopped) tick();
    }, props.intervalMs ?? 5000);
    const onVisible = () => {
      if (!document.hidden && !stopped) tick();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearInterval(id);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);

  const fmt = { format: (n: number) => formatNumber(props.locale, n) };
  const time = new Intl.DateTimeFormat(props.locale, { timeStyle: "medium" }).format(new Date(at));
  return (
    <div>
      <div class="ops-table-wrap" role="region" aria-labelledby="queue-caption" tabIndex={0}>
        <table class="ops-table">
          <caption id="queue-caption">{labels.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{labels.queue}</th>
              {states.map((s) => <th scope="col" key={s} class="num">{labels.states[s] ?? s}</th>)}
              <th scope="col" class="num">{labels.latency}</th>
              <th scope="col" class="num">{labels.doneHour}</th>
              <th scope="col" class="num">{labels.failedHour}</th>
              {props.csrf !== null && <th scope="col">{labels.actions}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.queue} data-queue={r.queue}>
                <th scope="row">
                  <a href={`/ops/queues/${r.queue}`}>{r.queue}</a>
                  {r.paused && <span class="ops-badge ops-badge--paused">{labels.paused}</span>}
                  {r.stalled > 0 && (
                    <span class="ops-badge ops-badge--failed">
                      {fill(labels.stalled, { n: r.stalled })}
                    </span>
                  )}
                </th>
                {states.map((s) => {
                  const n = r.counts[s] ?? 0;
                  return (
                    <td key={s} class="num" data-state={s}>
                      {n
                        ? <a href={`/ops/queues/${r.queue}?state=${s}`}>{fmt.format(n)}</a>
                        : <span class="muted">0</span>}
                    </td>
                  );
                })}
                <td class="num">{r.latencyMs ? duration(r.latencyMs, labels.units) : "—"}</td>
                <td class="num">{fmt.format(r.doneLastHour)}</td>
                <td class="num">{fmt.format(r.failedLastHour)}</td>
                {props.csrf !== null && (
                  <td>
                    <form method="post" action={`/ops/queues/${r.queue}`} class="ops-inline">
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <input type="hidden" name="action" value={r.paused ? "resume" : "pause"} />
                      <button type="submit" class="button button--small">
                        {r.paused ? labels.resume : labels.pause}
                      </button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted ops-updated">
        {fill(labels.updated, { time })}
        {stale && <strong class="ops-bad">{" " + labels.stale}</strong>}
      </p>
    </div>
  );
}
