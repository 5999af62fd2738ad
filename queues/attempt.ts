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
import type { JobContext, QueueName, ResolvedJob } from "./define.ts";
import { jobContext, type Outcome, runHandler, RunningHandlers } from "./handler.ts";
import { type AttemptInfo, finishAttempt } from "./outcome.ts";
import { isWaiting, type JobRecord, ownedHere } from "./records.ts";
import { activated } from "./transitions.ts";
import type { Shared } from "./shared.ts";

interface Attempt extends AttemptInfo {
  /** The record moved on (cancelled, removed) before it could be marked active. */
  gone: boolean;
  activation: Promise<void> | null;
  heartbeat: ReturnType<typeof setInterval> | undefined;
}

export class Attempts extends RunningHandlers<{ queue: QueueName; controller: AbortController }> {
  constructor(private readonly s: Shared) {
    super();
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
      outcome = await runHandler(
        def,
        view,
        controller,
        () => this.context(def, view, controller.signal, activate),
        this.s.settings.timeoutGraceMs,
      );
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
      if (r.token !== waiting.token || !isWaiting(r.state) || !ownedHere(r, instance)) return null;
      return { next: activated(r, attempt.startedAt, clock.now(), instance) };
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

  private context(
    def: ResolvedJob,
    rec: JobRecord,
    signal: AbortSignal,
    activate: () => Promise<void>,
  ): JobContext {
    const { store, clock } = this.s;
    return jobContext(this.s.services(), def, rec, signal, async (p) => {
      await activate(); // a job that reports progress is shown running
      await store.update(
        rec.id,
        (r) =>
          r.token === rec.token && r.state === "active"
            ? { next: { ...r, progress: p, heartbeatAt: clock.now() } }
            : null,
      );
    });
  }
}
