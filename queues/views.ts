/**
 * How the admin API (ops pages, /metrics, the CLI) shows job records, for
 * both backends: a record as `JobInfo`, the page size, order and cursor of
 * a list, whether an active job looks stalled, and the totals of the stats.
 * Each backend reads its own storage (inspect.ts on KV, pg/inspect.ts).
 */
import type { JobRecord, StoredError } from "./records.ts";
import {
  JOB_STATES,
  type JobErrorInfo,
  type JobInfo,
  type JobState,
  type JobStats,
  type ListOptions,
  type QueueStats,
} from "./types.ts";

/** A record as the admin API shows it. */
export function jobInfo(r: JobRecord, stalled: boolean): JobInfo {
  const last = r.errors.at(-1);
  return {
    id: r.id,
    name: r.name,
    queue: r.queue,
    state: r.state,
    payload: r.payload,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    failures: r.failures,
    stalls: r.stalls,
    stalled,
    progress: r.progress ?? null,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
    runAt: new Date(r.runAt),
    nextRetryAt: r.state === "delayed" ? toDate(r.nextRetryAt) : null,
    startedAt: toDate(r.startedAt),
    finishedAt: toDate(r.finishedAt),
    heartbeatAt: toDate(r.heartbeatAt),
    durationMs: r.durationMs ?? null,
    lastError: last ? toErrorInfo(last) : null,
    errors: r.errors.map(toErrorInfo),
    dedupeKey: r.dedupeKey ?? null,
    parked: r.parked === true,
    cancelRequested: r.cancelRequested === true,
    result: r.result ?? null,
  };
}

/**
 * Active, not running in this process (`runningHere`), and no heartbeat for
 * `stalledAfterMs`: its process probably died.
 */
export function looksStalled(
  r: JobRecord,
  now: number,
  stalledAfterMs: number,
  runningHere: boolean,
): boolean {
  return r.state === "active" && !runningHere &&
    now - (r.heartbeatAt ?? r.startedAt ?? now) > stalledAfterMs;
}

/** A list's page: its size (1–200, default 50), direction and the cursor's position. */
export function pageOf(opts: ListOptions): {
  limit: number;
  desc: boolean;
  after: { ts: number; id: string } | null;
} {
  return {
    limit: Math.max(1, Math.min(200, Math.floor(opts.limit ?? 50))),
    desc: (opts.order ?? defaultOrder(opts.state)) === "desc",
    after: opts.cursor ? decodeCursor(opts.cursor) : null,
  };
}

/** Index order: waiting states by when they may start, the rest by when they got there. */
export function defaultOrder(state: JobState): "asc" | "desc" {
  return state === "queued" || state === "delayed" || state === "active" ? "asc" : "desc";
}

export function encodeCursor(c: { ts: number; id: string }): string {
  return btoa(JSON.stringify([c.ts, c.id])).replace(/=+$/, "");
}

export function decodeCursor(s: string): { ts: number; id: string } | null {
  try {
    const [ts, id] = JSON.parse(atob(s));
    if (typeof ts === "number" && typeof id === "string") return { ts, id };
  } catch {
    // A bad cursor lists from the start.
  }
  return null;
}

/** A count per state, from `count(state)` (0 where it gives nothing). */
export function stateCounts(count: (s: JobState) => number | undefined): Record<JobState, number> {
  return Object.fromEntries(JOB_STATES.map((s) => [s, count(s) ?? 0])) as Record<JobState, number>;
}

/** The stats of every queue, with their totals. */
export function jobStats(now: number, queues: QueueStats[]): JobStats {
  const totals = { ...stateCounts(() => 0), doneLastHour: 0, failedLastHour: 0 };
  for (const qs of queues) {
    for (const s of JOB_STATES) totals[s] += qs.counts[s];
    totals.doneLastHour += qs.doneLastHour;
    totals.failedLastHour += qs.failedLastHour;
  }
  return { at: new Date(now), queues, totals };
}

function toDate(ms: number | undefined): Date | null {
  return ms === undefined ? null : new Date(ms);
}

function toErrorInfo(e: StoredError): JobErrorInfo {
  return { ...e, at: new Date(e.at) };
}
