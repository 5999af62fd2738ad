/**
 * One attempt of a job in this process on the PostgreSQL backend: taking the
 * message (record → active, with owner and heartbeat), running the handler
 * under its timeout with `progress`, `once` and `signal`, and ending it:
 * done; the next retry of its schedule (a new message with its delay, in the
 * same transaction); failed; cancelled; or back to queued when this process
 * stops before the handler ends (another instance runs it).
 *
 * The records it writes are the KV backend's (queues/transitions.ts) and the
 * handler runs the same way (queues/handler.ts), so one job definition
 * behaves the same on both.
 */
import { log } from "@/platform/log.ts";
import { observeJob } from "@/platform/metrics.ts";
import type { JobContext, QueueName, ResolvedJob } from "../define.ts";
import { noteFailedAttempt } from "../alerts.ts";
import { jobContext, type Outcome, runHandler, RunningHandlers } from "../handler.ts";
import { isTerminal, isWaiting, type JobRecord } from "../records.ts";
import {
  activated,
  afterFailure,
  doneRecord,
  failedWithoutRun,
  requeuedAfterStall,
} from "../transitions.ts";
import { addMessage, type Message } from "./engine.ts";
import type { PgShared } from "./shared.ts";
import type { QueueSlots } from "../slots.ts";

/** The reason a handler is aborted when this process stops. */
export class StoppingError extends Error {
  constructor() {
    super("process stopping");
    this.name = "StoppingError";
  }
}

export class PgAttempts extends RunningHandlers<
  { queue: QueueName; controller: AbortController; done: Promise<void> }
> {
  constructor(
    private readonly s: PgShared,
    private readonly slots: ReadonlyMap<QueueName, QueueSlots>,
    /** A queue had every slot taken and now has one free (wake the workers). */
    private readonly onRoom: (q: QueueName) => void,
    /** A job ended for good (the dead-job alert). */
    private readonly onFailed: (rec: JobRecord, err: unknown) => Promise<void>,
  ) {
    super();
  }

  /** Resolves when every attempt running now has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /**
   * A message arrived (graphile task): takes the job when the message is
   * current and starts the handler in the background. Resolves once the job
   * is taken (or the message found stale), not when the handler ends.
   */
  async take(m: Message): Promise<void> {
    const { store, clock, instance } = this.s;
    const first = await store.read(m.id);
    if (!first || first.token !== m.token || isTerminal(first.state)) return; // stale
    if (first.state === "active") return; // another copy runs it (recovery.ts handles a dead owner)
    const def = this.s.defs.get(first.name);
    if (!def) {
      await this.failWithoutRun(first, `no job "${first.name}" is defined in this version`);
      return;
    }
    if (this.s.paused.has(first.queue) || this.s.life.stopping) {
      // Paused (or stopping) between the fetch and now: the message waits again
      // (its queue's flag keeps it from workers here until resumed).
      await addMessage(store.db, first, 0);
      return;
    }
    const slots = this.slots.get(first.queue)!;
    // The queue's flag is forbidden while it is full, so this rarely waits.
    const got = await slots.acquire();
    if (!got) {
      await addMessage(store.db, first, 1_000);
      return;
    }
    const startedAt = clock.now();
    let rec: JobRecord | null;
    try {
      rec = await store.update(
        m.id,
        (r) =>
          r.token === m.token && isWaiting(r.state)
            ? { next: activated(r, startedAt, startedAt, instance) }
            : null,
      );
    } catch (err) {
      this.release(slots, first.queue);
      throw err;
    }
    if (!rec) {
      this.release(slots, first.queue);
      return;
    }
    // Which instance ran what (the two-instance tests count these too).
    log.debug("job started", { id: rec.id, job: rec.name, attempt: rec.attempts });
    const controller = new AbortController();
    const active = rec;
    const done = this.run(def, active, controller)
      .catch((err) => log.error("job attempt could not finish", { id: active.id, err }))
      .finally(() => {
        this.running.delete(active.id);
        this.release(slots, active.queue);
      });
    this.running.set(active.id, { queue: active.queue, controller, done });
  }

  private release(slots: QueueSlots, queue: QueueName) {
    const wasFull = slots.active >= slots.limit && slots.waiting === 0;
    slots.release();
    if (wasFull) this.onRoom(queue);
  }

  private async run(def: ResolvedJob, rec: JobRecord, controller: AbortController) {
    const { store, clock, instance } = this.s;
    const beat = setInterval(() => {
      store.beat(rec.id, rec.token, instance, clock.now()).then((cancel) => {
        // Cancelled from another instance (or taken over): stop the handler.
        if (cancel === true) controller.abort(new Error("cancelled"));
        if (cancel === null) controller.abort(new Error("the job was taken over"));
      }, () => {});
    }, this.s.settings.heartbeatMs);
    let outcome: Outcome;
    try {
      outcome = await runHandler(
        def,
        rec,
        controller,
        () => this.context(def, rec, controller.signal),
        this.s.settings.timeoutGraceMs,
      );
    } finally {
      clearInterval(beat);
    }
    await this.finish(def, rec, outcome, controller.signal.reason);
  }

  private context(def: ResolvedJob, rec: JobRecord, signal: AbortSignal): JobContext {
    const { store, clock, instance } = this.s;
    return jobContext(this.s.services(), def, rec, signal, async (p) => {
      await store.update(
        rec.id,
        (r) =>
          r.token === rec.token && r.state === "active" && r.owner === instance
            ? { next: { ...r, progress: p, heartbeatAt: clock.now() } }
            : null,
      );
    });
  }

  /** The attempt's end, written only while the record is still this attempt's. */
  private async finish(def: ResolvedJob, rec: JobRecord, outcome: Outcome, abortReason: unknown) {
    const { store, clock, instance } = this.s;
    const now = clock.now();
    const durationMs = Math.max(0, now - (rec.startedAt ?? now));
    observeJob(def.queue, def.name, outcome.ok ? "done" : "failed", durationMs / 1000);
    const mine = (r: JobRecord) =>
      r.token === rec.token && r.state === "active" && r.owner === instance;
    if (outcome.ok) {
      await store.update(
        rec.id,
        (r) => mine(r) ? { next: doneRecord(r, now, durationMs, outcome.value) } : null,
      );
      return;
    }
    if (abortReason instanceof StoppingError) {
      // Not the handler's failure: this process stops. Another instance (or
      // this one after its restart) runs it again, as after a crash.
      await store.update(rec.id, (r) => {
        if (!mine(r)) return null;
        const next = requeuedAfterStall(r, now, abortReason.message);
        return { next, extra: (trx) => addMessage(trx, next, 0) };
      });
      return;
    }
    const updated = await store.update(rec.id, (r) => {
      if (!mine(r)) return null;
      const { next, wait } = afterFailure(r, def, outcome.err, outcome.timeout, now, durationMs);
      // A cancelled record gives its dedupe key back as it is written (store.ts).
      if (wait === undefined) return { next };
      return { next, extra: (trx) => addMessage(trx, next, wait) };
    });
    if (await noteFailedAttempt(this.s.services, rec, rec.attempts, outcome.err, updated?.state)) {
      await this.onFailed(rec, outcome.err);
    }
  }

  private async failWithoutRun(rec: JobRecord, message: string) {
    const now = this.s.clock.now();
    await this.s.store.update(
      rec.id,
      (r) =>
        r.token === rec.token && !isTerminal(r.state)
          ? { next: failedWithoutRun(r, now, message) }
          : null,
    );
    log.error("job failed without running", { id: rec.id, job: rec.name, message });
  }
}
