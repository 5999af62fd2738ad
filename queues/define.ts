/**
 * Job definitions: what a job is called, which queue runs it, the zod schema
 * of its payload, the handler, its retry schedule and timeout.
 *
 * ```ts
 * export default defineJob({
 *   name: "push-send",
 *   queue: "push",
 *   schema: z.object({ subscriptionId: z.string() }),
 *   retry: [10_000, 60_000, 300_000],
 *   async handler(payload, ctx) {
 *     await ctx.once("sent", async (trx) => { … });
 *   },
 * });
 * ```
 *
 * Delivery is at least once: a handler may run again for the same job after
 * a crash. Make the effect idempotent: `ctx.once(key, fn)` commits a marker
 * in the same database transaction as the effect, so the effect happens once.
 */
import type { z } from "zod";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "@/db/schema.ts";
import type { Services } from "@/core/services.ts";

/** Every queue, with how many of its jobs one process runs at the same time. */
export const QUEUES = {
  push: { concurrency: 20 },
  // Sends are paced to Telegram's limits (core/telegram/pace.ts): enough slots that the
  // pacer, not the slots, sets the rate (30/s with sends of up to ~100 ms needs a few in
  // flight, plus jobs waiting for their turn), within KV's deliveries in flight (slots.ts).
  telegram: { concurrency: 30 },
  email: { concurrency: 5 },
  notifications: { concurrency: 10 },
  reengagement: { concurrency: 2 },
  // ffmpeg is CPU-heavy: one at a time (PeerTube does the same).
  "video-transcoding": { concurrency: 1 },
  "exam-cleanup": { concurrency: 2 },
  maintenance: { concurrency: 1 },
  "ops-alert": { concurrency: 2 },
} as const satisfies Record<string, { concurrency: number }>;

export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(QUEUES, name);
}

/** Default retry schedule (ms between attempts): 4 attempts in about 6 minutes. */
export const DEFAULT_RETRY: readonly number[] = [5_000, 60_000, 300_000];
/** Default time a handler may run before it counts as failed. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const MAX_RETRY_INTERVALS = 5;

export interface OnceResult<T> {
  /** False when the marker already existed (the effect happened before): `fn` did not run. */
  ran: boolean;
  /** What `fn` returned the time it ran (stored as JSON with the marker). */
  value: T;
}

export interface JobContext {
  services: Services;
  job: {
    id: string;
    name: string;
    queue: QueueName;
    /** 1 on the first run; counts every start, including after a crash. */
    attempt: number;
    /** Attempts allowed by the retry schedule (retry.length + 1). */
    maxAttempts: number;
  };
  /** Aborted when the job times out, is cancelled while running, or the process stops. */
  signal: AbortSignal;
  /** Records progress (0–100) on the job record, shown on the status page. */
  progress(pct: number): Promise<void>;
  /**
   * Runs `fn` in a database transaction together with a marker for
   * (job id, key): if the marker exists, the effect already happened and
   * `fn` is skipped. A crash before the commit leaves neither the effect nor
   * the marker, so the effect happens exactly once. Do every write of the
   * effect through `trx`; side effects outside the database (HTTP calls)
   * are not covered — make those idempotent on the other side or accept
   * at-least-once.
   */
  once<T = void>(
    key: string,
    fn: (trx: Transaction<Database>) => Promise<T>,
  ): Promise<OnceResult<T>>;
}

export interface JobDefinition<N extends string = string, S extends z.ZodType = z.ZodType> {
  /** Stored in KV with every job: renaming it orphans the jobs already queued. */
  name: N;
  queue: QueueName;
  schema: S;
  handler: (payload: z.output<S>, ctx: JobContext) => Promise<unknown>;
  /** Wait before each retry, in ms (at most 5 intervals). `[]`: no retry. */
  retry?: readonly number[];
  timeoutMs?: number;
  /**
   * Sweeper: finds rows that need this job but have none (a crash between
   * the database commit and the enqueue) and enqueues them with a
   * `dedupeKey`. Runs every few minutes from cron. Returns how many it
   * enqueued (deduplicated enqueues count too; that is fine).
   */
  sweep?: (services: Services) => Promise<number>;
}

/**
 * A definition with defaults applied (what the runtime works with). The
 * literal name and schema types stay, so queues/jobs/mod.ts can derive the
 * map of job names to payloads that types `enqueue`.
 */
export interface ResolvedJob<N extends string = string, S extends z.ZodType = z.ZodType> {
  name: N;
  queue: QueueName;
  schema: S;
  handler: (payload: unknown, ctx: JobContext) => Promise<unknown>;
  retry: readonly number[];
  timeoutMs: number;
  sweep?: (services: Services) => Promise<number>;
}

/** Thrown by a handler to fail the job at once, without the remaining retries. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/**
 * Thrown by a handler to be retried after `delayMs` instead of the next
 * interval of its schedule (e.g. Telegram's 429 `retry_after`). It counts as
 * one of the job's failures, unless `postpone` says the job did not fail but
 * could not run yet (e.g. its chat has a backlog): then the schedule is not
 * used up.
 */
export class RetryLaterError extends Error {
  readonly delayMs: number;
  readonly postpone: boolean;
  constructor(
    delayMs: number,
    message: string,
    options?: ErrorOptions & { postpone?: boolean },
  ) {
    super(message, options);
    this.name = "RetryLaterError";
    this.delayMs = Math.max(0, Math.min(Math.round(delayMs), 24 * 3600_000));
    this.postpone = options?.postpone ?? false;
  }
}

const NAME_RE = /^[a-z][a-z0-9-]{0,62}$/;

/** Checks a definition once, at import time, so mistakes fail at start, not at 3 a.m. */
export function defineJob<const N extends string, S extends z.ZodType>(
  def: JobDefinition<N, S>,
): ResolvedJob<N, S> {
  if (!NAME_RE.test(def.name)) {
    throw new Error(`defineJob: name "${def.name}" must be lower-case letters, digits and -`);
  }
  if (!isQueueName(def.queue)) {
    throw new Error(
      `defineJob(${def.name}): unknown queue "${def.queue}" (one of ${QUEUE_NAMES.join(", ")})`,
    );
  }
  const retry = def.retry ?? DEFAULT_RETRY;
  if (retry.length > MAX_RETRY_INTERVALS) {
    throw new Error(`defineJob(${def.name}): at most ${MAX_RETRY_INTERVALS} retry intervals`);
  }
  for (const ms of retry) {
    if (!Number.isFinite(ms) || ms < 0 || ms > 30 * 24 * 3600_000) {
      throw new Error(`defineJob(${def.name}): retry intervals are 0 ms to 30 days`);
    }
  }
  const timeoutMs = def.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`defineJob(${def.name}): timeoutMs must be positive`);
  }
  return {
    name: def.name,
    queue: def.queue,
    schema: def.schema,
    handler: def.handler as (payload: unknown, ctx: JobContext) => Promise<unknown>,
    retry: Object.freeze([...retry]),
    timeoutMs,
    sweep: def.sweep,
  };
}

/** Job name → the payload `enqueue` accepts (the schema's input), for a list of definitions. */
export type JobMapOf<D extends readonly ResolvedJob[]> = {
  [J in D[number] as J["name"]]: z.input<J["schema"]>;
};

/** Kysely handle a sweeper or handler may pass around (db or a transaction). */
export type Db = Kysely<Database>;
