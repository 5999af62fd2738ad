/**
 * The write side of the admin API (ops console, CLI): retry, remove and
 * clean jobs, and run a job type's sweeper. Pause and resume live with
 * the parked jobs they concern (parking.ts); reads in inspect.ts.
 */
import { withLogContext } from "@/platform/log.ts";
import { QUEUE_NAMES, type QueueName } from "./define.ts";
import { K } from "./records.ts";
import { requeued, RETRYABLE } from "./transitions.ts";
import type { Shared } from "./shared.ts";
import { type JobDefinitionInfo, type JobState, UnknownJobError } from "./types.ts";

/** failed, dead or cancelled → queued again (fresh retry budget); delayed → runs now. */
export async function retryJob(s: Shared, jobId: string): Promise<boolean> {
  const now = s.clock.now();
  const out = await s.store.update(jobId, (r) => {
    const next = requeued(r, now);
    if (!next) return null;
    return {
      next,
      extra: (a) => {
        if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
        s.store.addMessage(a, next, 0);
      },
    };
  });
  return out !== null;
}

export async function retryAll(
  s: Shared,
  queue: QueueName | undefined,
  state: JobState,
): Promise<number> {
  if (!RETRYABLE.includes(state)) return 0;
  let n = 0;
  for (const q of queue ? [queue] : QUEUE_NAMES) {
    // Retried jobs leave the index, so the first page is always the next one.
    while (true) {
      const ids = await s.store.ids(q, state, 100);
      if (!ids.length) break;
      let moved = 0;
      for (const id of ids) if (await retryJob(s, id)) moved++;
      n += moved;
      if (!moved) break;
    }
  }
  return n;
}

export async function cleanJobs(
  s: Shared,
  queue: QueueName | undefined,
  state: JobState,
  opts: { olderThanMs?: number } = {},
): Promise<number> {
  if (state === "active") return 0;
  const before = s.clock.now() - (opts.olderThanMs ?? 0) + 1;
  let n = 0;
  for (const q of queue ? [queue] : QUEUE_NAMES) n += await s.store.removeWhere(q, state, before);
  return n;
}

export function definitionsOf(s: Pick<Shared, "defs">): JobDefinitionInfo[] {
  return [...s.defs.values()].map((d) => ({
    name: d.name,
    queue: d.queue,
    retry: d.retry,
    timeoutMs: d.timeoutMs,
    hasSweeper: d.sweep !== undefined,
  }));
}

export async function sweepJob(
  s: Pick<Shared, "defs" | "services">,
  jobName: string,
): Promise<number> {
  const def = s.defs.get(jobName);
  if (!def) throw new UnknownJobError(jobName);
  const sweep = def.sweep;
  if (!sweep) return 0;
  return await withLogContext({ job: `sweep:${jobName}` }, () => sweep(s.services()));
}
