/**
 * The countdown of a TRAINING or BREAK step. The server owns the timer
 * (status, pause, time left, end time); this island shows it ticking and
 * sends start / pause / resume / reset to the API, then takes the server's
 * answer as the truth. When the clock reaches zero it asks the server to
 * complete the step. Coming back to the tab re-reads the state, so another
 * device's pause shows up here.
 *
 * Without JavaScript the same buttons are plain POST forms to the day page,
 * which shows the end time.
 *
 * Offline an action is queued with the time it happened
 * (components/training/queue.ts) and the clock runs here as if the server
 * had answered; the badge says "waiting to sync". The server later applies
 * the action at that time (a timer started offline keeps its start), and its
 * answer to the last queued action of this step becomes the clock again.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { formatClock, formatTimeOfDay } from "@/core/training/clock.ts";
import { fill } from "@/core/i18n/format.ts";
import {
  type ActionJson,
  api,
  type ApiError,
  reflect,
  type Status,
  type StepStateJson,
} from "@/components/training/client.ts";
import { onSettled, send } from "@/components/training/queue.ts";
import { stepApiPath } from "@/core/paths.ts";
import type { TimerAction } from "@/core/training/actions.ts";

interface Conflict {
  runningStepId: string;
  title: string;
  url: string;
}

interface Props {
  /** The step's day on the course and step on the day: how the API addresses it. */
  dc: string;
  sd: string;
  /** The signed-in learner: their offline queue. */
  userId: string;
  action: string;
  csrf: string;
  locale: "ru" | "en";
  /** The step's full time (a reset made offline shows it again). */
  durationMs: number;
  status: Status;
  paused: boolean;
  remainingMs: number;
  endsAtLabel: string | null;
  conflict: Conflict | null;
  labels: {
    timer: string;
    start: string;
    pause: string;
    resume: string;
    reset: string;
    finish: string;
    done: string;
    endsAt: string;
    pausedAt: string;
    running: string;
    switchTimer: string;
    open: string;
    network: string;
    statuses: Record<string, string>;
  };
}

interface Clock {
  status: Status;
  paused: boolean;
  remainingMs: number;
  /** performance.now() when `remainingMs` was true. */
  at: number;
  endsAtLabel: string | null;
}

type Kind = TimerAction | "complete";

