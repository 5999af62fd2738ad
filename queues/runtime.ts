/**
 * The job runtime on Deno KV queues: `JobRuntime` builds the parts and
 * runs their lifecycle (start, stop, drain); everything else is handed to
 * the module that holds it:
 *
 * - records.ts — the record, KV key layout, state changes with index and counters;
 * - store.ts — versionstamp-checked updates, messages, deletion (grouped: kv_batch.ts);
 * - enqueue.ts — enqueue and cancel;
 * - dispatch.ts — KV message → record → slot (slots.ts) or parked (parking.ts, pause);
 * - attempt.ts, outcome.ts, once.ts — running an attempt, its result and retries, `ctx.once`;
 * - recovery.ts — stalled jobs, dead letters, chained delays;
 * - housekeeping.ts — periodic dead-letter sweep, unpark and retention;
 * - inspect.ts, admin.ts — the read and write sides of the admin API.
 *
 * Shared with the PostgreSQL backend (queues/pg/), which stores the same
 * records with SQL: transitions.ts (every record change), handler.ts (running
 * a handler), alerts.ts (failure reports), views.ts (the admin API's views).
 */
import { log } from "@/platform/log.ts";
import { QUEUE_NAMES, type QueueName, type ResolvedJob } from "./define.ts";
import { cleanJobs, definitionsOf, retryAll, retryJob, sweepJob } from "./admin.ts";
import { Attempts } from "./attempt.ts";
import { Dispatcher } from "./dispatch.ts";
import { cancelJob, enqueueJob } from "./enqueue.ts";
import { Housekeeping } from "./housekeeping.ts";
import { Inspector } from "./inspect.ts";
import { Parking, pausedFlags } from "./parking.ts";
import { drainUntilIdle, resolveSettings, type RuntimeOptions, type Shared } from "./shared.ts";
import { type QueueSlots, queueSlots } from "./slots.ts";
import { JobStore } from "./store.ts";
import type {
  EnqueueOptions,
  JobDefinitionInfo,
  JobInfo,
  JobPage,
  Jobs,
  JobState,
  JobStats,
  ListOptions,
  UntypedJobMap,
} from "./types.ts";

export type { RuntimeOptions } from "./shared.ts";

/** `M`: job name → payload; `createJobs` gives the registry's `JobMap`, tests their own jobs. */
export class JobRuntime<M extends object = UntypedJobMap> implements Jobs<M> {
  readonly backend = "kv";
  /** `enqueue`'s `tx` is ignored here: KV and the database cannot commit together. */
  readonly transactional = false;
  private readonly s: Shared;
  private readonly slots: Map<QueueName, QueueSlots>;
  private readonly attempts: Attempts;
  private readonly parking: Parking;
  private readonly dispatcher: Dispatcher;
  private readonly housekeeping: Housekeeping;
  private readonly inspector: Inspector;
  private stopped: Promise<void> | null = null;

  constructor(opts: RuntimeOptions) {
    const defs = new Map<string, ResolvedJob>();
    for (const d of opts.definitions) {
      if (defs.has(d.name)) throw new Error(`job "${d.name}" is defined twice`);
      defs.set(d.name, d);
    }
    const settings = resolveSettings(opts);
    this.s = {
      kv: opts.kv,
      store: new JobStore(opts.kv, settings),
      clock: opts.clock ?? { now: () => Date.now() },
      settings,
      defs,
      services: opts.services,
      instance: crypto.randomUUID(),
      life: { listening: false, stopping: false },
    };
    this.slots = queueSlots(opts.concurrency);
    this.attempts = new Attempts(this.s);
    this.parking = new Parking(this.s, this.slots);
    this.dispatcher = new Dispatcher(
      this.s,
      this.slots,
      this.parking,
      this.attempts,
      opts.faultInjection,
    );
    this.housekeeping = new Housekeeping(this.s, this.attempts, this.parking);
    this.inspector = new Inspector(this.s, this.attempts, this.slots);
  }

  enqueue<N extends keyof M & string>(
    name: N,
    payload: M[N],
    opts?: EnqueueOptions,
  ): Promise<string> {
    return this.enqueueUnchecked(name, payload, opts);
  }

