/**
 * Jobs waiting outside KV's queue, and the pause flags that send them there.
 *
 * A job is parked (state `queued`, message consumed, a `jobs_parked` entry)
 * when its queue is paused, when its queue's in-memory line is full
 * (slots.ts), or when the process stops. Parked jobs are put back into KV's
 * queue, oldest first, as slots free up or the queue resumes (`pump`).
 *
 * A paused queue starts no job in any process on the same KV: the flag is a
 * KV key, and every running process watches it.
 */
import { log } from "@/platform/log.ts";
import { isQueueName, QUEUE_NAMES, type QueueName } from "./define.ts";
import { isWaiting, type JobRecord, K, newToken } from "./records.ts";
import type { Shared } from "./shared.ts";
import type { QueueSlots } from "./slots.ts";

/** Each queue's pause flag, from KV (in QUEUE_NAMES order). */
export async function pausedFlags(kv: Deno.Kv): Promise<boolean[]> {
  const entries = await kv.getMany<unknown[]>(QUEUE_NAMES.map((q) => K.paused(q)));
  return entries.map((e) => e.value !== null);
}

export class Parking {
  /** This process's copy of the pause flags (loaded at start, then watched). */
  private readonly paused = new Set<QueueName>();
  /** Queues that may have parked jobs (avoids a KV list on every slot release). */
  private readonly mayHaveParked = new Set<QueueName>(QUEUE_NAMES);
  /** Unparked messages on their way back, per queue (they hold a slot in `room`). */
  private readonly incoming = new Map<QueueName, number>();
  private readonly unparkedTokens = new Map<string, QueueName>();
  private readonly pumping = new Map<QueueName, Promise<number>>();
  private readonly pumpAgain = new Set<QueueName>();
  private watchAbort: AbortController | null = null;

  constructor(
    private readonly s: Shared,
    private readonly slots: ReadonlyMap<QueueName, QueueSlots>,
  ) {}

  /** Paused, as this process last heard. */
  pausedHere(queue: QueueName): boolean {
    return this.paused.has(queue);
  }

  async pause(queue: QueueName): Promise<void> {
    if (!isQueueName(queue)) throw new RangeError(`unknown queue "${queue}"`);
    await this.s.kv.set(K.paused(queue), { at: this.s.clock.now() });
    this.paused.add(queue);
  }

  async resume(queue: QueueName): Promise<void> {
    if (!isQueueName(queue)) throw new RangeError(`unknown queue "${queue}"`);
    await this.s.kv.delete(K.paused(queue));
    this.paused.delete(queue);
    this.mayHaveParked.add(queue);
    // Here if this process runs jobs; otherwise the worker's watch sees the resume.
    await this.pump(queue);
  }

  async isPaused(queue: QueueName): Promise<boolean> {
    return (await this.s.kv.get(K.paused(queue))).value !== null;
  }

  /** Loads the paused flags once (`watch` keeps them fresh). */
  async load(): Promise<void> {
    (await pausedFlags(this.s.kv)).forEach((p, i) => this.setFlag(QUEUE_NAMES[i], p));
  }

  private setFlag(queue: QueueName, paused: boolean) {
    if (paused) this.paused.add(queue);
    else this.paused.delete(queue);
  }

  /** Follows pause/resume made by any process; a resume unparks here. */
  watch() {
    const ctl = new AbortController();
    this.watchAbort = ctl;
    (async () => {
      // KV watches at most 10 keys; there are 8 queues.
      const reader = this.s.kv.watch(QUEUE_NAMES.map((q) => K.paused(q))).getReader();
      ctl.signal.addEventListener("abort", () => reader.cancel().catch(() => {}));
      while (!ctl.signal.aborted) {
        const { value, done } = await reader.read();
        if (done || !value) break;
        value.forEach((e, i) => {
          const q = QUEUE_NAMES[i];
          const was = this.paused.has(q);
          this.setFlag(q, e.value !== null);
          if (was && e.value === null) {
            this.mayHaveParked.add(q);
            this.wake(q);
          }
        });
      }
    })().catch((err) => {
      if (!ctl.signal.aborted && !this.s.life.stopping) {
        log.warn("paused-queue watch ended", { err });
      }
    });
  }

  unwatch() {
    this.watchAbort?.abort();
  }

  /** A message this process unparked has come back: it no longer waits in `incoming`. */
  arrived(token: string) {
    const queue = this.unparkedTokens.get(token);
    if (!queue) return;
    this.unparkedTokens.delete(token);
    this.incoming.set(queue, Math.max(0, (this.incoming.get(queue) ?? 1) - 1));
  }

