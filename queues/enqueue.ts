/**
 * Putting a job in and taking it out before it runs.
 *
 * `enqueue` validates the payload and stores the record, its index and
 * counter, the dedupe mapping and the message in one atomic commit (grouped
 * with other commits when busy, kv_batch.ts). `cancel` moves a waiting job to
 * `cancelled` (its message becomes stale) or flags a running one and aborts
 * its handler, which then ends `cancelled` instead of being retried.
 */
import { newId } from "@/platform/ids.ts";
import {
  type EnqueueOptions,
  InvalidJobPayloadError,
  type JobState,
  UnknownJobError,
} from "./types.ts";
import { parsePayload } from "./payload.ts";
import {
  finished,
  isWaiting,
  type JobRecord,
  K,
  newToken,
  recordBytes,
  releaseDedupe,
  writeRecord,
} from "./records.ts";
import { EARLY_TOLERANCE_MS, type Shared } from "./shared.ts";
import { COMMIT_RETRIES } from "./store.ts";

/** Payloads are stored in the record (64 KiB per KV value, with room for the rest). */
const MAX_PAYLOAD_BYTES = 32 * 1024;

export async function enqueueJob(
  s: Shared,
  name: string,
  payload: unknown,
  opts: EnqueueOptions = {},
): Promise<string> {
  const def = s.defs.get(name);
  if (!def) throw new UnknownJobError(name);
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
  const now = s.clock.now();
  const id = newId(now);
  const runAt = now + delay;
  const state: JobState = delay > 0 ? "delayed" : "queued";
  const rec: JobRecord = {
    id,
    name,
    queue: def.queue,
    state,
    payload,
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
    dedupeKey,
    payloadBytes: size,
  };
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
        s.store.addMessage(a, rec, delay);
      },
    });
    if (res.ok) {
      // A job this process will run soon: its delivery can skip the read.
      if (s.life.listening && !s.life.stopping && delay <= EARLY_TOLERANCE_MS) {
        s.store.remember({ key: K.job(id), value: rec, versionstamp: res.versionstamp });
      }
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
        next: {
          ...finished(r, "cancelled", now),
          cancelRequested: true,
          parked: false,
          nextRetryAt: undefined,
        },
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