  enqueueUnchecked(name: string, payload: unknown, opts?: EnqueueOptions): Promise<string> {
    return enqueueJob(this.s, name, payload, opts, this.dispatcher);
  }

  cancel(jobId: string): Promise<boolean> {
    return cancelJob(this.s, this.attempts, jobId);
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    const { life } = this.s;
    if (life.listening || life.stopping) return;
    life.listening = true;
    (async () => {
      // Paused flags first, so no job of a paused queue starts in between.
      await this.parking.load();
      this.parking.watch();
      // Dead letters and parked jobs left by an earlier process are handled at once.
      this.housekeeping.schedule(0);
      log.info("jobs started", { instance: this.s.instance, jobs: this.s.defs.size });
      await this.s.kv.listenQueue((msg: unknown) => this.dispatcher.onMessage(msg));
    })().catch((err) => {
      if (!life.stopping) log.error("job listener stopped", { err });
    });
  }

  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.stopped ??= (async () => {
      this.s.life.stopping = true;
      const chores = this.housekeeping.stop();
      this.parking.unwatch();
      for (const s of this.slots.values()) s.rejectWaiters();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        this.dispatcher.settled().then(() => false),
        new Promise<boolean>((r) => timer = setTimeout(() => r(true), opts.graceMs ?? 10_000)),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        // KV delivers these again after the restart (takeover, stalls + 1).
        const ids = this.attempts.abortAll(new Error("process stopping"));
        log.warn("jobs still running at shutdown", { ids });
      }
      await chores;
    })();
    await this.stopped;
  }

  /** Runs housekeeping once now (it also runs on a timer once started). */
  housekeep(): Promise<{ dead: number; unparked: number; pruned: number }> {
    return this.housekeeping.run();
  }

  drain(opts: { timeoutMs?: number } = {}): Promise<void> {
    return drainUntilIdle((until) => this.busy(until), opts.timeoutMs);
  }

  /** Why the runtime is not idle (for drain), or null. `until` is the drain deadline. */
  private async busy(until: number): Promise<string | null> {
    if (this.attempts.size || this.dispatcher.inFlightCount) {
      return `${this.attempts.size} running`;
    }
    const { store } = this.s;
    const now = this.s.clock.now();
    // From KV, not the watched copy, which may lag behind a pause/resume just made.
    const paused = await pausedFlags(this.s.kv);
    for (const [i, q] of QUEUE_NAMES.entries()) {
      if (paused[i]) continue;
      if (await store.firstTs(q, "queued") !== null) return `${q} has queued jobs`;
      if (await store.firstTs(q, "active") !== null) return `${q} has active jobs`;
      // Delayed jobs due before the drain deadline count as work to wait for.
      const horizon = now + Math.max(0, until - Date.now()) + 1;
      if (await store.firstTs(q, "delayed", horizon) !== null) return `${q} has delayed jobs due`;
    }
    return null;
  }

  // ---------------------------------------------------------------- admin API

  get(jobId: string): Promise<JobInfo | null> {
    return this.inspector.get(jobId);
  }

  list(opts: ListOptions): Promise<JobPage> {
    return this.inspector.list(opts);
  }

  stats(): Promise<JobStats> {
    return this.inspector.stats();
  }

  retry(jobId: string): Promise<boolean> {
    return retryJob(this.s, jobId);
  }

  retryAll(queue: QueueName | undefined, state: JobState): Promise<number> {
    return retryAll(this.s, queue, state);
  }

  remove(jobId: string): Promise<boolean> {
    return this.s.store.remove(jobId, () => true);
  }

  clean(
    queue: QueueName | undefined,
    state: JobState,
    opts?: { olderThanMs?: number },
  ): Promise<number> {
    return cleanJobs(this.s, queue, state, opts);
  }

  pause(queue: QueueName): Promise<void> {
    return this.parking.pause(queue);
  }

  resume(queue: QueueName): Promise<void> {
    return this.parking.resume(queue);
  }

  isPaused(queue: QueueName): Promise<boolean> {
    return this.parking.isPaused(queue);
  }

  definitions(): JobDefinitionInfo[] {
    return definitionsOf(this.s);
  }

  sweep(jobName: string): Promise<number> {
    return sweepJob(this.s, jobName);
  }
}
