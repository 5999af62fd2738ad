/**
 * What every part of the job runtime works with: its options (with the
 * defaults applied, `Settings`) and `Shared` — KV, the record store, the
 * clock, the job definitions, the services and whether this process is
 * running jobs. JobRuntime (runtime.ts) builds it once and hands it to each
 * module, so the modules need no back-reference to the runtime.
 */
import type { Services } from "@/core/services.ts";
import type { QueueName, ResolvedJob } from "./define.ts";
import type { JobStore } from "./store.ts";
import type { JobState } from "./types.ts";

export const DAY = 24 * 3600_000;
/** KV refuses delays over 30 days; longer ones hop in steps of this. */
const MAX_KV_DELAY_MS = 30 * DAY - 60_000;
/**
 * KV's backoff for a message whose handler never finished (the process
 * died). The first step decides how soon a restarted process gets it back
 * after KV's cleanup; after the last, the message is dead-lettered.
 */
const CRASH_BACKOFF = [1_000, 5_000, 15_000, 60_000, 300_000];
/** A delayed message that arrives this early is taken as due (timer jitter). */
export const EARLY_TOLERANCE_MS = 1_000;

export interface Clock {
  now(): number;
}

/** The options of both backends' runtimes. */
export interface CommonRuntimeOptions {
  definitions: readonly ResolvedJob[];
  /** The services handed to handlers (lazy: the runtime is built inside them). */
  services: () => Services;
  clock?: Clock;
  /** Overrides of QUEUES concurrency (tests, bench). */
  concurrency?: Partial<Record<QueueName, number>>;
  heartbeatMs?: number;
  /** An active job without a heartbeat for this long is shown as stalled. */
  stalledAfterMs?: number;
  /** How often housekeeping runs once started. */
  housekeepingMs?: number;
  doneRetentionDays?: number;
  failedRetentionDays?: number;
  /** Extra wait after a timeout before the slot is given back anyway. */
  timeoutGraceMs?: number;
}

export interface RuntimeOptions extends CommonRuntimeOptions {
  kv: Deno.Kv;
  /** Tests: a smaller hop than 30 days to exercise chained delays. */
  maxKvDelayMs?: number;
  /** A running job is written `active` after this long (0: at once); see attempt.ts. */
  activeAfterMs?: number;
  /** KV's backoff for messages whose delivery never finished (tests shorten it). */
  crashBackoff?: number[];
  /**
   * Start a job enqueued here at once when it can (dispatch.ts); false: every
   * job waits for KV's message (default true; tests of KV's own delivery).
   */
  startAtOnce?: boolean;
  /**
   * Tests only: called as a message is taken; a throw here fails the
   * delivery itself, as a dying process would, so KV's redelivery and
   * dead-lettering can be exercised.
   */
  faultInjection?: (jobId: string) => void;
}

export interface Settings {
  heartbeatMs: number;
  stalledAfterMs: number;
  maxKvDelayMs: number;
  housekeepingMs: number;
  timeoutGraceMs: number;
  activeAfterMs: number;
  crashBackoff: number[];
  startAtOnce: boolean;
  /** Read when pruning: the config lives in the (lazily built) services. */
  retention(): { doneDays: number; failedDays: number };
}

export function resolveSettings(opts: RuntimeOptions): Settings {
  return {
    // Also how fast a dead owner is noticed (recovery.ts: two missed beats).
    heartbeatMs: opts.heartbeatMs ?? 2_000,
    stalledAfterMs: opts.stalledAfterMs ?? 30_000,
    maxKvDelayMs: opts.maxKvDelayMs ?? MAX_KV_DELAY_MS,
    housekeepingMs: opts.housekeepingMs ?? 30_000,
    timeoutGraceMs: opts.timeoutGraceMs ?? 5_000,
    activeAfterMs: opts.activeAfterMs ?? 100,
    crashBackoff: opts.crashBackoff ?? CRASH_BACKOFF,
    startAtOnce: opts.startAtOnce ?? true,
    retention: retentionOf(opts),
  };
}

/** Days finished jobs are kept (both backends): the options, else the config (read when pruning). */
export function retentionOf(
  opts: Pick<CommonRuntimeOptions, "services" | "doneRetentionDays" | "failedRetentionDays">,
): () => { doneDays: number; failedDays: number } {
  return () => {
    let cfg: Services["config"] | undefined;
    try {
      cfg = opts.services().config;
    } catch {
      cfg = undefined;
    }
    return {
      doneDays: opts.doneRetentionDays ?? cfg?.jobsDoneRetentionDays ?? 2,
      failedDays: opts.failedRetentionDays ?? cfg?.jobsFailedRetentionDays ?? 14,
    };
  };
}

/** Finished jobs whose index time is before their state's cutoff are past their retention. */
export function retentionCutoffs(
  now: number,
  { doneDays, failedDays }: { doneDays: number; failedDays: number },
): [JobState, number][] {
  return [
    ["done", now - doneDays * DAY],
    ["cancelled", now - doneDays * DAY],
    ["failed", now - failedDays * DAY],
    ["dead", now - failedDays * DAY],
  ];
}

/**
 * Tests: waits (after `started`) until `busy`, given the deadline in
 * Date.now() ms, says nothing is left; throws after `timeoutMs` (default
 * 10 s, counted from the call) with what is.
 */
export async function drainUntilIdle(
  busy: (until: number) => Promise<string | null>,
  timeoutMs = 10_000,
  started?: Promise<unknown> | null,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  await started;
  while (true) {
    const left = await busy(until);
    if (!left) return;
    if (Date.now() > until) throw new Error(`jobs did not drain in ${timeoutMs} ms: ${left}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What the parts of either backend's runtime share. */
export interface CommonShared {
  readonly clock: Clock;
  readonly defs: ReadonlyMap<string, ResolvedJob>;
  readonly services: () => Services;
  /** This runtime instance (the `owner` of the records it runs). */
  readonly instance: string;
  /** Set by start() and stop(). */
  readonly life: { listening: boolean; stopping: boolean };
}

export interface Shared extends CommonShared {
  readonly kv: Deno.Kv;
  readonly store: JobStore;
  readonly settings: Settings;
}