export default function StepTimer(p: Props) {
  const { labels } = p;
  const [clock, setClock] = useState<Clock>(() => ({
    status: p.status,
    paused: p.paused,
    remainingMs: p.remainingMs,
    at: typeof performance === "undefined" ? 0 : performance.now(),
    endsAtLabel: p.endsAtLabel,
  }));
  const [live, setLive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [, setTick] = useState(0);
  const [error, setError] = useState("");
  const [conflict, setConflict] = useState<Conflict | null>(p.conflict);
  const [announce, setAnnounce] = useState("");
  const completing = useRef(false);
  /** Actions of this step queued and not yet answered by the server. */
  const queued = useRef(0);

  const running = clock.status === "IN_PROGRESS" && !clock.paused;
  const left = running && live
    ? Math.max(0, clock.remainingMs - (performance.now() - clock.at))
    : clock.remainingMs;

  function apply(st: StepStateJson, result?: ActionJson) {
    const ms = st.remainingMs ?? 0;
    const isRunning = st.status === "IN_PROGRESS" && !st.paused;
    setClock({
      status: st.status,
      paused: st.paused,
      remainingMs: ms,
      at: performance.now(),
      endsAtLabel: isRunning ? formatTimeOfDay(new Date(Date.now() + ms), p.locale) : null,
    });
    completing.current = false;
    reflect(p.sd, st, labels.statuses, result);
    const key = st.paused ? "PAUSED" : st.status;
    setAnnounce(labels.statuses[key] ?? "");
  }

  /** What the server will do with a queued action, done here meanwhile. */
  function applyLocally(kind: Kind) {
    const now = performance.now();
    const c = clock;
    const leftNow = c.status === "IN_PROGRESS" && !c.paused
      ? Math.max(0, c.remainingMs - (now - c.at))
      : c.remainingMs;
    const next: Clock = kind === "start" || kind === "resume"
      ? {
        status: "IN_PROGRESS",
        paused: false,
        remainingMs: leftNow,
        at: now,
        endsAtLabel: formatTimeOfDay(new Date(Date.now() + leftNow), p.locale),
      }
      : kind === "pause"
      ? { status: "IN_PROGRESS", paused: true, remainingMs: leftNow, at: now, endsAtLabel: null }
      : kind === "reset"
      ? { status: "RESET", paused: false, remainingMs: p.durationMs, at: now, endsAtLabel: null }
      : { status: "COMPLETED", paused: false, remainingMs: 0, at: now, endsAtLabel: null };
    setClock(next);
    if (kind !== "complete") completing.current = false;
    reflect(p.sd, next, labels.statuses, { sync: true });
    setAnnounce(labels.statuses.SYNC ?? "");
  }

  async function run(kind: Kind, pauseOther = false) {
    setBusy(true);
    setError("");
    const body = kind === "start" || kind === "resume" ? { pauseOther } : {};
    const r = await send<ActionJson>({
      userId: p.userId,
      csrf: p.csrf,
      url: stepApiPath(p.dc, p.sd, kind),
      body,
      sd: p.sd,
      kind,
    });
    setBusy(false);
    if (r.kind === "queued") {
      queued.current++;
      applyLocally(kind);
      return;
    }
    if (r.kind === "done") {
      setConflict(null);
      apply(r.data.step, r.data);
      return;
    }
    const e: ApiError = { ...r.err, message: r.err.message || labels.network };
    if (e.error === "timer_running") {
      setConflict({
        runningStepId: String(e.runningStepId),
        title: String(e.title),
        url: String(e.url),
      });
    } else if (e.error === "too_early" && typeof e.remainingMs === "number") {
      // Our clock ran ahead of the server's: take its time and keep counting.
      setClock((c) => ({ ...c, remainingMs: e.remainingMs as number, at: performance.now() }));
      completing.current = false;
    } else {
      setError(e.message);
      // A failed finish is not retried on every tick; coming back to the tab re-reads the state.
      if (kind !== "complete") completing.current = false;
    }
  }

  async function resync() {
    // While actions wait to sync, the server's state is behind this page's.
    if (queued.current > 0) return;
    const r = await api<{ step: StepStateJson }>(
      stepApiPath(p.dc, p.sd),
      p.csrf,
      undefined,
      labels.network,
    );
    if (r.ok) apply(r.data.step);
  }

  useEffect(() => {
    setLive(true);
    const onVisible = () => {
      if (document.visibilityState === "visible") resync();
    };
    document.addEventListener("visibilitychange", onVisible);
    // The server answered a queued action: its state is the clock once the last one is in.
    const stop = onSettled(p.sd, (e) => {
      queued.current = Math.max(0, queued.current - 1);
      if (e.refused) setError(e.message ?? "");
      else if (queued.current === 0) apply((e.data as ActionJson).step, e.data as ActionJson);
    });
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);

  useEffect(() => {
    if (!running || !live) return;
    const timer = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, [running, live]);

  useEffect(() => {
    if (running && live && left <= 0 && !completing.current) {
      completing.current = true;
      run("complete");
    }
  });

  const started = clock.status === "IN_PROGRESS";
  const done = clock.status === "COMPLETED";
  const form = (kind: Kind, label: string, cls = "button", extra?: Record<string, string>) => (
    <form
      method="post"
      action={p.action}
      class="inline-form"
      onSubmit={(e) => {
        if (!live) return;
        e.preventDefault();
        run(kind, extra?.pause_other === "1");
      }}
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="_action" value={kind} />
      <input type="hidden" name="step" value={p.sd} />
      {extra &&
        Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <button type="submit" class={cls} disabled={busy}>{label}</button>
    </form>
  );

  return (
    <div
      class="timer"
      data-timer={p.sd}
      data-live={live ? "1" : undefined}
      data-state={done ? "done" : clock.paused ? "paused" : running ? "running" : "idle"}
    >
      <p class="timer__clock" role="timer" aria-label={labels.timer} data-timer-clock>
        {formatClock(done ? 0 : left)}
      </p>
      <p class="timer__info" data-timer-info>
        {done
          ? labels.done
          : running && clock.endsAtLabel
          ? fill(labels.endsAt, { time: clock.endsAtLabel })
          : clock.paused
          ? fill(labels.pausedAt, { time: formatClock(clock.remainingMs) })
          : ""}
      </p>
      {conflict && (
        <div class="timer__conflict" role="alert" id={p.conflict ? "step-notice" : undefined}>
          <p>{fill(labels.running, { title: conflict.title })}</p>
          <div class="timer__actions">
            {form(clock.paused ? "resume" : "start", labels.switchTimer, "button button--primary", {
              pause_other: "1",
            })}
            <a class="button button--ghost" href={conflict.url}>{labels.open}</a>
          </div>
        </div>
      )}
      <div class="timer__actions">
        {!started && !done && form("start", labels.start, "button button--primary")}
        {running && form("pause", labels.pause)}
        {clock.paused && form("resume", labels.resume, "button button--primary")}
        {running && !live && form("complete", labels.finish)}
        {(started || done) && form("reset", labels.reset, "button button--ghost")}
      </div>
      {error && <p class="field-error" role="alert">{error}</p>}
      <p class="visually-hidden" aria-live="polite">{announce}</p>
    </div>
  );
}
