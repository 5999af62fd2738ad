/**
 * Putting a job in and taking it out before it runs.
 *
 * `enqueue` validates the payload and stores the record, its index and
 * counter, the dedupe mapping and the message in one atomic commit (grouped
 * with other commits when busy, kv_batch.ts). A job this process can run now
 * starts right after that commit (`here`, dispatch.ts `reserve`), its message
 * only a safety net. `cancel` moves a waiting job to
 * `cancelled` (its message becomes stale) or flags a running one and aborts
 * its handler, which then ends `cancelled` instead of being retried.
 */
import { newId } from "@/platform/ids.ts";
import { type EnqueueOptions, UnknownJobError } from "./types.ts";
import type { QueueName } from "./define.ts";
import {
  isWaiting,
  type JobRecord,
  K,
  recordBytes,
  releaseDedupe,
  writeRecord,
} from "./records.ts";
import { cancelledWaiting, checkEnqueue, type EnqueueRequest, newRecord } from "./transitions.ts";
import { EARLY_TOLERANCE_MS, type Shared } from "./shared.ts";
import { COMMIT_RETRIES } from "./store.ts";

/**
 * What enqueueing needs from this process's dispatcher (dispatch.ts
 * implements it): stated here so enqueue.ts does not import dispatch.ts,
 * which leads back here through attempt.ts and outcome.ts.
 */
export interface LocalStart {
  /** A new job of `queue` without delay may start here at once after its enqueue. */
  takesHere(queue: QueueName): boolean;
  /** The job's commit is made: start it in this process now. */
  startHere(rec: JobRecord): void;
}

/** `here`: the dispatcher of a runtime that may start the job at once after its commit. */
export async function enqueueJob(
  s: Shared,
  name: string,
  payload: unknown,
  opts: EnqueueOptions = {},
  here?: LocalStart,
): Promise<string> {
  const def = s.defs.get(name);
  if (!def) throw new UnknownJobError(name);
  const req = checkEnqueue(def, payload, opts);
  const atOnce = req.delay === 0 && here?.takesHere(def.queue) ? here : null;
  return await commitJob(s, req, atOnce);
}

async function commitJob(
  s: Shared,
  req: EnqueueRequest,
  here: Pick<LocalStart, "startHere"> | null,
): Promise<string> {
  const { def: { name }, delay, dedupeKey } = req;
  const now = s.clock.now();
  const id = newId(now);
  // Started here at once: another runtime on this KV waits for this one (dispatch.ts).
  const rec = newRecord(req, id, now, here ? s.instance : undefined);
  for (let i = 0; i < COMMIT_RETRIES; i++) {
    let dedupe: Deno.KvEntryMaybe<string> | null = null;
    if (dedupeKey !== undefined) {
      dedupe = await s.kv.get<string>(K.dedupe(name, dedupeKey));
      if (dedupe.value !== null) {
        const other = await s.kv.get<JobRecord>(K.job(dedupe.value));
        if (other.value) return dedupe.value;
        // The mapping outlived its job (removed by hand): take it over.
      }
    }
    const res = await s.store.commits.commit({
      keys: dedupe ? [id, `dedupe:${name}:${dedupeKey}`] : [id],
      bytes: recordBytes(rec),
      checks: dedupe ? 2 : 1,
      apply: (a) => {
        if (dedupe) a.check(dedupe).set(dedupe.key, id);
        a.check({ key: K.job(id), versionstamp: null });
        writeRecord(a, null, rec);
        if (!here) s.store.addMessage(a, rec, delay);
      },
      // Started here: one message for the commit's group is the safety net.
      grouped: here ? [id, rec.token] : undefined,
    });
    if (res.ok) {
      // A job this process will run soon: its delivery (or attempt) can skip the read.
      if (s.life.listening && !s.life.stopping && delay <= EARLY_TOLERANCE_MS) {
        s.store.remember({ key: K.job(id), value: rec, versionstamp: res.versionstamp });
      }
      here?.startHere(rec);
      return id;
    }
  }
  throw new Error(`enqueue(${name}): KV commit kept conflicting`);
}

/** What cancelling needs of the running attempts (queues/attempt.ts `Attempts`). */
interface RunningAttempts {
  abort(jobId: string, reason: Error): void;
}

export async function cancelJob(
  s: Shared,
  attempts: RunningAttempts,
  jobId: string,
): Promise<boolean> {
  const now = s.clock.now();
  const out = await s.store.update(jobId, (r) => {
    if (isWaiting(r.state)) {
      return {
        next: cancelledWaiting(r, now),
        extra: (a) => {
          if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
          releaseDedupe(a, r);
        },
      };
    }
    if (r.state === "active" && !r.cancelRequested) {
      return { next: { ...r, cancelRequested: true, updatedAt: now } };
    }
    return null;
  });
  if (!out) return false;
  attempts.abort(jobId, new Error("cancelled"));
  return true;
}
