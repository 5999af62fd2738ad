/**
 * The public face of the job runtime: `services.jobs`. Routes, core/, the
 * bot, the ops pages and the CLI use only this interface: the KV backend
 * (queues/runtime.ts) and the PostgreSQL one (queues/pg/) both implement it.
 */
import type { Kysely } from "kysely";
import type { Database } from "@/db/schema.ts";
import type { QueueName } from "./define.ts";
import type { JobMap } from "./jobs/mod.ts";

export const JOB_STATES = [
  "queued",
  "delayed",
  "active",
  "done",
  "failed",
  "dead",
  "cancelled",
] as const;
export type JobState = typeof JOB_STATES[number];

export function isJobState(s: string): s is JobState {
  return (JOB_STATES as readonly string[]).includes(s);
}

/** States a job never leaves by itself (only retry/remove/clean change them). */
export const TERMINAL_STATES: readonly JobState[] = ["done", "failed", "dead", "cancelled"];

export interface EnqueueOptions {
  /** Start no earlier than this many ms from now (any length: over 30 days is chained). */
  delay?: number;
  /**
   * At most one job per (job name, dedupeKey) while that job's record exists
   * (until it is removed, cleaned, pruned by retention, or cancelled): a
   * second enqueue returns the first job's id and changes nothing.
   */
  dedupeKey?: string;
  /**
   * The caller's database transaction (a kysely `Transaction<Database>`). With
   * jobs on PostgreSQL (`transactional`), the job is stored in it: it exists
   * exactly when the change that caused it commits. The KV backend ignores it
   * and enqueues at once (such callers enqueue after their commit, and the
   * job's sweeper covers a crash in between): see core/jobs_tx.ts.
   */
  tx?: Kysely<Database>;
}

export interface JobErrorInfo {
  attempt: number;
  at: Date;
  /** error: the handler threw; timeout; stalled: the process stopped during the attempt; dead: KV gave up. */
  kind: "error" | "timeout" | "stalled" | "dead";
  message: string;
  stack?: string;
}

export interface JobInfo {
  id: string;
  name: string;
  queue: QueueName;
  state: JobState;
  payload: unknown;
  /** Handler starts, including restarts after a crash. */
  attempts: number;
  /** Attempts the retry schedule allows (retry.length + 1). */
  maxAttempts: number;
  /** Attempts that ended in an error or a timeout. */
  failures: number;
  /** Times the process running this job stopped before it finished. */
  stalls: number;
  /** Active, but no heartbeat for a while: its process probably died (KV will deliver it again). */
  stalled: boolean;
  progress: number | null;
  createdAt: Date;
  updatedAt: Date;
  /** When it may start (enqueue time + delay, or the time of the next retry). */
  runAt: Date;
  /** Set while a retry is scheduled (state delayed after a failure). */
  nextRetryAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  durationMs: number | null;
  lastError: JobErrorInfo | null;
  /** The last few errors, oldest first. */
  errors: JobErrorInfo[];
  dedupeKey: string | null;
  /** Waiting outside KV's queue (queue paused, or too many waiting here); resumes by itself. */
  parked: boolean;
  cancelRequested: boolean;
  /** What the handler returned, when small and JSON-like. */
  result: unknown;
}

export interface QueueStats {
  queue: QueueName;
  concurrency: number;
  paused: boolean;
  counts: Record<JobState, number>;
  /** Age of the oldest job waiting to start (queued, or delayed and overdue); 0 when none. */
  latencyMs: number;
  doneLastHour: number;
  failedLastHour: number;
  /** Active jobs whose heartbeat is older than the stall threshold. */
  stalled: number;
  /** Handlers running in this process now. */
  running: number;
}

export interface JobStats {
  at: Date;
  queues: QueueStats[];
  totals: Record<JobState, number> & { doneLastHour: number; failedLastHour: number };
}

export interface ListOptions {
  queue?: QueueName;
  state: JobState;
  /** 1–200, default 50. */
  limit?: number;
  /** From the previous page's `cursor`. */
  cursor?: string;
  /** Default: oldest first for queued/delayed/active, newest first otherwise. */
  order?: "asc" | "desc";
}

