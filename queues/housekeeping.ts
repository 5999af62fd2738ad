/**
 * The runtime's periodic chores, at start and every `housekeepingMs`:
 * jobs a dead process was running → taken over (recovery.ts; looked at
 * again as soon as a recent heartbeat can be judged, so a restart after
 * kill -9 re-runs them in seconds, not at KV's next cleanup);
 * dead letters → `dead` (recovery.ts); parked jobs of running queues →
 * back into KV's queue (parking.ts); finished jobs past their retention and
 * rate buckets older than 2 h → deleted.
 */
import { log } from "@/platform/log.ts";
import { QUEUE_NAMES } from "./define.ts";
import type { Attempts } from "./attempt.ts";
import type { Parking } from "./parking.ts";
import { minuteOf } from "./records.ts";
import { sweepDeadLetters, takeOverOrphans } from "./recovery.ts";
import { retentionCutoffs, type Shared } from "./shared.ts";

export class Housekeeping {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: Promise<void> | null = null;
  private recheck: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly s: Shared,
    private readonly attempts: Attempts,
    private readonly parking: Parking,
  ) {}

  /** One round now (tests call it through JobRuntime.housekeep). */
  async run(): Promise<{ dead: number; unparked: number; pruned: number }> {
    const { listening, stopping } = this.s.life;
    // Only a runtime that runs jobs takes over those of a dead process.
    if (listening && !stopping) await this.takeOver();
    const dead = await sweepDeadLetters(this.s, this.attempts);
    const unparked = listening && !stopping ? await this.parking.unparkAll() : 0;
    const pruned = await prune(this.s);
    return { dead, unparked, pruned };
  }

  private async takeOver() {
    const { recheckInMs } = await takeOverOrphans(this.s, this.attempts);
    if (recheckInMs === null || this.s.life.stopping) return;
    clearTimeout(this.recheck);
    this.recheck = setTimeout(() => {
      this.takeOver().catch((err) => log.error("job takeover failed", { err }));
    }, recheckInMs);
    Deno.unrefTimer(this.recheck);
  }

  /** The next round in `ms`, then every `housekeepingMs` until stop. */
  schedule(ms: number) {
    if (this.s.life.stopping) return;
    this.timer = setTimeout(async () => {
      this.current = this.run().then(() => {}, (err) => {
        log.error("job housekeeping failed", { err });
      });
      await this.current;
      this.current = null;
      this.schedule(this.s.settings.housekeepingMs);
    }, ms);
    Deno.unrefTimer(this.timer);
  }

  /** No further round; resolves when the one running (if any) ends. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    clearTimeout(this.recheck);
    await this.current;
  }
}

/** Deletes finished jobs older than the retention, and rate buckets older than 2 h. */
async function prune(s: Shared): Promise<number> {
  const now = s.clock.now();
  const cutoffs = retentionCutoffs(now, s.settings.retention());
  let n = 0;
  for (const q of QUEUE_NAMES) {
    for (const [state, cutoff] of cutoffs) n += await s.store.removeWhere(q, state, cutoff);
  }
  const oldMinute = minuteOf(now) - 120;
  for await (const e of s.kv.list({ start: ["jobs_rate"], end: ["jobs_rate", oldMinute] })) {
    await s.kv.delete(e.key);
  }
  return n;
}
