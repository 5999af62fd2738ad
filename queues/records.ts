/**
 * The job record and its place in KV. KV's queue cannot be inspected, so
 * every job has a shadow record next to its message (the pattern in
 * reference/deno-kv-queues.md):
 *
 * - `["jobs", id]` — the record (state, payload, attempts, errors, times);
 * - `["jobs_idx", queue, state, ts, id]` — the state index (lists, latency);
 * - `["jobs_count", queue, state]` — KvU64 counters;
 * - `["jobs_rate", minute, queue, "done"|"failed"]` — per-minute completions;
 * - `["jobs_dedupe", name, dedupeKey]` → id;
 * - `["jobs_parked", queue, ts, id]` — jobs waiting outside KV's queue;
 * - `["jobs_paused", queue]` — present while the queue is paused;
 * - `["jobs_dead", id, token]` — `keysIfUndelivered` of every message;
 * - `["jobs_dead_group", groupId]` — the same for a group message (KV allows
 *   10 such keys per message, so one key holds the whole group as its value).
 *
 * Every state change is ONE atomic commit that checks the record's
 * versionstamp and moves index and counters with it (`writeRecord`), so
 * counters and lists cannot drift from the records.
 *
 * Messages are `{ gafusJob: 1, id, token }`. The record holds the token of
 * the message that may run it; a message with another token (an older copy
 * after a retry, an unpark or an admin action) is stale and skipped.
 *
 * A job this process starts at once after its enqueue (dispatch.ts
 * `startHere`) is written with `owner` set and gets no message of its own:
 * the jobs of one group commit share one safety-net message,
 * `{ gafusJobs: 1, jobs: [[id, token], …] }`, handled item by item like the
 * single kind (KV's queue costs two SQLite transactions per message, so on
 * a disk one message per job would cap throughput at a few hundred a second).
 */
import type { JsonValue } from "@/db/schema.ts";
import { randomToken } from "@/platform/encoding.ts";
import type { QueueName } from "./define.ts";
import { type JobErrorInfo, type JobState, TERMINAL_STATES } from "./types.ts";

const MAX_ERRORS_KEPT = 5;
const MAX_STACK_CHARS = 4_000;
const MAX_RESULT_BYTES = 4 * 1024;
/** 2^64 − 1: adding it to a KvU64 subtracts one (the sum wraps). */
const U64_MINUS_ONE = 0xffff_ffff_ffff_ffffn;

/** A JobErrorInfo as stored (its time in ms). */
export type StoredError = Omit<JobErrorInfo, "at"> & { at: number };

/** The record as stored in KV (times in ms since the epoch). */
export interface JobRecord {
  id: string;
  name: string;
  queue: QueueName;
  state: JobState;
  payload: unknown;
  /** The message allowed to run this job (see the module comment). */
  token: string;
  /** The ts part of this record's index key. */
  idxTs: number;
  attempts: number;
  failures: number;
  maxAttempts: number;
  stalls: number;
  createdAt: number;
  updatedAt: number;
  runAt: number;
  nextRetryAt?: number;
  startedAt?: number;
  finishedAt?: number;
  heartbeatAt?: number;
  durationMs?: number;
  progress?: number;
  errors: StoredError[];
  dedupeKey?: string;
  parked?: boolean;
  cancelRequested?: boolean;
  /**
   * The runtime instance running it: while active, and while queued when it
   * was started at once after its enqueue (before it is written active).
   */
  owner?: string;
  /** JSON size of the payload (to size group commits). */
  payloadBytes?: number;
  result?: unknown;
}

export interface JobMessage {
  gafusJob: 1;
  id: string;
  token: string;
}

export function isJobMessage(v: unknown): v is JobMessage {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  return m.gafusJob === 1 && typeof m.id === "string" && typeof m.token === "string";
}

/** The safety-net message of jobs started at once after one group commit: `[id, token]` each. */
export interface JobGroupMessage {
  gafusJobs: 1;
  jobs: [string, string][];
}

export function isJobGroupMessage(v: unknown): v is JobGroupMessage {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  return m.gafusJobs === 1 && Array.isArray(m.jobs) &&
    m.jobs.every((j) =>
      Array.isArray(j) && j.length === 2 && typeof j[0] === "string" && typeof j[1] === "string"
    );
}

