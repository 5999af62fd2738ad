/**
 * Every change of a job record's state, as a pure function of the record:
 * the new record of an enqueue, the start of an attempt, its end (done, the
 * next retry of its schedule, failed, cancelled), a cancel, a retry from the
 * admin API and a stall. Both backends write these records, each with its
 * own storage (KV atomic commits: enqueue.ts, attempt.ts, outcome.ts,
 * recovery.ts, admin.ts; SQL: queues/pg/), so one job definition behaves
 * the same on both.
 */
import { PermanentJobError, type ResolvedJob, RetryLaterError } from "./define.ts";
import { parsePayload } from "./payload.ts";
import {
  errorEntry,
  finished,
  type JobRecord,
  keepResult,
  newToken,
  pushError,
} from "./records.ts";
import { type EnqueueOptions, InvalidJobPayloadError, type JobState } from "./types.ts";

/** Payloads are stored in the record (64 KiB per KV value, with room for the rest). */
const MAX_PAYLOAD_BYTES = 32 * 1024;
/** States a retry starts afresh from (a new retry budget). */
export const RETRYABLE: readonly JobState[] = ["failed", "dead", "cancelled"];

/** An enqueue's arguments, checked (`size`: the payload's JSON length). */
export interface EnqueueRequest {
  def: ResolvedJob;
  payload: unknown;
  size: number;
  delay: number;
  dedupeKey: string | undefined;
}

/**
 * Validates an enqueue of a known job (`def`). Throws InvalidJobPayloadError
 * (schema, size) or RangeError (delay, dedupeKey).
 */
export function checkEnqueue(
  def: ResolvedJob,
  payload: unknown,
  opts: EnqueueOptions,
): EnqueueRequest {
  const { name } = def;
  parsePayload(def, payload);
  const size = JSON.stringify(payload ?? null)?.length ?? 0;
  if (size > MAX_PAYLOAD_BYTES) {
    throw new InvalidJobPayloadError(name, [{
      path: "",
      message:
        `payload is ${size} bytes; at most ${MAX_PAYLOAD_BYTES} (store big data elsewhere and pass its id)`,
    }]);
  }
  const delay = opts.delay ?? 0;
  if (!Number.isFinite(delay) || delay < 0) {
    throw new RangeError(`enqueue(${name}): delay must be a finite number of ms ≥ 0`);
  }
  const { dedupeKey } = opts;
  if (dedupeKey !== undefined && (dedupeKey.length < 1 || dedupeKey.length > 512)) {
    throw new RangeError(`enqueue(${name}): dedupeKey must be 1–512 characters`);
  }
  return { def, payload, size, delay, dedupeKey };
}

/** The record of a new job; `owner`: the instance that starts it at once (KV only). */
export function newRecord(
  req: EnqueueRequest,
  id: string,
  now: number,
  owner?: string,
): JobRecord {
  const { def, delay } = req;
  const runAt = now + delay;
  const state: JobState = delay > 0 ? "delayed" : "queued";
  return {
    id,
    name: def.name,
    queue: def.queue,
    state,
    payload: req.payload,
    token: newToken(),
    idxTs: state === "delayed" ? runAt : now,
    attempts: 0,
    failures: 0,
    maxAttempts: def.retry.length + 1,
    stalls: 0,
    createdAt: now,
    updatedAt: now,
    runAt,
    errors: [],
    dedupeKey: req.dedupeKey,
    payloadBytes: req.size,
    owner,
  };
}

/** The record as its attempt starts (`owner`: this instance), attempt + 1. */
export function activated(r: JobRecord, startedAt: number, now: number, owner: string): JobRecord {
  return {
    ...r,
    state: "active",
    idxTs: startedAt,
    updatedAt: now,
    attempts: r.attempts + 1,
    startedAt,
    heartbeatAt: now,
    nextRetryAt: undefined,
    finishedAt: undefined,
    progress: undefined,
    parked: false,
    owner,
  };
}

