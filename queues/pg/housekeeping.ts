/**
 * The PostgreSQL runtime's periodic chores, in every instance that runs jobs:
 *
 * - takeover: an active job whose heartbeat stopped (its process died: kill
 *   -9, a lost machine) goes back to queued with a new message, counted as a
 *   stall, and any instance runs it again (`takeoverAfterMs`, a few missed beats);
 * - paused queues: read from `job_queues_paused` (another instance may pause);
 * - retention: finished jobs older than JOBS_DONE/FAILED_RETENTION_DAYS are deleted.
 *
 * Each step is safe to run in several instances at once (row locks and
 * token checks decide).
 */
import { sql } from "kysely";
import { log } from "@/platform/log.ts";
import { isQueueName } from "../define.ts";
import { requeuedAfterStall } from "../transitions.ts";
import { retentionCutoffs } from "../shared.ts";
import { addMessage, nudge } from "./engine.ts";
import type { PgAttempts } from "./attempt.ts";
import type { PgShared } from "./shared.ts";

/** Re-reads the paused queues; nudges the workers when one was resumed. */
export async function refreshPaused(s: PgShared): Promise<void> {
  const { rows } = await sql<{ queue: string }>`SELECT queue FROM job_queues_paused`
    .execute(s.store.db);
  const now = new Set(rows.map((r) => r.queue).filter(isQueueName));
  let resumed = false;
  for (const q of [...s.paused]) {
    if (!now.has(q)) {
      s.paused.delete(q);
      resumed = true;
    }
  }
  for (const q of now) s.paused.add(q);
  if (resumed) await nudge(s.store.db, 4);
}

/** Takes over the jobs of dead processes; returns how many. */
export async function takeOverStalled(s: PgShared, attempts: PgAttempts): Promise<number> {
  const now = s.clock.now();
  const stale = await s.store.staleActive(now - s.settings.takeoverAfterMs);
  let n = 0;
  for (const old of stale) {
    if (attempts.has(old.id)) continue; // ours, and alive (a slow beat)
    const taken = await s.store.update(old.id, (r) => {
      if (r.token !== old.token || r.state !== "active" || r.heartbeatAt !== old.heartbeatAt) {
        return null;
      }
      const next = requeuedAfterStall(r, now, "the process running it stopped (no heartbeat)");
      return { next, extra: (trx) => addMessage(trx, next, 0) };
    });
    if (taken) {
      n++;
      log.warn("job taken over from a stopped process", { id: old.id, job: old.name });
    }
  }
  return n;
}

/** Deletes finished jobs past their retention. */
export async function prune(s: PgShared): Promise<number> {
  const now = s.clock.now();
  const cutoffs = retentionCutoffs(now, s.settings.retention());
  let n = 0;
  for (const [state, cutoff] of cutoffs) n += await s.store.removeWhere(undefined, state, cutoff);
  return n;
}

/** Timers for the chores (takeover every beat, retention every `housekeepingMs`). */
export class PgHousekeeping {
  private timers: ReturnType<typeof setInterval>[] = [];
  private current = new Set<Promise<unknown>>();

  constructor(private readonly s: PgShared, private readonly attempts: PgAttempts) {}

  start() {
    const every = (ms: number, what: string, fn: () => Promise<unknown>) => {
      const t = setInterval(() => this.track(fn(), what), ms);
      Deno.unrefTimer(t);
      this.timers.push(t);
    };
    every(this.s.settings.heartbeatMs, "job takeover", () => this.takeOver());
    every(
      Math.min(1_000, this.s.settings.heartbeatMs),
      "paused queues",
      () => refreshPaused(this.s),
    );
    every(this.s.settings.housekeepingMs, "job retention", () => prune(this.s));
    this.track(this.run(), "job housekeeping");
  }

  private takeOver() {
    return this.s.life.stopping ? Promise.resolve(0) : takeOverStalled(this.s, this.attempts);
  }

  private track(p: Promise<unknown>, what: string) {
    const q = p.catch((err) => log.error(`${what} failed`, { err }));
    this.current.add(q);
    q.finally(() => this.current.delete(q));
  }

  /** One round of everything now. */
  async run(): Promise<{ takenOver: number; pruned: number }> {
    await refreshPaused(this.s);
    const takenOver = await this.takeOver();
    const pruned = await prune(this.s);
    return { takenOver, pruned };
  }

  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.current]);
  }
}