export const K = {
  job: (id: string) => ["jobs", id] as const,
  idxPrefix: (q: QueueName, s: JobState) => ["jobs_idx", q, s] as const,
  idx: (q: QueueName, s: JobState, ts: number, id: string) => ["jobs_idx", q, s, ts, id] as const,
  count: (q: QueueName, s: JobState) => ["jobs_count", q, s] as const,
  rate: (minute: number, q: QueueName, kind: "done" | "failed") =>
    ["jobs_rate", minute, q, kind] as const,
  dedupe: (name: string, key: string) => ["jobs_dedupe", name, key] as const,
  parked: (q: QueueName, ts: number, id: string) => ["jobs_parked", q, ts, id] as const,
  paused: (q: QueueName) => ["jobs_paused", q] as const,
  dead: (id: string, token: string) => ["jobs_dead", id, token] as const,
  deadGroup: (groupId: string) => ["jobs_dead_group", groupId] as const,
};

/** A fresh message token: older copies of the job's message become stale. */
export function newToken(): string {
  return randomToken(9);
}

export function isTerminal(s: JobState): boolean {
  return TERMINAL_STATES.includes(s);
}

/** Waiting to start (in KV's queue, parked, or due later). */
export function isWaiting(s: JobState): boolean {
  return s === "queued" || s === "delayed";
}

/** Owned by this runtime instance, or by none (started from its message). */
export function ownedHere(r: JobRecord, instance: string): boolean {
  return r.owner === undefined || r.owner === instance;
}

/** Record, index and counters from `prev` to `next` (either may be null). */
export function writeRecord(
  a: Deno.AtomicOperation,
  prev: JobRecord | null,
  next: JobRecord | null,
) {
  const sameIdx = prev && next && prev.queue === next.queue && prev.state === next.state &&
    prev.idxTs === next.idxTs;
  if (prev && !sameIdx) {
    a.delete(K.idx(prev.queue, prev.state, prev.idxTs, prev.id));
    a.sum(K.count(prev.queue, prev.state), U64_MINUS_ONE);
  }
  if (next) {
    if (!sameIdx) {
      a.set(K.idx(next.queue, next.state, next.idxTs, next.id), null);
      a.sum(K.count(next.queue, next.state), 1n);
    }
    a.set(K.job(next.id), next);
  } else if (prev) {
    a.delete(K.job(prev.id));
  }
}

/** Counts a completion in this minute's bucket (the "last hour" figures). */
export function countRate(
  a: Deno.AtomicOperation,
  now: number,
  r: JobRecord,
  kind: "done" | "failed",
) {
  a.sum(K.rate(minuteOf(now), r.queue, kind), 1n);
}

/** While the job was alive the mapping pointed at it; a cancelled job frees the key. */
export function releaseDedupe(a: Deno.AtomicOperation, r: JobRecord) {
  if (r.dedupeKey !== undefined) a.delete(K.dedupe(r.name, r.dedupeKey));
}

/** The record moved to a final state now. */
export function finished(r: JobRecord, state: JobState, now: number): JobRecord {
  return { ...r, state, idxTs: now, updatedAt: now, finishedAt: now };
}

/** `withStack` false: a note of the runtime's own, whose stack says nothing. */
export function errorEntry(
  err: unknown,
  attempt: number,
  at: number,
  kind: StoredError["kind"],
  withStack = true,
): StoredError {
  const e = err instanceof Error ? err : new Error(String(err));
  const stack = withStack && e.stack ? e.stack.slice(0, MAX_STACK_CHARS) : undefined;
  return { attempt, at, kind, message: e.message.slice(0, 2_000) || e.name, stack };
}

export function pushError(list: StoredError[], e: StoredError): StoredError[] {
  return [...list, e].slice(-MAX_ERRORS_KEPT);
}

/** The handler's return value, kept only when small and plain. */
export function keepResult(v: unknown): JsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    const text = JSON.stringify(v);
    if (text === undefined || text.length > MAX_RESULT_BYTES) return undefined;
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** A generous estimate of a record's stored size (for group commits). */
export function recordBytes(r: JobRecord): number {
  let n = 2_048 + (r.payloadBytes ?? 4_096);
  for (const e of r.errors) n += e.message.length + (e.stack?.length ?? 0) + 64;
  return n;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}
