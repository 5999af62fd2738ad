/**
 * Running a job's handler once, for both backends: its context (`progress`,
 * `once`, `signal`), its timeout, and the list of handlers running here. What the attempt does to the record
 * before and after is the backend's (attempt.ts and outcome.ts on KV,
 * pg/attempt.ts).
 */
import type { Transaction } from "kysely";
import type { Database } from "@/db/schema.ts";
import type { Services } from "@/core/services.ts";
import { withLogContext } from "@/platform/log.ts";
import { type JobContext, PermanentJobError, type QueueName, type ResolvedJob } from "./define.ts";
import { parsePayload } from "./payload.ts";
import { runOnce } from "./once.ts";
import type { JobRecord } from "./records.ts";

export type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown; timeout: boolean };

/**
 * The handler's context; `progress` stores the (clamped) percentage.
 * `rec`: the record as the attempt sees it (attempt number counted).
 */
export function jobContext(
  services: Services,
  def: ResolvedJob,
  rec: JobRecord,
  signal: AbortSignal,
  progress: (pct: number) => Promise<void>,
): JobContext {
  return {
    services,
    job: {
      id: rec.id,
      name: def.name,
      queue: def.queue,
      attempt: rec.attempts,
      maxAttempts: rec.maxAttempts,
    },
    signal,
    progress: (pct: number) => progress(Math.max(0, Math.min(100, Math.round(Number(pct) || 0)))),
    once: <T>(key: string, fn: (trx: Transaction<Database>) => Promise<T>) =>
      runOnce(services, rec.id, key, fn),
  };
}

/**
 * Runs the handler under its timeout; never throws. On a timeout the
 * handler's signal is aborted and it gets `graceMs` to honour it before its
 * slot is reused.
 */
export async function runHandler(
  def: ResolvedJob,
  rec: JobRecord,
  controller: AbortController,
  context: () => JobContext,
  graceMs: number,
): Promise<Outcome> {
  let payload: unknown;
  try {
    payload = parsePayload(def, rec.payload);
  } catch (e) {
    return { ok: false, err: new PermanentJobError((e as Error).message), timeout: false };
  }
  const ctx = context();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), def.timeoutMs);
  });
  const work = withLogContext(
    { job: `${def.name}:${rec.id}` },
    () => Promise.resolve().then(() => def.handler(payload, ctx)),
  );
  try {
    const first = await Promise.race([work.then((value) => ({ value })), timeout]);
    if (first !== "timeout") return { ok: true, value: first.value };
    const err = new Error(`timed out after ${def.timeoutMs} ms`);
    controller.abort(err);
    let grace: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      work.catch(() => {}),
      new Promise((r) => grace = setTimeout(r, graceMs)),
    ]);
    clearTimeout(grace);
    return { ok: false, err, timeout: true };
  } catch (err) {
    return { ok: false, err, timeout: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The handlers running in this process, by job id: cancel and stop abort
 * them; stats and stall checks read them. Each backend's attempts extend it.
 */
export class RunningHandlers<E extends { queue: QueueName; controller: AbortController }> {
  protected readonly running = new Map<string, E>();

  get size(): number {
    return this.running.size;
  }

  has(jobId: string): boolean {
    return this.running.has(jobId);
  }

  countIn(queue: QueueName): number {
    let n = 0;
    for (const r of this.running.values()) if (r.queue === queue) n++;
    return n;
  }

  /** Tells the handler to stop (its `ctx.signal`). */
  abort(jobId: string, reason: Error) {
    this.running.get(jobId)?.controller.abort(reason);
  }

  /** Aborts every handler running here; returns their job ids. */
  abortAll(reason: Error): string[] {
    for (const r of this.running.values()) r.controller.abort(reason);
    return [...this.running.keys()];
  }
}
