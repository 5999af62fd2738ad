/**
 * From KV's message to a running attempt: the one `listenQueue` handler;
 * and the start at once of a job enqueued here (`reserve`).
 *
 * A message is checked against its record (a stale token, a finished job
 * or a second copy of a message being handled here is skipped), a stalled
 * job is taken over, a long delay continues, and the job then needs a slot
 * of its queue (slots.ts) — or is parked when its queue is paused, its line
 * is full or the process stops (parking.ts).
 *
 * Started at once: KV's own queue polls, so a message takes ~50 ms to come.
 * When this process runs jobs and the new job has no delay and its queue is
 * neither paused nor has parked jobs, enqueue.ts writes the record with
 * `owner` = this runtime and a share of the commit's group message
 * (records.ts), and hands the job here right after the commit: to a free
 * slot at once, or to the queue's line. Its attempt holds the claim of its
 * `id:token`. When the message comes, its delivery waits for that attempt to end, so KV
 * keeps the message in flight while the job runs and a process killed
 * meanwhile leaves it to KV's redelivery, as for a job started from its
 * message. After an attempt that ended normally the message has nothing to
 * do (`spent`); after one the runtime failed (KV errors), the message
 * decides on a fresh read and may run the job again.
 *
 * Another runtime on the same KV file that gets the message of a job owned
 * by a live instance holds it until the job moves on or the owner's
 * heartbeat stops (`deadOwnerAfterMs`): one job never runs twice at once.
 *
 * A throw from here makes KV deliver the message again (its crash backoff):
 * only failures of the runtime itself (e.g. KV closing), never a handler's.
 */
import { log } from "@/platform/log.ts";
import type { QueueName } from "./define.ts";
import type { Attempts } from "./attempt.ts";
import type { LocalStart } from "./enqueue.ts";
import type { Parking } from "./parking.ts";
import {
  countRate,
  isJobGroupMessage,
  isJobMessage,
  isTerminal,
  isWaiting,
  type JobRecord,
} from "./records.ts";
import { failedWithoutRun } from "./transitions.ts";
import { continueDelay, deadOwnerAfterMs, takeOverStalled } from "./recovery.ts";
import { EARLY_TOLERANCE_MS, type Shared } from "./shared.ts";
import type { QueueSlots } from "./slots.ts";

/** Messages of jobs started at once, remembered until they come (then dropped). */
const MAX_SPENT = 10_000;