export interface JobPage {
  jobs: JobInfo[];
  /** Pass to the next call; absent on the last page. */
  cursor?: string;
}

export interface JobDefinitionInfo {
  name: string;
  queue: QueueName;
  retry: readonly number[];
  timeoutMs: number;
  hasSweeper: boolean;
}

/** Job name → payload, for a runtime whose job types are not known at compile time. */
export type UntypedJobMap = Record<string, unknown>;

/**
 * `M` maps each job name to its payload (queues/jobs/mod.ts derives `JobMap`
 * from the registry), so a wrong name or payload fails type-checking.
 */
export interface Jobs<M extends object = JobMap> {
  /** "kv" (Deno KV queues, one process) or "postgres" (shared by every instance). */
  readonly backend: "kv" | "postgres";
  /** True when `enqueue(…, { tx })` commits the job with the caller's transaction. */
  readonly transactional: boolean;
  /**
   * Validates the payload with the job's schema (again at run time: the type
   * cannot see a refinement such as "an id") and stores the job with its
   * message in one atomic commit. Throws `UnknownJobError` or
   * `InvalidJobPayloadError`.
   */
  enqueue<N extends keyof M & string>(
    name: N,
    payload: M[N],
    opts?: EnqueueOptions,
  ): Promise<string>;
  /**
   * `enqueue` for a name and payload that are data, not code (cron's
   * schedule table, the CLI, ops tools): checked only at run time, by the
   * registry and the job's schema, with the same errors.
   */
  enqueueUnchecked(name: string, payload: unknown, opts?: EnqueueOptions): Promise<string>;
  /**
   * Waiting jobs become `cancelled` and never run. A running job gets its
   * `ctx.signal` aborted and is not retried. False when the job is unknown or
   * already finished.
   */
  cancel(jobId: string): Promise<boolean>;

  // --- read/admin API (ops pages, CLI) ---
  stats(): Promise<JobStats>;
  list(opts: ListOptions): Promise<JobPage>;
  get(jobId: string): Promise<JobInfo | null>;
  /** failed, dead or cancelled → queued again (fresh retry budget); delayed → runs now. */
  retry(jobId: string): Promise<boolean>;
  /** Retries every job of the state (failed, dead or cancelled) in the queue (all when omitted). */
  retryAll(queue: QueueName | undefined, state: JobState): Promise<number>;
  /** Deletes a job that is not running. */
  remove(jobId: string): Promise<boolean>;
  /** Deletes every job of a state (not active) in the queue (all when omitted). */
  clean(
    queue: QueueName | undefined,
    state: JobState,
    opts?: { olderThanMs?: number },
  ): Promise<number>;
  /** A paused queue starts no job (in this or any process on the same KV) until resumed. */
  pause(queue: QueueName): Promise<void>;
  resume(queue: QueueName): Promise<void>;
  isPaused(queue: QueueName): Promise<boolean>;
  definitions(): JobDefinitionInfo[];
  /** Runs one job type's sweeper now (the `jobs-sweep` job calls it); returns its count. */
  sweep(jobName: string): Promise<number>;

  // --- lifecycle (server.ts, tests) ---
  /** Starts this process's `listenQueue` and housekeeping. Idempotent. */
  start(): void;
  /** Stops taking jobs, waits for running handlers (up to `graceMs`), stops timers. */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /**
   * Tests: resolves when no job is queued or active, none is delayed to
   * before the timeout, and no handler runs here (paused queues are
   * skipped). Throws after `timeoutMs` (default 10 s). Needs `start()`.
   */
  drain(opts?: { timeoutMs?: number }): Promise<void>;
}

export class UnknownJobError extends Error {
  constructor(readonly jobName: string) {
    super(`Unknown job "${jobName}": not registered in queues/jobs/mod.ts`);
    this.name = "UnknownJobError";
  }
}

export class InvalidJobPayloadError extends Error {
  constructor(readonly jobName: string, readonly issues: { path: string; message: string }[]) {
    super(
      `Invalid payload for job "${jobName}": ` +
        issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; "),
    );
    this.name = "InvalidJobPayloadError";
  }
}
