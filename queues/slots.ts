/**
 * Per-queue concurrency in this process: one semaphore per queue, with a
 * short in-memory line for jobs that wait for a slot.
 *
 * KV hands a process up to 100 messages at once, and a delivered message
 * waiting in memory holds one of them. So the lines are short, sized from
 * what is left of KV's 100 after the queues' concurrency; a job that finds
 * its line full is parked instead (parking.ts), so one busy queue cannot
 * hold every delivery and starve the others.
 */
import { log } from "@/platform/log.ts";
import { QUEUE_NAMES, type QueueName, QUEUES } from "./define.ts";

/** KV hands a process at most 100 messages at once; keep some room for new arrivals. */
const IN_FLIGHT_BUDGET = 90;

export class QueueSlots {
  active = 0;
  private waiters: Array<(granted: boolean) => void> = [];
  /**
   * A job enqueued here and started at once (dispatch.ts) holds no KV
   * delivery while it waits (its commit's one message waits for it), so its
   * line may be longer: a burst of enqueues waits in memory instead of
   * taking KV's slow path, one message per job.
   */
  readonly localCap: number;

  constructor(readonly limit: number, readonly waitCap: number) {
    this.localCap = Math.max(waitCap, 64, 4 * limit);
  }

  /**
   * true: a slot is ours; false: too many waiting (park the job instead).
   * `cap`: the line's length for this job (see `localCap`).
   */
  acquire(cap = this.waitCap): Promise<boolean> | boolean {
    if (this.active < this.limit) {
      this.active++;
      return true;
    }
    if (this.waiters.length >= cap) return false;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get waiting(): number {
    return this.waiters.length;
  }

  release() {
    const next = this.waiters.shift();
    if (next) next(true); // the slot passes straight to the next waiter
    else this.active--;
  }

  /** Stopping: waiters give up their turn (they park). */
  rejectWaiters() {
    for (const w of this.waiters.splice(0)) w(false);
  }
}

/** Every queue's slots: QUEUES' concurrency unless overridden. */
export function queueSlots(
  overrides: Partial<Record<QueueName, number>> = {},
): Map<QueueName, QueueSlots> {
  const limits = QUEUE_NAMES.map((q) => overrides[q] ?? QUEUES[q].concurrency);
  const total = limits.reduce((a, b) => a + b, 0);
  // Waiting in memory is much faster than parking (a KV round trip takes
  // 10–100 ms), but running plus waiting jobs must stay under KV's 100
  // deliveries in flight. The spare room is shared in proportion to each
  // queue's concurrency.
  const spare = Math.max(0, IN_FLIGHT_BUDGET - total);
  if (total > IN_FLIGHT_BUDGET) {
    log.warn("queue concurrency adds up to more than KV delivers at once", { total });
  }
  return new Map(QUEUE_NAMES.map((q, i) => {
    const waitCap = Math.max(1, Math.floor((spare * limits[i]) / Math.max(1, total)));
    return [q, new QueueSlots(limits[i], waitCap)];
  }));
}
