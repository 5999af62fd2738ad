/**
 * What an attempt's end does to its job: done; or, on an error or a
 * timeout, the next retry (re-enqueued in the same commit with its delay,
 * so the record knows when it runs), `failed` when the schedule is used up
 * or the handler threw PermanentJobError, `cancelled` when a cancel came
 * during the attempt.
 *
 * Retries are ours, not KV's backoff (that one is left for what only KV
 * sees: a process that died during a handler, see recovery.ts). So `failed`
 * means "the handler failed every attempt".
 */
import { log } from "@/platform/log.ts";
import { observeJob } from "@/platform/metrics.ts";
import { reportError } from "@/core/error_tracking.ts";
import { PermanentJobError, type ResolvedJob, RetryLaterError } from "./define.ts";
import {
  countRate,
  errorEntry,
  finished,
  isWaiting,
  type JobRecord,
  keepResult,
  newToken,
  pushError,
  releaseDedupe,
} from "./records.ts";
import type { Shared } from "./shared.ts";
import { enqueueJob } from "./enqueue.ts";
import { opsQueuesPath } from "@/core/paths.ts";

export type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown; timeout: boolean };

/** What finishing needs to know of an attempt (see attempt.ts). */
export interface AttemptInfo {
  startedAt: number;
  /** The token of the message that started it. */
  token: string;
  /** The record was written `active` by this attempt. */
  activated: boolean;
}

export async function finishAttempt(
  s: Shared,
  def: ResolvedJob,
  rec: JobRecord,
  attempt: AttemptInfo,
  outcome: Outcome,
) {
  const now = s.clock.now();
  const durationMs = Math.max(0, now - attempt.startedAt);
  // For /metrics (core/metrics.ts): every attempt, by outcome.
  observeJob(def.queue, def.name, outcome.ok ? "done" : "failed", durationMs / 1000);
  // The record as this attempt left it: active (ours), or still waiting when
  // the attempt was too short to be marked active. Anything else moved on.
  const mine = (r: JobRecord) =>
    r.token === attempt.token &&
    (attempt.activated ? r.state === "active" && r.owner === s.instance : isWaiting(r.state));
  const started = (r: JobRecord): JobRecord =>
    attempt.activated ? r : { ...r, attempts: r.attempts + 1, startedAt: attempt.startedAt };
  if (outcome.ok) {
    await s.store.update(rec.id, (r) =>
      mine(r)
        ? {
          next: {
            ...finished(started(r), "done", now),
            heartbeatAt: undefined,
            nextRetryAt: undefined,
            parked: false,
            durationMs,
            progress: r.progress === undefined ? undefined : 100,
            owner: undefined,
            result: keepResult(outcome.value),
          },
          extra: (a) => countRate(a, now, r, "done"),
        }
        : null);
    return;
  }
  const kind = outcome.timeout ? "timeout" : "error";
  const updated = await s.store.update(rec.id, (current) => {
    if (!mine(current)) return null;
    const r = started(current);
    // Postponed (not failed): the retry schedule is not used up.
    const postponed = outcome.err instanceof RetryLaterError && outcome.err.postpone;
    const failures = r.failures + (postponed ? 0 : 1);
    const base: JobRecord = {
      ...r,
      parked: false,
      failures,
      errors: pushError(r.errors, errorEntry(outcome.err, r.attempts, now, kind)),
      updatedAt: now,
      heartbeatAt: undefined,
      durationMs,
      owner: undefined,
    };
    if (r.cancelRequested) {
      return { next: finished(base, "cancelled", now), extra: (a) => releaseDedupe(a, r) };
    }
    if (outcome.err instanceof PermanentJobError || failures > def.retry.length) {
      return { next: finished(base, "failed", now), extra: (a) => countRate(a, now, r, "failed") };
    }
    // The handler may name its own wait (a 429's retry_after).
    const wait = outcome.err instanceof RetryLaterError
      ? outcome.err.delayMs
      : def.retry[failures - 1];
    const runAt = now + wait;
    const next: JobRecord = {
      ...base,
      state: "delayed",
      idxTs: runAt,
      runAt,
      nextRetryAt: runAt,
      token: newToken(),
    };
    return { next, extra: (a) => s.store.addMessage(a, next, wait) };
  });
  const fields = {
    id: rec.id,
    job: rec.name,
    attempt: rec.attempts + 1,
    err: outcome.err,
    next: updated?.state,
  };
  if (updated?.state === "failed") {
    log.error("job failed", fields);
    // Only the last attempt goes to error tracking (core/error_tracking.ts): a retry that
    // succeeds is not an operator's problem. reportError never throws.
    await reportError(s.services(), {
      source: "job",
      error: outcome.err,
      context: { job: rec.name, jobId: rec.id, queue: rec.queue, attempt: rec.attempts + 1 },
    });
    await alertDeadJob(s, rec, outcome.err);
  } else log.warn("job attempt failed", fields);
}

/**
 * A job that used up its attempts (or was refused for good, or that KV gave
 * up delivering: queues/recovery.ts) is an operator's problem: one `ops-alert`, grouped per job name (queues/jobs/ops_alert.ts
 * throttles the group). Not for the alert job itself, which would loop.
 */
export async function alertDeadJob(s: Shared, rec: JobRecord, err: unknown) {
  if (rec.name === "ops-alert" || !s.defs.has("ops-alert")) return;
  // A message to the alert chat that failed would alert about itself.
  if (rec.name === "telegram" && (rec.payload as { purpose?: string })?.purpose === "alert") return;
  const message = err instanceof Error ? err.message : String(err);
  await enqueueJob(s, "ops-alert", {
    level: "critical",
    title: `Job ${rec.name} failed after all its attempts`,
    titleKey: "delivery.alert.jobDead",
    vars: { job: rec.name },
    message: `${message.slice(0, 500)} (${rec.queue}, ${rec.id})`,
    source: "jobs",
    group: `job:${rec.name}`,
    url: opsQueuesPath(rec.queue),
  }, { dedupeKey: `dead:${rec.id}` }).catch((e) =>
    log.warn("ops-alert for a dead job not enqueued", { err: e, id: rec.id })
  );
}