/** The attempt ended well: done, with what the handler returned. */
export function doneRecord(r: JobRecord, now: number, durationMs: number, value: unknown) {
  return {
    ...finished(r, "done", now),
    heartbeatAt: undefined,
    nextRetryAt: undefined,
    parked: false,
    durationMs,
    progress: r.progress === undefined ? undefined : 100,
    owner: undefined,
    result: keepResult(value),
  };
}

/**
 * The attempt threw (or timed out): `cancelled` when a cancel came during it,
 * `failed` when the handler refused for good or the schedule is used up,
 * otherwise `delayed` until the next retry, `wait` ms from now (the
 * backend sends its message with that delay).
 */
export function afterFailure(
  r: JobRecord,
  def: ResolvedJob,
  err: unknown,
  timeout: boolean,
  now: number,
  durationMs: number,
): { next: JobRecord; wait?: number } {
  // Postponed (not failed): the retry schedule is not used up.
  const postponed = err instanceof RetryLaterError && err.postpone;
  const failures = r.failures + (postponed ? 0 : 1);
  const base: JobRecord = {
    ...r,
    parked: false,
    failures,
    errors: pushError(r.errors, errorEntry(err, r.attempts, now, timeout ? "timeout" : "error")),
    updatedAt: now,
    heartbeatAt: undefined,
    durationMs,
    owner: undefined,
  };
  if (r.cancelRequested) return { next: finished(base, "cancelled", now) };
  if (err instanceof PermanentJobError || failures > def.retry.length) {
    return { next: finished(base, "failed", now) };
  }
  const wait = retryDelay(def, err, failures);
  const runAt = now + wait;
  return {
    next: { ...base, state: "delayed", idxTs: runAt, runAt, nextRetryAt: runAt, token: newToken() },
    wait,
  };
}

/** The wait before the next attempt: the handler may name its own (a 429's retry_after). */
export function retryDelay(def: ResolvedJob, err: unknown, failures: number): number {
  return err instanceof RetryLaterError ? err.delayMs : def.retry[failures - 1];
}

/** A job that cannot run at all (its definition is gone): failed, without an attempt. */
export function failedWithoutRun(r: JobRecord, now: number, message: string): JobRecord {
  return {
    ...finished(r, "failed", now),
    errors: pushError(r.errors, errorEntry(new Error(message), r.attempts, now, "error")),
  };
}

/** A waiting job cancelled: it never runs (its message becomes stale). */
export function cancelledWaiting(r: JobRecord, now: number): JobRecord {
  return {
    ...finished(r, "cancelled", now),
    cancelRequested: true,
    parked: false,
    nextRetryAt: undefined,
    owner: undefined,
  };
}

/**
 * The record of a job sent again (admin retry): failed, dead or cancelled →
 * queued with a fresh retry budget; delayed → queued now; otherwise null.
 */
export function requeued(r: JobRecord, now: number): JobRecord | null {
  const fresh = RETRYABLE.includes(r.state);
  if (!fresh && r.state !== "delayed") return null;
  return {
    ...r,
    state: "queued",
    idxTs: now,
    updatedAt: now,
    runAt: now,
    nextRetryAt: undefined,
    finishedAt: undefined,
    parked: false,
    cancelRequested: false,
    failures: fresh ? 0 : r.failures,
    token: newToken(),
  };
}

/** The process running the attempt stopped before it ended: a stall, noted (still active). */
export function stalled(r: JobRecord, now: number, message: string): JobRecord {
  return {
    ...r,
    stalls: r.stalls + 1,
    errors: pushError(r.errors, errorEntry(new Error(message), r.attempts, now, "stalled", false)),
    updatedAt: now,
    heartbeatAt: undefined,
    owner: undefined,
  };
}

/** A stalled job back to queued now, with a new message (any instance runs it again). */
export function requeuedAfterStall(r: JobRecord, now: number, message: string): JobRecord {
  return {
    ...stalled(r, now, message),
    state: "queued",
    idxTs: now,
    runAt: now,
    token: newToken(),
  };
}