export class Dispatcher implements LocalStart {
  /**
   * `id:token` of messages this process is handling: null for a KV delivery
   * (drops duplicate copies), the attempt's end for a job started at once.
   */
  private readonly claims = new Map<string, Promise<void> | null>();
  /** `id:token` of jobs started at once whose attempt ended: their message has nothing to do. */
  private readonly spent = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly s: Shared,
    private readonly slots: ReadonlyMap<QueueName, QueueSlots>,
    private readonly parking: Parking,
    private readonly attempts: Attempts,
    private readonly faultInjection?: (jobId: string) => void,
  ) {}

  /** Deliveries and at-once starts being handled now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Resolves when every delivery being handled now has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** A new job of `queue` without delay may start here at once after its enqueue. */
  takesHere(queue: QueueName): boolean {
    const { life, settings } = this.s;
    // A paused queue waits; parked jobs are not overtaken.
    return settings.startAtOnce && life.listening && !life.stopping &&
      !this.parking.pausedHere(queue) && !this.parking.hasBacklog(queue);
  }

  /**
   * The job's commit is made (with `owner` = this runtime): it goes to its
   * queue's slots now, as a delivered message would (`start`).
   */
  startHere(rec: JobRecord) {
    const claim = `${rec.id}:${rec.token}`;
    const p = (async () => {
      try {
        await this.start(rec, rec.token, true);
        if (this.spent.size >= MAX_SPENT) this.spent.delete(this.spent.values().next().value!);
        this.spent.add(claim);
      } catch (err) {
        // The runtime failed (KV errors), not the handler: the message decides.
        log.warn("job started at once: the runtime failed; its message takes over", {
          id: rec.id,
          job: rec.name,
          err,
        });
      } finally {
        this.claims.delete(claim);
      }
    })();
    this.claims.set(claim, p);
    this.track(p);
  }

  private track(p: Promise<void>) {
    this.inFlight.add(p);
    const untrack = () => this.inFlight.delete(p);
    p.then(untrack, untrack);
  }

  onMessage(msg: unknown): Promise<void> {
    let p: Promise<void>;
    if (isJobMessage(msg)) {
      p = this.take(msg.id, msg.token);
    } else if (isJobGroupMessage(msg)) {
      // The message is held until every job of it is handled: a throw for
      // one makes KV deliver the group again, and the others skip then.
      p = Promise.allSettled(msg.jobs.map(([id, token]) => this.take(id, token))).then((all) => {
        const failed = all.find((r) => r.status === "rejected");
        if (failed) throw failed.reason;
      });
    } else {
      log.warn("queue message that is not a job; dropped", { type: typeof msg });
      return Promise.resolve();
    }
    this.track(p);
    return p;
  }

  private async take(id: string, token: string): Promise<void> {
    this.faultInjection?.(id);
    await this.deliver(id, token);
  }

  private async deliver(id: string, token: string): Promise<void> {
    const claim = `${id}:${token}`;
    const held = this.claims.get(claim);
    // A second copy of a message this process is handling (at-least-once delivery).
    if (held === null) return;
    // Started here at once: KV keeps this message in flight until the attempt ends.
    if (held) await held;
    const { store } = this.s;
    if (this.spent.delete(claim)) return void store.forget(id);
    if (this.claims.has(claim)) return; // another copy took over while this one waited
    this.claims.set(claim, null);
    try {
      this.parking.arrived(token);
      // The entry this process wrote at enqueue saves a read; anything but the
      // plain case is decided on a fresh read.
      let rec = store.cached(id)?.value;
      if (
        !rec || rec.token !== token || rec.state === "active" || isTerminal(rec.state) ||
        rec.owner !== undefined
      ) {
        const fresh = await store.read(id);
        rec = fresh.value ?? undefined;
        if (!rec || rec.token !== token || isTerminal(rec.state)) return; // removed, stale, finished
        store.remember(fresh as Deno.KvEntry<JobRecord>);
      }
      await this.start(rec, token);
    } finally {
      this.claims.delete(claim);
      store.forget(id);
    }
  }

  /**
   * A job another runtime on this KV file started or runs: waits while its
   * owner lives. The record to go on with once the owner is gone (or has
   * let go of it), or null when the job moved on meanwhile.
   */
  private async whileOwnerLives(first: JobRecord): Promise<JobRecord | null> {
    const { clock, life, settings, store, instance } = this.s;
    const deadAfter = deadOwnerAfterMs(this.s);
    let rec = first;
    while (rec.owner !== undefined && rec.owner !== instance) {
      const silent = clock.now() - (rec.heartbeatAt ?? rec.startedAt ?? rec.updatedAt);
      if (silent >= deadAfter) return rec;
      // KV delivers the message again later (crash backoff); acking it would lose the safety net.
      if (life.stopping) throw new Error(`job ${rec.id}: stopping while another runtime runs it`);
      await new Promise((r) =>
        setTimeout(r, Math.min(deadAfter - silent + 10, settings.heartbeatMs))
      );
      const fresh = (await store.read(rec.id)).value;
      if (!fresh || fresh.token !== rec.token || isTerminal(fresh.state)) return null;
      rec = fresh;
    }
    return rec;
  }

  /** `here`: started at once after its enqueue here (its line may be longer, slots.ts). */
  private async start(first: JobRecord, token: string, here = false): Promise<void> {
    const { clock, life, store } = this.s;
    let rec: JobRecord | null = await this.whileOwnerLives(first);
    if (!rec) return;
    if (rec.state === "active") {
      const taken = await takeOverStalled(this.s, this.attempts, rec);
      if (!taken) return;
      rec = taken;
    } else if (rec.owner !== undefined && rec.owner !== this.s.instance) {
      // Started at once by a runtime that stopped before writing it active.
      const owner = rec.owner;
      rec = await store.update(
        rec.id,
        (r) =>
          r.token === token && r.owner === owner && r.state !== "active" && !isTerminal(r.state)
            ? { next: { ...r, owner: undefined, updatedAt: clock.now() } }
            : null,
      );
      if (!rec) return;
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
    let got = slots.acquire(here ? slots.localCap : slots.waitCap);
    const waited = typeof got !== "boolean";
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
      if (waited) {
        // Cancelled or removed while it waited: it must not start.
        const fresh = await store.read(rec.id);
        const r = fresh.value;
        if (!r || r.token !== token || !isWaiting(r.state) || r.parked) return;
        store.remember(fresh as Deno.KvEntry<JobRecord>);
        rec = r;
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
          next: failedWithoutRun(r, now, message),
          extra: (a) => countRate(a, now, r, "failed"),
        }
        : null);
    log.error("job failed without running", { id: rec.id, job: rec.name, message });
  }
}