  /** Takes the job out of KV's queue until a slot frees or the queue resumes. */
  async park(rec: JobRecord, why: "paused" | "busy" | "stopping") {
    const now = this.s.clock.now();
    await this.s.store.update(rec.id, (r) => {
      if (r.token !== rec.token || !isWaiting(r.state) || r.parked) return null;
      const idxTs = r.state === "queued" ? r.idxTs : Math.min(r.runAt, now);
      // Not running anywhere while parked (an owner from a start at once is let go).
      const next: JobRecord = {
        ...r,
        state: "queued",
        idxTs,
        parked: true,
        updatedAt: now,
        owner: undefined,
      };
      return { next, extra: (a) => a.set(K.parked(r.queue, idxTs, r.id), r.token) };
    });
    this.mayHaveParked.add(rec.queue);
    // An unpark pass running now may have listed past this entry already and
    // would then clear the flag above: it must look again, or this job waits
    // for housekeeping (a lost wake-up).
    if (this.pumping.has(rec.queue)) this.pumpAgain.add(rec.queue);
    log.debug("job parked", { id: rec.id, queue: rec.queue, why });
    // A slot may have freed while this one was being parked.
    if (why === "busy" && this.room(rec.queue) > 0) this.wake(rec.queue);
  }

  /** A slot of the queue was given back: its parked jobs may come back. */
  slotFreed(queue: QueueName) {
    if (this.mayHaveParked.has(queue) && !this.s.life.stopping) this.wake(queue);
  }

  /** Housekeeping: unparks every running queue that may have parked jobs. */
  async unparkAll(): Promise<number> {
    let n = 0;
    for (const q of QUEUE_NAMES) {
      if (!this.paused.has(q) && this.mayHaveParked.has(q)) n += await this.pump(q);
    }
    return n;
  }

  /**
   * Jobs of the queue may be parked or on their way back: a new job must not
   * overtake them by starting at once (dispatch.ts `reserve`).
   */
  hasBacklog(queue: QueueName): boolean {
    return this.mayHaveParked.has(queue) || (this.incoming.get(queue) ?? 0) > 0;
  }

  /** Free slots not yet spoken for by a running, waiting or incoming job. */
  private room(queue: QueueName): number {
    const s = this.slots.get(queue)!;
    return s.limit - s.active - s.waiting - (this.incoming.get(queue) ?? 0);
  }

  private wake(queue: QueueName) {
    this.pump(queue).catch((err) => log.error("unpark failed", { err, queue }));
  }

  /**
   * Puts parked jobs back into KV's queue, oldest first, as many as the
   * queue has room for. Calls while one runs make it look again, so no
   * wake-up is lost.
   */
  private pump(queue: QueueName): Promise<number> {
    const running = this.pumping.get(queue);
    if (running) {
      this.pumpAgain.add(queue);
      return running;
    }
    const p = (async () => {
      let n = 0;
      do {
        this.pumpAgain.delete(queue);
        n += await this.unparkBatch(queue);
      } while (this.pumpAgain.has(queue) && !this.s.life.stopping);
      return n;
    })().finally(() => this.pumping.delete(queue));
    this.pumping.set(queue, p);
    return p;
  }

  private async unparkBatch(queue: QueueName): Promise<number> {
    const { kv, store, life } = this.s;
    if (!life.listening || life.stopping || this.paused.has(queue)) return 0;
    let n = 0;
    for await (const e of kv.list<string>({ prefix: ["jobs_parked", queue] })) {
      if (this.paused.has(queue) || life.stopping || this.room(queue) <= 0) return n;
      const id = e.key[3] as string;
      const out = await store.update(id, (r) => {
        if (!r.parked || r.state !== "queued") return null;
        const next: JobRecord = { ...r, parked: false, token: newToken() };
        return {
          next,
          extra: (a) => {
            a.check(e).delete(e.key);
            store.addMessage(a, next, 0);
          },
          extraChecks: 1,
        };
      });
      if (out) {
        n++;
        this.unparkedTokens.set(out.token, queue);
        this.incoming.set(queue, (this.incoming.get(queue) ?? 0) + 1);
      } else {
        // The record moved on (cancelled, removed): the parked entry is stale.
        await kv.atomic().check(e).delete(e.key).commit();
      }
    }
    this.mayHaveParked.delete(queue);
    return n;
  }
}
