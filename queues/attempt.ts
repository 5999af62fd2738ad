/**
 * One attempt of a job in this process: marking it active with a
 * heartbeat, running the handler with its context (`progress`, `once`,
 * `signal`) under its timeout, then handing the outcome to outcome.ts.
 * Also the list of attempts running here (cancel and stop abort them;
 * stats and stall checks read it).
 *
 * The record turns `active` when the attempt has run for `activeAfterMs`
 * (or at once when that is 0, or when the handler reports progress): a job
 * that finishes sooner goes from queued straight to done in one commit,
 * with its start time, attempt and duration, which saves a KV commit per
 * job (KV's local queue slows down sharply when a handler holds its message
 * even a millisecond). The cost: a crash in those first milliseconds is not
 * counted as an attempt or a stall, and such short jobs do not show as
 * active. The concurrency slot is held from the start either way.
 */
import type { Transaction } from "kysely";
import type { Database } from "@/db/schema.ts";
import { withLogContext } from "@/platform/log.ts";
import { type JobContext, PermanentJobError, type QueueName, type ResolvedJob } from "./define.ts";
import { parsePayload } from "./payload.ts";
import { runOnce } from "./once.ts";
import { type AttemptInfo, finishAttempt, type Outcome } from "./outcome.ts";
import { isWaiting, type JobRecord } from "./records.ts";
import type { Shared } from "./shared.ts";

interface Attempt extends AttemptInfo {
  /** The record moved on (cancelled, removed) before it could be marked active. */
  gone: boolean;
  activation: Promise<void> | null;
  heartbeat: ReturnType<typeof setInterval> | undefined;
}

export class Attempts {
  private readonly running = new Map<string, { queue: QueueName; controller: AbortController }>();

  constructor(private readonly s: Shared) {}

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

  /** Aborts every attempt running here; returns their job ids. */
  abortAll(reason: Error): string[] {
    for (const r of this.running.values()) r.controller.abort(reason);
    return [...this.running.keys()];
  }

  async run(def: ResolvedJob, waiting: JobRecord) {
    const startedAt = this.s.clock.now();
    const controller = new AbortController();
    const attempt: Attempt = {
      startedAt,
      token: waiting.token,
      activated: false,
      gone: false,
      activation: null,
      heartbeat: undefined,
    };
    const view: JobRecord = { ...waiting, attempts: waiting.attempts + 1, startedAt };
    const activate = (): Promise<void> =>
      attempt.activation ??= this.activate(waiting, attempt, controller);
    let activationTimer: ReturnType<typeof setTimeout> | undefined;
    if (this.s.settings.activeAfterMs <= 0) {
      await activate();
      if (attempt.gone) return;
    } else {
      activationTimer = setTimeout(
        () => activate().catch(() => {}),
        this.s.settings.activeAfterMs,
      );
    }
    this.running.set(waiting.id, { queue: waiting.queue, controller });
    let outcome: Outcome;
    try {
      outcome = await this.invoke(def, view, controller, activate);
    } finally {
      clearTimeout(activationTimer);
      await attempt.activation?.catch(() => {});
      clearInterval(attempt.heartbeat);
      this.running.delete(waiting.id);
    }
    if (!attempt.gone) await finishAttempt(this.s, def, waiting, attempt, outcome);
  }

  /** Writes the record `active` (attempt + 1) and starts its heartbeat. */
  private async activate(waiting: JobRecord, attempt: Attempt, controller: AbortController) {
    const { store, clock, instance } = this.s;
    const rec = await store.update(waiting.id, (r) => {
      if (r.token !== waiting.token || !isWaiting(r.state)) return null;
      const now = clock.now();
      return {
        next: {
          ...r,
          state: "active",
          idxTs: attempt.startedAt,
          updatedAt: now,
          attempts: r.attempts + 1,
          startedAt: attempt.startedAt,
          heartbeatAt: now,
          nextRetryAt: undefined,
          finishedAt: undefined,
          progress: undefined,
          parked: false,
          owner: instance,
        },
      };
    });
    if (!rec) {
      // Cancelled or removed meanwhile: the handler is told to stop.
      attempt.gone = true;
      controller.abort(new Error("cancelled"));
      return;
    }
    attempt.activated = true;
    attempt.heartbeat = setInterval(() => {
      store.update(
        waiting.id,
        (r) =>
          r.token === waiting.token && r.state === "active" && r.owner === instance
            ? { next: { ...r, heartbeatAt: clock.now() } }
            : null,
      ).catch(() => {});
    }, this.s.settings.heartbeatMs);
  }

  /** Runs the handler with its timeout; never throws. */
  private async invoke(
    def: ResolvedJob,
    rec: JobRecord,
    controller: AbortController,
    activate: () => Promise<void>,
  ): Promise<Outcome> {
    let payload: unknown;
    try {
      payload = parsePayload(def, rec.payload);
    } catch (e) {
      return { ok: false, err: new PermanentJobError((e as Error).message), timeout: false };
    }
    const ctx = this.context(def, rec, controller.signal, activate);
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
      // Give the handler a moment to honour the signal before its slot is reused.
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        work.catch(() => {}),
        new Promise((r) => grace = setTimeout(r, this.s.settings.timeoutGraceMs)),
      ]);
      clearTimeout(grace);
      return { ok: false, err, timeout: true };
    } catch (err) {
      return { ok: false, err, timeout: false };
    } finally {
      clearTimeout(timer);
    }
  }

  private context(
    def: ResolvedJob,
    rec: JobRecord,
    signal: AbortSignal,
    activate: () => Promise<void>,
  ): JobContext {
    const { store, clock } = this.s;
    const services = this.s.services();
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
      progress: async (pct: number) => {
        const p = Math.max(0, Math.min(100, Math.round(Number(pct) || 0)));
        await activate(); // a job that reports progress is shown running
        await store.update(
          rec.id,
          (r) =>
            r.token === rec.token && r.state === "active"
              ? { next: { ...r, progress: p, heartbeatAt: clock.now() } }
              : null,
        );
      },
      once: <T>(key: string, fn: (trx: Transaction<Database>) => Promise<T>) =>
        runOnce(services, rec.id, key, fn),
    };
  }
}
