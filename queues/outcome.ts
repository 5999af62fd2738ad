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
import { observeJob } from "@/platform/metrics.ts";
import type { ResolvedJob } from "./define.ts";
import { countRate, isWaiting, type JobRecord, ownedHere, releaseDedupe } from "./records.ts";
import type { Shared } from "./shared.ts";
import { enqueueJob } from "./enqueue.ts";
import { enqueueDeadJobAlert, noteFailedAttempt } from "./alerts.ts";
import type { Outcome } from "./handler.ts";
import { afterFailure, doneRecord } from "./transitions.ts";

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
    (attempt.activated
      ? r.state === "active" && r.owner === s.instance
      : isWaiting(r.state) && ownedHere(r, s.instance));
  const started = (r: JobRecord): JobRecord =>
    attempt.activated ? r : { ...r, attempts: r.attempts + 1, startedAt: attempt.startedAt };
  if (outcome.ok) {
    await s.store.update(rec.id, (r) =>
      mine(r)
        ? {
          next: doneRecord(started(r), now, durationMs, outcome.value),
          extra: (a) => countRate(a, now, r, "done"),
        }
        : null);
    return;
  }
  const updated = await s.store.update(rec.id, (current) => {
    if (!mine(current)) return null;
    const r = started(current);
    const { next, wait } = afterFailure(r, def, outcome.err, outcome.timeout, now, durationMs);
    if (wait !== undefined) return { next, extra: (a) => s.store.addMessage(a, next, wait) };
    if (next.state === "cancelled") return { next, extra: (a) => releaseDedupe(a, r) };
    return { next, extra: (a) => countRate(a, now, r, "failed") };
  });
  if (await noteFailedAttempt(s.services, rec, rec.attempts + 1, outcome.err, updated?.state)) {
    await alertDeadJob(s, rec, outcome.err);
  }
}

/** One ops-alert for a job that failed for good (queues/alerts.ts), enqueued on KV. */
export function alertDeadJob(s: Shared, rec: JobRecord, err: unknown): Promise<void> {
  return enqueueDeadJobAlert(s.defs, (n, p, o) => enqueueJob(s, n, p, o), rec, err);
}
