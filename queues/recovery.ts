/**
 * What only KV sees, and what KV cannot do: a process that died during a
 * handler (stalls), messages KV gave up on (dead letters), and delays
 * longer than KV allows (chained).
 *
 * A process that dies during a handler stops renewing its message, so KV
 * delivers it again (after the 5 s deadline, at its next queue cleanup,
 * using one step of the crash backoff). The record is still `active` from
 * the dead process, and the job is taken over (`stalls` + 1). When KV gives
 * up (the process died every time), the message lands on `["jobs_dead", …]`
 * and the sweep marks the job `dead`: "the delivery machinery gave up", as
 * against `failed`, "the handler failed every attempt".
 */
import { log } from "@/platform/log.ts";
import { reportError } from "@/core/error_tracking.ts";
import type { Attempts } from "./attempt.ts";
import { errorEntry, finished, isTerminal, type JobRecord, K, pushError } from "./records.ts";
import type { Shared } from "./shared.ts";

/** Active, but not here and no heartbeat for a while: its process probably died. */
export function isStalled(s: Shared, attempts: Attempts, r: JobRecord, now: number): boolean {
  return r.state === "active" && !attempts.has(r.id) &&
    now - (r.heartbeatAt ?? r.startedAt ?? now) > s.settings.stalledAfterMs;
}

/**
 * KV delivers a running message again only when its process stopped
 * renewing it: the process died. The record goes back to queued (same
 * message token) so this delivery can run it.
 */
export async function takeOverStalled(
  s: Shared,
  attempts: Attempts,
  rec: JobRecord,
): Promise<JobRecord | null> {
  const now = s.clock.now();
  const out = await s.store.update(rec.id, (r) => {
    if (r.token !== rec.token || r.state !== "active" || attempts.has(r.id)) return null;
    const message = `the process running attempt ${r.attempts} stopped before it finished`;
    return {
      next: {
        ...r,
        state: "queued",
        idxTs: now,
        updatedAt: now,
        stalls: r.stalls + 1,
        errors: pushError(
          r.errors,
          errorEntry(new Error(message), r.attempts, now, "stalled", false),
        ),
        owner: undefined,
      },
    };
  });
  if (out) log.warn("job taken over after its process stopped", { job: rec.name, id: rec.id });
  return out;
}

/** A delay longer than KV allows (30 days) continues with another message. */
export async function continueDelay(s: Shared, rec: JobRecord) {
  const remaining = rec.runAt - s.clock.now();
  await s.store.update(
    rec.id,
    (r) =>
      r.token === rec.token && r.state === "delayed"
        ? { next: r, extra: (a) => s.store.addMessage(a, r, remaining) }
        : null,
  );
}

/** Dead letters → `dead` (and reported); stale ones are dropped. */
export async function sweepDeadLetters(s: Shared, attempts: Attempts): Promise<number> {
  let n = 0;
  for await (const e of s.kv.list({ prefix: ["jobs_dead"] })) {
    const [, id, token] = e.key as [string, string, string];
    const now = s.clock.now();
    const out = await s.store.update(id, (r) => {
      if (r.token !== token || isTerminal(r.state) || attempts.has(r.id)) return null;
      const message =
        `KV stopped delivering the job: its process stopped or the runtime failed on every delivery (${
          s.settings.crashBackoff.length + 1
        } times)`;
      return {
        next: {
          ...finished(r, "dead", now),
          heartbeatAt: undefined,
          owner: undefined,
          errors: pushError(
            r.errors,
            errorEntry(new Error(message), r.attempts, now, "dead", false),
          ),
        },
        extra: (a) => {
          a.delete(e.key);
          if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
        },
      };
    });
    if (out) {
      n++;
      log.error("job dead", { id, job: out.name, attempts: out.attempts });
      const last = out.errors[out.errors.length - 1];
      await reportError(s.services(), {
        source: "job",
        error: Object.assign(new Error(last?.message ?? "job dead"), { name: "JobDead" }),
        context: { job: out.name, jobId: id, queue: out.queue, attempt: out.attempts },
      });
    } else {
      await s.kv.delete(e.key);
    }
  }
  return n;
}
