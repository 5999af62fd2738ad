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
 *
 * KV's redelivery after a crash comes late (its cleanup runs at start and
 * then every 60 s, and only for deadlines already past), so a starting
 * runtime does not wait for it: `takeOverOrphans` re-runs at once the jobs
 * whose owner's heartbeat stopped.
 */
import { log } from "@/platform/log.ts";
import { reportError } from "@/core/error_tracking.ts";
import type { Attempts } from "./attempt.ts";
import { QUEUE_NAMES } from "./define.ts";
import {
  errorEntry,
  finished,
  isJobGroupMessage,
  isTerminal,
  type JobRecord,
  K,
  newToken,
  pushError,
} from "./records.ts";
import type { Shared } from "./shared.ts";
import { alertDeadJob } from "./outcome.ts";
import { stalled } from "./transitions.ts";
import { looksStalled } from "./views.ts";

/** Active, but not here and no heartbeat for a while: its process probably died. */
export function isStalled(s: Shared, attempts: Attempts, r: JobRecord, now: number): boolean {
  return looksStalled(r, now, s.settings.stalledAfterMs, attempts.has(r.id));
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

/**
 * How long an owner's heartbeat may be silent before its process counts as
 * dead: two missed beats and a margin (a live owner beats every `heartbeatMs`).
 */
export function deadOwnerAfterMs(s: Shared): number {
  return 2 * s.settings.heartbeatMs + 1_000;
}

/**
 * Jobs another process was running when it died: the record says `active`,
 * owned by another instance whose heartbeat stopped. KV would deliver their
 * messages again only at its next queue cleanup (up to ~60 s after a
 * restart), so they are taken over here at once: a fresh token and message
 * after the crash backoff's next step (`stalls` + 1). KV's own late
 * redelivery then carries the old token and is skipped as stale, so the job
 * runs once. After as many stalls as the crash backoff has steps the job is
 * `dead`, as KV would have dead-lettered it.
 *
 * Returns how many were taken over and, when an active job of another owner
 * may still be dead but its heartbeat is too recent to tell, when to look
 * again (ms from now).
 */
export async function takeOverOrphans(
  s: Shared,
  attempts: Attempts,
): Promise<{ taken: number; recheckInMs: number | null }> {
  const deadAfter = deadOwnerAfterMs(s);
  let taken = 0;
  let recheckInMs: number | null = null;
  for (const q of QUEUE_NAMES) {
    for (const id of await s.store.ids(q, "active")) {
      const seen = (await s.store.read(id)).value;
      if (!seen || seen.state !== "active" || seen.owner === s.instance || attempts.has(id)) {
        continue;
      }
      const now = s.clock.now();
      const silent = now - (seen.heartbeatAt ?? seen.startedAt ?? seen.updatedAt);
      if (silent < deadAfter) {
        const wait = deadAfter - silent + 10;
        recheckInMs = recheckInMs === null ? wait : Math.min(recheckInMs, wait);
        continue;
      }
      const out = await s.store.update(id, (r) => {
        if (
          r.token !== seen.token || r.state !== "active" || r.owner !== seen.owner ||
          r.heartbeatAt !== seen.heartbeatAt || attempts.has(r.id)
        ) return null;
        const base = stalled(
          r,
          now,
          `the process running attempt ${r.attempts} stopped before it finished`,
        );
        if (r.stalls >= s.settings.crashBackoff.length) {
          return { next: finished(base, "dead", now) };
        }
        const wait = s.settings.crashBackoff[r.stalls];
        const next: JobRecord = {
          ...base,
          state: "delayed",
          idxTs: now + wait,
          runAt: now + wait,
          nextRetryAt: now + wait,
          token: newToken(),
        };
        return { next, extra: (a) => s.store.addMessage(a, next, wait) };
      });
      if (out) {
        taken++;
        log.warn("job taken over from a process that stopped", {
          job: out.name,
          id: out.id,
          state: out.state,
        });
      }
    }
  }
  return { taken, recheckInMs };
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
    if (await markDead(s, attempts, id, token, e.key)) n++;
  }
  // A group message (records.ts) left its jobs in its value.
  for await (const e of s.kv.list({ prefix: ["jobs_dead_group"] })) {
    for (const [id, token] of isJobGroupMessage(e.value) ? e.value.jobs : []) {
      if (await markDead(s, attempts, id, token)) n++;
    }
    await s.kv.delete(e.key);
  }
  return n;
}

/** One job whose message KV gave up on → `dead`; `letter`: its own dead-letter key. */
async function markDead(
  s: Shared,
  attempts: Attempts,
  id: string,
  token: string,
  letter?: Deno.KvKey,
): Promise<boolean> {
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
        if (letter) a.delete(letter);
        if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
      },
    };
  });
  if (out) {
    log.error("job dead", { id, job: out.name, attempts: out.attempts });
    const last = out.errors[out.errors.length - 1];
    await reportError(s.services(), {
      source: "job",
      error: Object.assign(new Error(last?.message ?? "job dead"), { name: "JobDead" }),
      context: { job: out.name, jobId: id, queue: out.queue, attempt: out.attempts },
    });
    await alertDeadJob(s, out, new Error(last?.message ?? "job dead"));
    return true;
  }
  if (letter) await s.kv.delete(letter);
  return false;
}
