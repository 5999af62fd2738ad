/**
 * From KV's message to a running attempt: the one `listenQueue` handler.
 *
 * A message is checked against its record (a stale token, a finished job
 * or a second copy of a message being handled here is skipped), a stalled
 * job is taken over, a long delay continues, and the job then needs a slot
 * of its queue (slots.ts) — or is parked when its queue is paused, its line
 * is full or the process stops (parking.ts).
 *
 * A throw from here makes KV deliver the message again (its crash backoff):
 * only failures of the runtime itself (e.g. KV closing), never a handler's.
 */
import { log } from "@/platform/log.ts";
import type { QueueName } from "./define.ts";
import type { Attempts } from "./attempt.ts";
import type { Parking } from "./parking.ts";
import {
  countRate,
  errorEntry,
  finished,
  isJobMessage,
  isTerminal,
  type JobRecord,
  pushError,
} from "./records.ts";
import { continueDelay, takeOverStalled } from "./recovery.ts";
import { EARLY_TOLERANCE_MS, type Shared } from "./shared.ts";
import type { QueueSlots } from "./slots.ts";

export class Dispatcher {
  /** `id:token` of messages this process is handling (drops duplicate copies). */
  private readonly claimed = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly s: Shared,
    private readonly slots: ReadonlyMap<QueueName, QueueSlots>,
    private readonly parking: Parking,
    private readonly attempts: Attempts,
    private readonly faultInjection?: (jobId: string) => void,
  ) {}

  /** Deliveries being handled here. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves when every delivery being handled now has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  onMessage(msg: unknown): Promise<void> {
    if (!isJobMessage(msg)) {
      log.warn("queue message that is not a job; dropped", { type: typeof msg });
      return Promise.resolve();
    }
    const p = (async () => {
      this.faultInjection?.(msg.id);
      await this.deliver(msg.id, msg.token);
    })();
    this.inFlight.add(p);
    const untrack = () => this.inFlight.delete(p);
    p.then(untrack, untrack);
    return p;
  }

  private async deliver(id: string, token: string): Promise<void> {
    // A second copy of a message this process is handling (at-least-once delivery).
    const claim = `${id}:${token}`;
    if (this.claimed.has(claim)) return;
    this.claimed.add(claim);
    const { store } = this.s;
    try {
      this.parking.arrived(token);
      // The entry this process wrote at enqueue saves a read; anything but the
      // plain case is decided on a fresh read.
      let rec = store.cached(id)?.value;
      if (!rec || rec.token !== token || rec.state === "active" || isTerminal(rec.state)) {
        const fresh = await store.read(id);
        rec = fresh.value ?? undefined;
        if (!rec || rec.token !== token || isTerminal(rec.state)) return; // removed, stale, finished
        store.remember(fresh as Deno.KvEntry<JobRecord>);
      }
      await this.start(rec, token);
    } finally {
      this.claimed.delete(claim);
      store.forget(id);
    }
  }

  private async start(first: JobRecord, token: string): Promise<void> {
    const { clock, life, store } = this.s;
    let rec = first;
    if (rec.state === "active") {
      const taken = await takeOverStalled(this.s, this.attempts, rec);
      if (!taken) return;
      rec = taken;
    }
    if (life.stopping) return void await this.parking.park(rec, "stopping");
    const def = this.s.defs.get(rec.name);
    if (!def) {
      await this.failWithoutRun(rec, `no job "${rec.name}" is defined in this version`);
      return;
    }
    if (rec.state === "delayed" && rec.runAt - clock.now() > EARLY_TOLERANCE_MS) {
      await continueDelay(this.s, rec);
      return;
    }
    if (this.parking.pausedHere(rec.queue)) return void await this.parking.park(rec, "paused");
    const slots = this.slots.get(rec.queue)!;
    let got = slots.acquire();
    if (typeof got !== "boolean") {
      // Waiting for a slot: a due job is waiting now (latency counts it).
      if (rec.state === "delayed") {
        const queued = await store.update(
          rec.id,
          (r) =>
            r.token === token && r.state === "delayed"
              ? { next: { ...r, state: "queued", idxTs: r.runAt, updatedAt: clock.now() } }
              : null,
        );
        if (queued) rec = queued;
      }
      got = await got;
    }
    if (!got) return void await this.parking.park(rec, life.stopping ? "stopping" : "busy");
    try {
      // Paused (or stopping) while this one waited for the slot.
      if (this.parking.pausedHere(rec.queue) || life.stopping) {
        await this.parking.park(rec, life.stopping ? "stopping" : "paused");
        return;
      }
      await this.attempts.run(def, rec);
    } finally {
      slots.release();
      this.parking.slotFreed(rec.queue);
    }
  }

  private async failWithoutRun(rec: JobRecord, message: string) {
    const now = this.s.clock.now();
    await this.s.store.update(rec.id, (r) =>
      r.token === rec.token && !isTerminal(r.state)
        ? {
          next: {
            ...finished(r, "failed", now),
            errors: pushError(r.errors, errorEntry(new Error(message), r.attempts, now, "error")),
          },
          extra: (a) => countRate(a, now, r, "failed"),
        }
        : null);
    log.error("job failed without running", { id: rec.id, job: rec.name, message });
  }
}
