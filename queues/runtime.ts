/**
 * The job runtime on Deno KV queues.
 *
 * KV's queue cannot be inspected, so every job has a shadow record next to
 * its message (the pattern in reference/deno-kv-queues.md):
 *
 * - `["jobs", id]` — the record (state, payload, attempts, errors, times);
 * - `["jobs_idx", queue, state, ts, id]` — the state index (lists, latency);
 * - `["jobs_count", queue, state]` — KvU64 counters;
 * - `["jobs_rate", minute, queue, "done"|"failed"]` — per-minute completions;
 * - `["jobs_dedupe", name, dedupeKey]` → id;
 * - `["jobs_parked", queue, ts, id]` — jobs waiting outside KV's queue;
 * - `["jobs_paused", queue]` — present while the queue is paused;
 * - `["jobs_dead", id, token]` — `keysIfUndelivered` of every message.
 *
 * Every state change is ONE atomic commit that checks the record's
 * versionstamp and moves index, counters (and the message, when there is
 * one) together, so counters and lists cannot drift from the records.
 *
 * Messages are `{ gafusJob: 1, id, token }`. The record holds the token of
 * the message that may run it; a message with another token (an older copy
 * after a retry, an unpark or an admin action) is stale and skipped.
 *
 * Retries are our own: a failing handler is caught, the error (with stack)
 * recorded, and the retry re-enqueued in the same commit with its delay, so
 * the record knows the next retry time. KV's own backoff is left for what
 * only KV sees: a process that died during a handler. Its message comes back
 * (after the 5 s deadline, at the next queue cleanup), the record is still
 * `active` from the dead process, and the job is taken over (`stalls` + 1).
 * When KV gives up (the process died every time), the message lands on
 * `["jobs_dead", …]` and the housekeeping sweep marks the job `dead`.
 * `failed` therefore means "the handler failed every attempt" and `dead`
 * "the delivery machinery gave up".
 *
 * Concurrency: KV hands a process up to 100 messages at once. A job runs
 * only when its queue's in-process semaphore gives it a slot. A few may wait
 * in memory for a slot; the rest are parked (state `queued`, message
 * consumed, a `jobs_parked` entry) and re-enqueued when a slot frees, so one
 * busy queue cannot hold all 100 deliveries and starve the others. Paused
 * queues park every job they receive; resume re-enqueues them.
 *
 * Cost per job (bench/jobs.ts): KV's local queue slows down sharply when a
 * handler holds its message even a millisecond, so the runtime keeps the
 * commits per job few: the record is written `active` only once the attempt
 * has run `activeAfterMs` (see run()), the delivery reuses the entry written
 * at enqueue instead of reading it (`hot`), and commits issued while the
 * runtime is busy are grouped into one (kv_batch.ts).
 */
import type { Transaction } from "kysely";
import type { z } from "zod";
import type { Services } from "../core/services.ts";
import type { Database, JsonValue } from "../db/schema.ts";
import { json } from "../db/connection.ts";
import { newId } from "../core/ids.ts";
import { randomToken } from "../core/encoding.ts";
import { log, withLogContext } from "../core/log.ts";
import { observeJob } from "../core/metrics.ts";
import { CommitBatcher, ReadBatcher } from "./kv_batch.ts";
import { reportError } from "../core/errors.ts";
import {
  isQueueName,
  type JobContext,
  type OnceResult,
  PermanentJobError,
  QUEUE_NAMES,
  type QueueName,
  QUEUES,
  type ResolvedJob,
} from "./define.ts";
import {
  type EnqueueOptions,
  InvalidJobPayloadError,
  JOB_STATES,
  type JobDefinitionInfo,
  type JobErrorInfo,
  type JobInfo,
  type JobPage,
  type Jobs,
  type JobState,
  type JobStats,
  type ListOptions,
  type QueueStats,
  TERMINAL_STATES,
  UnknownJobError,
} from "./types.ts";

// ------------------------------------------------------------------ constants

const DAY = 24 * 3600_000;
/** KV refuses delays over 30 days; longer ones hop in steps of this. */
export const MAX_KV_DELAY_MS = 30 * DAY - 60_000;
/**
 * KV's backoff for a message whose handler never finished (the process
 * died). The first step decides how soon a restarted process gets it back
 * after KV's cleanup; after the last, the message is dead-lettered.
 */
const CRASH_BACKOFF = [1_000, 5_000, 15_000, 60_000, 300_000];
/** A delayed message that arrives this early is taken as due (timer jitter). */
const EARLY_TOLERANCE_MS = 1_000;
/** Payloads are stored in the record (64 KiB per KV value, with room for the rest). */
const MAX_PAYLOAD_BYTES = 32 * 1024;
const MAX_ERRORS_KEPT = 5;
const MAX_STACK_CHARS = 4_000;
const MAX_RESULT_BYTES = 4 * 1024;
const COMMIT_RETRIES = 50;
/** Entries kept for jobs enqueued here and not delivered yet (see deliver()). */
const MAX_HOT = 10_000;
/** KV hands a process at most 100 messages at once; keep some room for new arrivals. */
const IN_FLIGHT_BUDGET = 90;
const U64_MINUS_ONE = new Deno.KvU64(0xffff_ffff_ffff_ffffn);
const U64_ONE = new Deno.KvU64(1n);

// ------------------------------------------------------------------ records

interface StoredError {
  attempt: number;
  at: number;
  kind: JobErrorInfo["kind"];
  message: string;
  stack?: string;
}

/** The record as stored in KV (times in ms since the epoch). */
export interface JobRecord {
  id: string;
  name: string;
  queue: QueueName;
  state: JobState;
  payload: unknown;
  /** The message allowed to run this job (see the module comment). */
  token: string;
  /** The ts part of this record's index key. */
  idxTs: number;
  attempts: number;
  failures: number;
  maxAttempts: number;
  stalls: number;
  createdAt: number;
  updatedAt: number;
  runAt: number;
  nextRetryAt?: number;
  startedAt?: number;
  finishedAt?: number;
  heartbeatAt?: number;
  durationMs?: number;
  progress?: number;
  errors: StoredError[];
  dedupeKey?: string;
  parked?: boolean;
  cancelRequested?: boolean;
  /** The runtime instance running it (while active). */
  owner?: string;
  /** JSON size of the payload (to size group commits). */
  payloadBytes?: number;
  result?: unknown;
}

interface JobMessage {
  gafusJob: 1;
  id: string;
  token: string;
}

function isJobMessage(v: unknown): v is JobMessage {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  return m.gafusJob === 1 && typeof m.id === "string" && typeof m.token === "string";
}

const K = {
  job: (id: string) => ["jobs", id] as const,
  idxPrefix: (q: QueueName, s: JobState) => ["jobs_idx", q, s] as const,
  idx: (q: QueueName, s: JobState, ts: number, id: string) => ["jobs_idx", q, s, ts, id] as const,
  count: (q: QueueName, s: JobState) => ["jobs_count", q, s] as const,
  rate: (minute: number, q: QueueName, kind: "done" | "failed") =>
    ["jobs_rate", minute, q, kind] as const,
  dedupe: (name: string, key: string) => ["jobs_dedupe", name, key] as const,
  parked: (q: QueueName, ts: number, id: string) => ["jobs_parked", q, ts, id] as const,
  paused: (q: QueueName) => ["jobs_paused", q] as const,
  dead: (id: string, token: string) => ["jobs_dead", id, token] as const,
};

function isTerminal(s: JobState): boolean {
  return TERMINAL_STATES.includes(s);
}

/** Index order: waiting states by when they may start, the rest by when they got there. */
function defaultOrder(state: JobState): "asc" | "desc" {
  return state === "queued" || state === "delayed" || state === "active" ? "asc" : "desc";
}

function errorEntry(
  err: unknown,
  attempt: number,
  at: number,
  kind: StoredError["kind"],
): StoredError {
  const e = err instanceof Error ? err : new Error(String(err));
  const stack = e.stack ? e.stack.slice(0, MAX_STACK_CHARS) : undefined;
  return { attempt, at, kind, message: e.message.slice(0, 2_000) || e.name, stack };
}

function pushError(list: StoredError[], e: StoredError): StoredError[] {
  return [...list, e].slice(-MAX_ERRORS_KEPT);
}

/** The handler's return value, kept only when small and plain. */
function keepResult(v: unknown): JsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    const text = JSON.stringify(v);
    if (text === undefined || text.length > MAX_RESULT_BYTES) return undefined;
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function toDate(ms: number | undefined): Date | null {
  return ms === undefined ? null : new Date(ms);
}

function toErrorInfo(e: StoredError): JobErrorInfo {
  return { ...e, at: new Date(e.at) };
}

// ------------------------------------------------------------------ semaphore

class QueueSlots {
  active = 0;
  private waiters: Array<(granted: boolean) => void> = [];
  constructor(readonly limit: number, readonly waitCap: number) {}

  /** true: a slot is ours; false: too many waiting (park the job instead). */
  acquire(): Promise<boolean> | boolean {
    if (this.active < this.limit) {
      this.active++;
      return true;
    }
    if (this.waiters.length >= this.waitCap) return false;
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

// ------------------------------------------------------------------ the runtime

export interface Clock {
  now(): number;
}

export interface RuntimeOptions {
  kv: Deno.Kv;
  definitions: readonly ResolvedJob[];
  /** The services handed to handlers (lazy: the runtime is built inside them). */
  services: () => Services;
  clock?: Clock;
  /** Overrides of QUEUES concurrency (tests, bench). */
  concurrency?: Partial<Record<QueueName, number>>;
  heartbeatMs?: number;
  /** An active job without a heartbeat for this long is shown as stalled. */
  stalledAfterMs?: number;
  /** Tests: a smaller hop than 30 days to exercise chained delays. */
  maxKvDelayMs?: number;
  /** How often housekeeping runs once started (dead letters, unpark, retention). */
  housekeepingMs?: number;
  doneRetentionDays?: number;
  failedRetentionDays?: number;
  /** Extra wait after a timeout before the slot is given back anyway. */
  timeoutGraceMs?: number;
  /** A running job is written `active` after this long (0: at once); see run(). */
  activeAfterMs?: number;
  /** KV's backoff for messages whose delivery never finished (tests shorten it). */
  crashBackoff?: number[];
  /**
   * Tests only: called as a message is taken; a throw here fails the
   * delivery itself, as a dying process would, so KV's redelivery and
   * dead-lettering can be exercised.
   */
  faultInjection?: (jobId: string) => void;
}

interface Running {
  id: string;
  queue: QueueName;
  token: string;
  controller: AbortController;
  done: Promise<void>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown; timeout: boolean };

/** One attempt in progress (see run()). */
interface Attempt {
  startedAt: number;
  token: string;
  /** The record says active (written by this attempt). */
  activated: boolean;
  /** The record moved on (cancelled, removed) before it could be marked active. */
  gone: boolean;
  activation: Promise<void> | null;
  heartbeat: ReturnType<typeof setInterval> | undefined;
}

type Mutator = (
  rec: JobRecord,
) => { next: JobRecord | null; extra?: (a: Deno.AtomicOperation) => void } | null;

export class JobRuntime implements Jobs {
  readonly instance = crypto.randomUUID();
  private readonly kv: Deno.Kv;
  private readonly defs = new Map<string, ResolvedJob>();
  private readonly clock: Clock;
  private readonly slots = new Map<QueueName, QueueSlots>();
  private readonly running = new Map<string, Running>();
  private readonly commits: CommitBatcher;
  private readonly reads: ReadBatcher;
  /** `id:token` of messages this process is handling (drops duplicate copies). */
  private readonly claimed = new Set<string>();
  /** The last known entry of each job being delivered here (see update()). */
  private readonly hot = new Map<string, Deno.KvEntry<JobRecord>>();
  private readonly paused = new Set<QueueName>();
  /** Queues that may have parked jobs (avoids a KV list on every slot release). */
  private readonly mayHaveParked = new Set<QueueName>(QUEUE_NAMES);
  /** Unparked messages on their way back, per queue (they hold a slot in `room`). */
  private readonly incoming = new Map<QueueName, number>();
  private readonly unparkedTokens = new Map<string, QueueName>();
  private readonly pumping = new Map<QueueName, Promise<number>>();
  private readonly pumpAgain = new Set<QueueName>();
  private listening: Promise<void> | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private housekeepingTimer: ReturnType<typeof setTimeout> | undefined;
  private housekeepingRun: Promise<void> | null = null;
  private watchAbort: AbortController | null = null;
  private inFlight = new Set<Promise<void>>();
  private readonly heartbeatMs: number;
  private readonly stalledAfterMs: number;
  private readonly maxKvDelayMs: number;
  private readonly housekeepingMs: number;
  private readonly timeoutGraceMs: number;
  private readonly crashBackoff: number[];
  private readonly activeAfterMs: number;
  private readonly servicesOf: () => Services;
  private readonly retention: () => { doneDays: number; failedDays: number };

  constructor(private readonly opts: RuntimeOptions) {
    this.kv = opts.kv;
    this.commits = new CommitBatcher(opts.kv);
    this.reads = new ReadBatcher(opts.kv);
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.servicesOf = opts.services;
    for (const d of opts.definitions) {
      if (this.defs.has(d.name)) throw new Error(`job "${d.name}" is defined twice`);
      this.defs.set(d.name, d);
    }
    const limits = QUEUE_NAMES.map((q) => opts.concurrency?.[q] ?? QUEUES[q].concurrency);
    const total = limits.reduce((a, b) => a + b, 0);
    // Waiting in memory is much faster than parking (a KV round trip takes
    // 10–100 ms), but running plus waiting jobs must stay under KV's 100
    // deliveries in flight, or one busy queue would starve the others. The
    // spare room is shared in proportion to each queue's concurrency.
    const spare = Math.max(0, IN_FLIGHT_BUDGET - total);
    if (total > IN_FLIGHT_BUDGET) {
      log.warn("queue concurrency adds up to more than KV delivers at once", { total });
    }
    QUEUE_NAMES.forEach((q, i) => {
      const waitCap = Math.max(1, Math.floor((spare * limits[i]) / Math.max(1, total)));
      this.slots.set(q, new QueueSlots(limits[i], waitCap));
    });
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    this.stalledAfterMs = opts.stalledAfterMs ?? 30_000;
    this.maxKvDelayMs = opts.maxKvDelayMs ?? MAX_KV_DELAY_MS;
    this.housekeepingMs = opts.housekeepingMs ?? 30_000;
    this.timeoutGraceMs = opts.timeoutGraceMs ?? 5_000;
    this.crashBackoff = opts.crashBackoff ?? CRASH_BACKOFF;
    this.activeAfterMs = opts.activeAfterMs ?? 100;
    this.retention = () => {
      let cfg: Services["config"] | undefined;
      try {
        cfg = this.servicesOf().config;
      } catch {
        cfg = undefined;
      }
      return {
        doneDays: opts.doneRetentionDays ?? cfg?.jobsDoneRetentionDays ?? 2,
        failedDays: opts.failedRetentionDays ?? cfg?.jobsFailedRetentionDays ?? 14,
      };
    };
  }

  // ---------------------------------------------------------------- enqueue

  async enqueue(name: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
    const def = this.defs.get(name);
    if (!def) throw new UnknownJobError(name);
    const parsed = def.schema.safeParse(payload);
    if (!parsed.success) throw new InvalidJobPayloadError(name, zodIssues(parsed.error));
    const size = JSON.stringify(payload ?? null)?.length ?? 0;
    if (size > MAX_PAYLOAD_BYTES) {
      throw new InvalidJobPayloadError(name, [{
        path: "",
        message:
          `payload is ${size} bytes; at most ${MAX_PAYLOAD_BYTES} (store big data elsewhere and pass its id)`,
      }]);
    }
    const delay = opts.delay ?? 0;
    if (!Number.isFinite(delay) || delay < 0) {
      throw new RangeError(`enqueue(${name}): delay must be a finite number of ms ≥ 0`);
    }
    if (
      opts.dedupeKey !== undefined && (opts.dedupeKey.length < 1 || opts.dedupeKey.length > 512)
    ) {
      throw new RangeError(`enqueue(${name}): dedupeKey must be 1–512 characters`);
    }
    const now = this.clock.now();
    const id = newId(now);
    const runAt = now + delay;
    const state: JobState = delay > 0 ? "delayed" : "queued";
    const rec: JobRecord = {
      id,
      name,
      queue: def.queue,
      state,
      payload,
      token: randomToken(9),
      idxTs: state === "delayed" ? runAt : now,
      attempts: 0,
      failures: 0,
      maxAttempts: def.retry.length + 1,
      stalls: 0,
      createdAt: now,
      updatedAt: now,
      runAt,
      errors: [],
      dedupeKey: opts.dedupeKey,
      payloadBytes: size,
    };
    for (let i = 0; i < COMMIT_RETRIES; i++) {
      let dedupe: Deno.KvEntryMaybe<string> | null = null;
      if (opts.dedupeKey !== undefined) {
        dedupe = await this.kv.get<string>(K.dedupe(name, opts.dedupeKey));
        if (dedupe.value !== null) {
          const other = await this.kv.get<JobRecord>(K.job(dedupe.value));
          if (other.value) return dedupe.value;
          // The mapping outlived its job (removed by hand): take it over.
        }
      }
      const res = await this.commits.commit({
        keys: dedupe ? [id, `dedupe:${name}:${opts.dedupeKey}`] : [id],
        bytes: recordBytes(rec),
        checks: dedupe ? 2 : 1,
        apply: (a) => {
          if (dedupe) a.check(dedupe).set(dedupe.key, id);
          a.check({ key: K.job(id), versionstamp: null });
          this.writeRecord(a, null, rec);
          this.addMessage(a, rec, delay);
        },
      });
      if (res.ok) {
        // A job this process will run soon: its delivery can skip the read.
        if (this.listening && !this.stopping && delay <= EARLY_TOLERANCE_MS) {
          if (this.hot.size >= MAX_HOT) this.hot.delete(this.hot.keys().next().value!);
          this.hot.set(id, { key: K.job(id), value: rec, versionstamp: res.versionstamp });
        }
        return id;
      }
    }
    throw new Error(`enqueue(${name}): KV commit kept conflicting`);
  }

  /** Adds the message that will run `rec` (token and delay) to a commit. */
  private addMessage(a: Deno.AtomicOperation, rec: JobRecord, delay: number) {
    const msg: JobMessage = { gafusJob: 1, id: rec.id, token: rec.token };
    a.enqueue(msg, {
      delay: Math.max(0, Math.min(delay, this.maxKvDelayMs)),
      keysIfUndelivered: [K.dead(rec.id, rec.token)],
      backoffSchedule: this.crashBackoff,
    });
  }

  /** Record, index and counters from `prev` to `next` (either may be null). */
  private writeRecord(a: Deno.AtomicOperation, prev: JobRecord | null, next: JobRecord | null) {
    const sameIdx = prev && next && prev.queue === next.queue && prev.state === next.state &&
      prev.idxTs === next.idxTs;
    if (prev && !sameIdx) {
      a.delete(K.idx(prev.queue, prev.state, prev.idxTs, prev.id));
      a.sum(K.count(prev.queue, prev.state), U64_MINUS_ONE.value);
    }
    if (next) {
      if (!sameIdx) {
        a.set(K.idx(next.queue, next.state, next.idxTs, next.id), null);
        a.sum(K.count(next.queue, next.state), U64_ONE.value);
      }
      a.set(K.job(next.id), next);
    } else if (prev) {
      a.delete(K.job(prev.id));
    }
  }

  /**
   * Read–modify–write of one record with a versionstamp check, retried on
   * conflict. `fn` returns null to leave the record alone. For jobs this
   * process is delivering, the last entry it read or wrote is tried first
   * (`hot`), which saves a read per state change on the hot path; a stale
   * entry fails the check (or makes `fn` decline) and is then read afresh.
   */
  private async update(id: string, fn: Mutator): Promise<JobRecord | null | undefined> {
    for (let i = 0; i < COMMIT_RETRIES; i++) {
      const cached = i === 0 ? this.hot.get(id) : undefined;
      const entry = cached ?? await this.reads.get<JobRecord>(K.job(id));
      if (!entry.value) {
        this.hot.delete(id);
        return undefined;
      }
      const prev = entry.value;
      const change = fn(prev);
      if (!change) {
        if (cached) continue; // maybe stale: decide again on a fresh read
        return undefined;
      }
      const res = await this.commits.commit({
        keys: [id],
        bytes: recordBytes(change.next ?? prev),
        checks: 2, // the record's, and at most one in `extra` (a parked entry)
        apply: (a) => {
          a.check(entry);
          this.writeRecord(a, prev, change.next);
          change.extra?.(a);
        },
      });
      if (res.ok) {
        if (this.hot.has(id)) {
          if (change.next) {
            this.hot.set(id, {
              key: entry.key,
              value: change.next,
              versionstamp: res.versionstamp,
            });
          } else this.hot.delete(id);
        }
        return change.next;
      }
    }
    throw new Error(`job ${id}: KV commit kept conflicting`);
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    if (this.listening || this.stopping) return;
    this.listening = (async () => {
      // Paused flags first, so no job of a paused queue starts in between.
      await this.loadPaused();
      this.watchPaused();
      // Dead letters and parked jobs left by an earlier process are handled at once.
      this.scheduleHousekeeping(0);
      log.info("jobs started", { instance: this.instance, jobs: this.defs.size });
      await this.kv.listenQueue((msg: unknown) => this.onMessage(msg));
    })().catch((err) => {
      if (!this.stopping) log.error("job listener stopped", { err });
    });
  }

  private scheduleHousekeeping(ms: number) {
    if (this.stopping) return;
    const timer = setTimeout(async () => {
      this.housekeepingRun = this.housekeep().then(() => {}, (err) => {
        log.error("job housekeeping failed", { err });
      });
      await this.housekeepingRun;
      this.housekeepingRun = null;
      this.scheduleHousekeeping(this.housekeepingMs);
    }, ms);
    this.housekeepingTimer = timer;
    Deno.unrefTimer(timer);
  }

  private watchPaused() {
    const ctl = new AbortController();
    this.watchAbort = ctl;
    const keys = QUEUE_NAMES.map((q) => K.paused(q));
    (async () => {
      // KV watches at most 10 keys; there are 8 queues.
      const stream = this.kv.watch(keys);
      const reader = stream.getReader();
      ctl.signal.addEventListener("abort", () => reader.cancel().catch(() => {}));
      while (!ctl.signal.aborted) {
        const { value, done } = await reader.read();
        if (done || !value) break;
        value.forEach((e, i) => {
          const q = QUEUE_NAMES[i];
          const was = this.paused.has(q);
          if (e.value !== null) this.paused.add(q);
          else this.paused.delete(q);
          if (was && e.value === null) {
            this.mayHaveParked.add(q);
            this.pump(q).catch((err) => log.error("unpark failed", { err, queue: q }));
          }
        });
      }
    })().catch((err) => {
      if (!ctl.signal.aborted && !this.stopping) log.warn("paused-queue watch ended", { err });
    });
  }

  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    if (this.stopped) return await this.stopped;
    this.stopping = true;
    this.stopped = (async () => {
      clearTimeout(this.housekeepingTimer);
      this.watchAbort?.abort();
      for (const s of this.slots.values()) s.rejectWaiters();
      const grace = opts.graceMs ?? 10_000;
      const all = Promise.allSettled([...this.inFlight]);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((r) => timer = setTimeout(() => r(true), grace)),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        // KV delivers these again after the restart (takeover, stalls + 1).
        for (const r of this.running.values()) r.controller.abort(new Error("process stopping"));
        log.warn("jobs still running at shutdown", { ids: [...this.running.keys()] });
      }
      await this.housekeepingRun;
    })();
    await this.stopped;
  }

  async drain(opts: { timeoutMs?: number } = {}): Promise<void> {
    const until = Date.now() + (opts.timeoutMs ?? 10_000);
    while (true) {
      const busy = await this.busy(until);
      if (!busy) return;
      if (Date.now() > until) {
        throw new Error(`jobs did not drain in ${opts.timeoutMs ?? 10_000} ms: ${busy}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Why the runtime is not idle (for drain), or null. `until` is the drain deadline. */
  private async busy(until: number): Promise<string | null> {
    if (this.running.size || this.inFlight.size) return `${this.running.size} running`;
    const now = this.clock.now();
    // From KV, not the watched copy, which may lag behind a pause/resume just made.
    const paused = await this.kv.getMany<unknown[]>(QUEUE_NAMES.map((q) => K.paused(q)));
    for (const [i, q] of QUEUE_NAMES.entries()) {
      if (paused[i].value !== null) continue;
      for await (const _ of this.kv.list({ prefix: K.idxPrefix(q, "queued") }, { limit: 1 })) {
        return `${q} has queued jobs`;
      }
      for await (const _ of this.kv.list({ prefix: K.idxPrefix(q, "active") }, { limit: 1 })) {
        return `${q} has active jobs`;
      }
      // Delayed jobs due before the drain deadline count as work to wait for.
      const sel = {
        start: [...K.idxPrefix(q, "delayed")],
        end: [...K.idxPrefix(q, "delayed"), now + Math.max(0, until - Date.now()) + 1],
      };
      for await (const _ of this.kv.list(sel, { limit: 1 })) return `${q} has delayed jobs due`;
    }
    return null;
  }

  // ---------------------------------------------------------------- delivery

  private onMessage(msg: unknown): Promise<void> {
    if (!isJobMessage(msg)) {
      log.warn("queue message that is not a job; dropped", { type: typeof msg });
      return Promise.resolve();
    }
    const p = (async () => {
      this.opts.faultInjection?.(msg.id);
      await this.deliver(msg.id, msg.token);
    })();
    this.inFlight.add(p);
    const untrack = () => this.inFlight.delete(p);
    p.then(untrack, untrack);
    // A throw here makes KV deliver the message again (its backoff): only
    // for failures of the runtime itself (e.g. KV closing), never the handler's.
    return p;
  }

  private async deliver(id: string, token: string): Promise<void> {
    // A second copy of a message this process is handling (at-least-once delivery).
    const claim = `${id}:${token}`;
    if (this.claimed.has(claim)) return;
    this.claimed.add(claim);
    try {
      const unparkedFrom = this.unparkedTokens.get(token);
      if (unparkedFrom) {
        this.unparkedTokens.delete(token);
        this.incoming.set(unparkedFrom, Math.max(0, (this.incoming.get(unparkedFrom) ?? 1) - 1));
      }
      // The entry this process wrote at enqueue saves a read; anything but the
      // plain case is decided on a fresh read.
      let entry = this.hot.get(id);
      let rec = entry?.value;
      if (!rec || rec.token !== token || rec.state === "active" || isTerminal(rec.state)) {
        const fresh = await this.reads.get<JobRecord>(K.job(id));
        rec = fresh.value ?? undefined;
        if (!rec || rec.token !== token || isTerminal(rec.state)) return; // removed, stale, finished
        entry = fresh as Deno.KvEntry<JobRecord>;
        this.hot.set(id, entry);
      }
      await this.deliverEntry(rec, token);
    } finally {
      this.claimed.delete(claim);
      this.hot.delete(id);
    }
  }

  private async deliverEntry(first: JobRecord, token: string): Promise<void> {
    const id = first.id;
    let rec = first;
    if (rec.state === "active") {
      // KV delivers a running message again only when its process stopped
      // renewing it: the process died. Take the job over.
      const stalledRec = await this.requeueStalled(rec);
      if (!stalledRec) return;
      rec = stalledRec;
    }
    if (this.stopping) return void await this.park(rec, "stopping");
    const def = this.defs.get(rec.name);
    if (!def) {
      await this.finishWithoutRun(rec, `no job "${rec.name}" is defined in this version`);
      return;
    }
    const now = this.clock.now();
    if (rec.state === "delayed" && rec.runAt - now > EARLY_TOLERANCE_MS) {
      await this.hop(rec);
      return;
    }
    if (this.paused.has(rec.queue)) return void await this.park(rec, "paused");
    const slots = this.slots.get(rec.queue)!;
    let got = slots.acquire();
    if (got !== true && got !== false) {
      // Waiting for a slot: a due job is waiting now (latency counts it).
      if (rec.state === "delayed") {
        const q = await this.update(
          id,
          (r) =>
            r.token === token && r.state === "delayed"
              ? { next: { ...r, state: "queued", idxTs: r.runAt, updatedAt: this.clock.now() } }
              : null,
        );
        if (q) rec = q;
      }
      got = await got;
    }
    if (!got) return void await this.park(rec, this.stopping ? "stopping" : "busy");
    try {
      // Paused (or stopping) while this one waited for the slot.
      if (this.paused.has(rec.queue) || this.stopping) {
        await this.park(rec, this.stopping ? "stopping" : "paused");
        return;
      }
      await this.run(def, rec);
    } finally {
      slots.release();
      if (this.mayHaveParked.has(rec.queue) && !this.stopping) {
        this.pump(rec.queue).catch((err) => log.error("unpark failed", { err }));
      }
    }
  }

  /** An active record whose process died goes back to queued (same message token). */
  private async requeueStalled(rec: JobRecord): Promise<JobRecord | null> {
    const now = this.clock.now();
    const out = await this.update(rec.id, (r) => {
      if (r.token !== rec.token || r.state !== "active" || this.running.has(r.id)) return null;
      const e = errorEntry(
        new Error(`the process running attempt ${r.attempts} stopped before it finished`),
        r.attempts,
        now,
        "stalled",
      );
      e.stack = undefined;
      return {
        next: {
          ...r,
          state: "queued",
          idxTs: now,
          updatedAt: now,
          stalls: r.stalls + 1,
          errors: pushError(r.errors, e),
          owner: undefined,
        },
      };
    });
    if (out) log.warn("job taken over after its process stopped", { job: rec.name, id: rec.id });
    return out ?? null;
  }

  /** A long delay continues with another message (KV's delay limit is 30 days). */
  private async hop(rec: JobRecord) {
    const remaining = rec.runAt - this.clock.now();
    await this.update(
      rec.id,
      (r) =>
        r.token === rec.token && r.state === "delayed"
          ? { next: r, extra: (a) => this.addMessage(a, r, remaining) }
          : null,
    );
  }

  /** Takes the job out of KV's queue until a slot frees or the queue resumes. */
  private async park(rec: JobRecord, why: "paused" | "busy" | "stopping") {
    const now = this.clock.now();
    await this.update(rec.id, (r) => {
      if (r.token !== rec.token || !["queued", "delayed"].includes(r.state) || r.parked) {
        return null;
      }
      const idxTs = r.state === "queued" ? r.idxTs : Math.min(r.runAt, now);
      const next: JobRecord = { ...r, state: "queued", idxTs, parked: true, updatedAt: now };
      return { next, extra: (a) => a.set(K.parked(r.queue, idxTs, r.id), r.token) };
    });
    this.mayHaveParked.add(rec.queue);
    log.debug("job parked", { id: rec.id, queue: rec.queue, why });
    // A slot may have freed while this one was being parked.
    if (why === "busy" && this.room(rec.queue) > 0) {
      this.pump(rec.queue).catch((err) => log.error("unpark failed", { err }));
    }
  }

  /** Free slots not yet spoken for by a running, waiting or incoming job. */
  private room(queue: QueueName): number {
    const s = this.slots.get(queue)!;
    return s.limit - s.active - s.waiting - (this.incoming.get(queue) ?? 0);
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
      } while (this.pumpAgain.has(queue) && !this.stopping);
      return n;
    })().finally(() => this.pumping.delete(queue));
    this.pumping.set(queue, p);
    return p;
  }

  private async unparkBatch(queue: QueueName): Promise<number> {
    if (!this.listening || this.stopping || this.paused.has(queue)) return 0;
    let n = 0;
    for await (const e of this.kv.list<string>({ prefix: ["jobs_parked", queue] })) {
      if (this.paused.has(queue) || this.stopping || this.room(queue) <= 0) return n;
      const id = e.key[3] as string;
      const out = await this.update(id, (r) => {
        if (!r.parked || r.state !== "queued") return null;
        const next: JobRecord = { ...r, parked: false, token: randomToken(9) };
        return {
          next,
          extra: (a) => {
            a.check(e).delete(e.key);
            this.addMessage(a, next, 0);
          },
        };
      });
      if (out) {
        n++;
        this.unparkedTokens.set(out.token, queue);
        this.incoming.set(queue, (this.incoming.get(queue) ?? 0) + 1);
      } else {
        // The record moved on (cancelled, removed): the parked entry is stale.
        await this.kv.atomic().check(e).delete(e.key).commit();
      }
    }
    this.mayHaveParked.delete(queue);
    return n;
  }

  private async finishWithoutRun(rec: JobRecord, message: string) {
    const now = this.clock.now();
    await this.update(rec.id, (r) =>
      r.token === rec.token && !isTerminal(r.state)
        ? {
          next: {
            ...r,
            state: "failed",
            idxTs: now,
            updatedAt: now,
            finishedAt: now,
            errors: pushError(r.errors, errorEntry(new Error(message), r.attempts, now, "error")),
          },
          extra: (a) => a.sum(K.rate(minuteOf(now), r.queue, "failed"), U64_ONE.value),
        }
        : null);
    log.error("job failed without running", { id: rec.id, job: rec.name, message });
  }

  /**
   * Runs one attempt. The record turns `active` when the attempt has run for
   * `activeAfterMs` (or at once when that is 0, or when the handler reports
   * progress): a job that finishes sooner goes from queued straight to done
   * in one commit, with its start time, attempt and duration, which saves a
   * KV commit per job. The cost: a crash in those first milliseconds is not
   * counted as an attempt or a stall, and such short jobs do not show as
   * active. The concurrency slot is held from the start either way.
   */
  private async run(def: ResolvedJob, waiting: JobRecord) {
    const startedAt = this.clock.now();
    const controller = new AbortController();
    const settled = Promise.withResolvers<void>();
    const attempt: Attempt = {
      startedAt,
      token: waiting.token,
      activated: false,
      gone: false,
      activation: null,
      heartbeat: undefined,
    };
    const view: JobRecord = { ...waiting, attempts: waiting.attempts + 1, startedAt };
    const activate = (): Promise<void> =>
      attempt.activation ??= this.update(waiting.id, (r) => {
        if (r.token !== waiting.token || (r.state !== "queued" && r.state !== "delayed")) {
          return null;
        }
        const now = this.clock.now();
        return {
          next: {
            ...r,
            state: "active",
            idxTs: startedAt,
            updatedAt: now,
            attempts: r.attempts + 1,
            startedAt,
            heartbeatAt: now,
            nextRetryAt: undefined,
            finishedAt: undefined,
            progress: undefined,
            parked: false,
            owner: this.instance,
          },
        };
      }).then((rec) => {
        if (!rec) {
          // Cancelled or removed meanwhile: the handler is told to stop.
          attempt.gone = true;
          controller.abort(new Error("cancelled"));
          return;
        }
        attempt.activated = true;
        attempt.heartbeat = setInterval(() => {
          this.update(
            waiting.id,
            (r) =>
              r.token === waiting.token && r.state === "active" && r.owner === this.instance
                ? { next: { ...r, heartbeatAt: this.clock.now() } }
                : null,
          ).catch(() => {});
        }, this.heartbeatMs);
      });
    let activationTimer: ReturnType<typeof setTimeout> | undefined;
    if (this.activeAfterMs <= 0) {
      await activate();
      if (attempt.gone) return;
    } else {
      activationTimer = setTimeout(() => activate().catch(() => {}), this.activeAfterMs);
    }
    this.running.set(waiting.id, {
      id: waiting.id,
      queue: waiting.queue,
      token: waiting.token,
      controller,
      done: settled.promise,
    });
    let outcome: Outcome;
    try {
      outcome = await this.invoke(def, view, controller, activate);
    } finally {
      clearTimeout(activationTimer);
      await attempt.activation?.catch(() => {});
      clearInterval(attempt.heartbeat);
      this.running.delete(waiting.id);
      settled.resolve();
    }
    if (!attempt.gone) await this.finish(def, waiting, attempt, outcome);
  }

  /** Runs the handler with its timeout; never throws. */
  private async invoke(
    def: ResolvedJob,
    rec: JobRecord,
    controller: AbortController,
    activate: () => Promise<void>,
  ): Promise<Outcome> {
    const parsed = def.schema.safeParse(rec.payload);
    if (!parsed.success) {
      const e = new PermanentJobError(
        new InvalidJobPayloadError(def.name, zodIssues(parsed.error)).message,
      );
      return { ok: false, err: e, timeout: false };
    }
    const ctx = this.context(def, rec, controller.signal, activate);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), def.timeoutMs);
    });
    const work = withLogContext(
      { job: `${def.name}:${rec.id}` },
      () => Promise.resolve().then(() => def.handler(parsed.data, ctx)),
    );
    try {
      const first = await Promise.race([work.then((value) => ({ value })), timeout]);
      if (first === "timeout") {
        controller.abort(new Error(`timed out after ${def.timeoutMs} ms`));
        // Give the handler a moment to honour the signal before its slot is reused.
        let grace: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          work.catch(() => {}),
          new Promise((r) => grace = setTimeout(r, this.timeoutGraceMs)),
        ]);
        clearTimeout(grace);
        return {
          ok: false,
          err: new Error(`timed out after ${def.timeoutMs} ms`),
          timeout: true,
        };
      }
      return { ok: true, value: first.value };
    } catch (err) {
      return { ok: false, err, timeout: false };
    } finally {
      clearTimeout(timer);
    }
  }

  private context(
    def: ResolvedJob,
    rec: JobRecord,
    signal: AbortSignal,
    activate: () => Promise<void>,
  ): JobContext {
    const services = this.servicesOf();
    return {
      services,
      job: {
        id: rec.id,
        name: def.name,
        queue: def.queue,
        attempt: rec.attempts,
        maxAttempts: rec.maxAttempts,
      },
      signal,
      progress: async (pct: number) => {
        const p = Math.max(0, Math.min(100, Math.round(Number(pct) || 0)));
        await activate(); // a job that reports progress is shown running
        await this.update(
          rec.id,
          (r) =>
            r.token === rec.token && r.state === "active"
              ? { next: { ...r, progress: p, heartbeatAt: this.clock.now() } }
              : null,
        );
      },
      once: <T>(key: string, fn: (trx: Transaction<Database>) => Promise<T>) =>
        runOnce(services, rec.id, key, fn),
    };
  }

  private async finish(def: ResolvedJob, rec: JobRecord, attempt: Attempt, outcome: Outcome) {
    const now = this.clock.now();
    const durationMs = Math.max(0, now - attempt.startedAt);
    // For /metrics (core/metrics.ts): every attempt, by outcome.
    observeJob(def.queue, def.name, outcome.ok ? "done" : "failed", durationMs / 1000);
    // The record as this attempt left it: active (ours), or still waiting when
    // the attempt was too short to be marked active. Anything else moved on.
    const mine = (r: JobRecord) =>
      r.token === attempt.token &&
      (attempt.activated
        ? r.state === "active" && r.owner === this.instance
        : r.state === "queued" || r.state === "delayed");
    const started = (r: JobRecord): JobRecord =>
      attempt.activated ? r : { ...r, attempts: r.attempts + 1, startedAt: attempt.startedAt };
    if (outcome.ok) {
      await this.update(rec.id, (r) =>
        mine(r)
          ? {
            next: {
              ...started(r),
              state: "done",
              idxTs: now,
              updatedAt: now,
              finishedAt: now,
              heartbeatAt: undefined,
              nextRetryAt: undefined,
              parked: false,
              durationMs,
              progress: r.progress === undefined ? undefined : 100,
              owner: undefined,
              result: keepResult(outcome.value),
            },
            extra: (a) => a.sum(K.rate(minuteOf(now), r.queue, "done"), U64_ONE.value),
          }
          : null);
      return;
    }
    const kind = outcome.timeout ? "timeout" : "error";
    let final: JobState | null = null;
    const updated = await this.update(rec.id, (current) => {
      if (!mine(current)) return null;
      const r = started(current);
      const failures = r.failures + 1;
      const errors = pushError(r.errors, errorEntry(outcome.err, r.attempts, now, kind));
      const base: JobRecord = {
        ...r,
        parked: false,
        failures,
        errors,
        updatedAt: now,
        heartbeatAt: undefined,
        durationMs,
        owner: undefined,
      };
      if (r.cancelRequested) {
        final = "cancelled";
        const next: JobRecord = { ...base, state: "cancelled", idxTs: now, finishedAt: now };
        return { next, extra: (a) => this.releaseDedupeOnCancel(a, r) };
      }
      const permanent = outcome.err instanceof PermanentJobError;
      if (permanent || failures > def.retry.length) {
        final = "failed";
        return {
          next: { ...base, state: "failed", idxTs: now, finishedAt: now },
          extra: (a) => a.sum(K.rate(minuteOf(now), r.queue, "failed"), U64_ONE.value),
        };
      }
      const wait = def.retry[failures - 1];
      const runAt = now + wait;
      const next: JobRecord = {
        ...base,
        state: "delayed",
        idxTs: runAt,
        runAt,
        nextRetryAt: runAt,
        token: randomToken(9),
      };
      return { next, extra: (a) => this.addMessage(a, next, wait) };
    });
    const fields = {
      id: rec.id,
      job: rec.name,
      attempt: rec.attempts + 1,
      err: outcome.err,
      next: updated?.state,
    };
    if (final === "failed") {
      log.error("job failed", fields);
      // Only the last attempt goes to error tracking (core/errors.ts): a retry that
      // succeeds is not an operator's problem. reportError never throws.
      await reportError(this.servicesOf(), {
        source: "job",
        error: outcome.err,
        context: { job: rec.name, jobId: rec.id, queue: rec.queue, attempt: rec.attempts + 1 },
      });
    } else log.warn("job attempt failed", fields);
  }

  private releaseDedupeOnCancel(a: Deno.AtomicOperation, r: JobRecord) {
    // While the job was alive the mapping pointed at it; a cancelled job frees the key.
    if (r.dedupeKey !== undefined) a.delete(K.dedupe(r.name, r.dedupeKey));
  }

  // ---------------------------------------------------------------- cancel

  async cancel(jobId: string): Promise<boolean> {
    const now = this.clock.now();
    const out = await this.update(jobId, (r) => {
      if (r.state === "queued" || r.state === "delayed") {
        const next: JobRecord = {
          ...r,
          state: "cancelled",
          idxTs: now,
          updatedAt: now,
          finishedAt: now,
          cancelRequested: true,
          parked: false,
          nextRetryAt: undefined,
        };
        return {
          next,
          extra: (a) => {
            if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
            this.releaseDedupeOnCancel(a, r);
          },
        };
      }
      if (r.state === "active" && !r.cancelRequested) {
        return { next: { ...r, cancelRequested: true, updatedAt: now } };
      }
      return null;
    });
    if (!out) return false;
    this.running.get(jobId)?.controller.abort(new Error("cancelled"));
    return true;
  }

  // ---------------------------------------------------------------- housekeeping

  /**
   * Dead letters → `dead`; parked jobs of running queues → re-enqueued;
   * finished jobs past retention → deleted; old rate buckets → deleted.
   * Runs at start and every `housekeepingMs`; tests call it directly.
   */
  async housekeep(): Promise<{ dead: number; unparked: number; pruned: number }> {
    const dead = await this.sweepDeadLetters();
    let unparked = 0;
    if (this.listening && !this.stopping) {
      for (const q of QUEUE_NAMES) {
        if (!this.paused.has(q) && this.mayHaveParked.has(q)) unparked += await this.pump(q);
      }
    }
    const pruned = await this.prune();
    return { dead, unparked, pruned };
  }

  async sweepDeadLetters(): Promise<number> {
    let n = 0;
    for await (const e of this.kv.list({ prefix: ["jobs_dead"] })) {
      const [, id, token] = e.key as [string, string, string];
      const now = this.clock.now();
      const out = await this.update(id, (r) => {
        if (r.token !== token || isTerminal(r.state) || this.running.has(r.id)) return null;
        const entry = errorEntry(
          new Error(
            `KV stopped delivering the job: its process stopped or the runtime failed on every delivery (${
              this.crashBackoff.length + 1
            } times)`,
          ),
          r.attempts,
          now,
          "dead",
        );
        entry.stack = undefined;
        const next: JobRecord = {
          ...r,
          state: "dead",
          idxTs: now,
          updatedAt: now,
          finishedAt: now,
          heartbeatAt: undefined,
          owner: undefined,
          errors: pushError(r.errors, entry),
        };
        return {
          next,
          extra: (a) => {
            a.delete(e.key);
            if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
          },
        };
      });
      if (out) {
        n++;
        log.error("job dead", { id, job: out.name, attempts: out.attempts });
        const last = out.errors[out.errors.length - 1];
        await reportError(this.servicesOf(), {
          source: "job",
          error: Object.assign(new Error(last?.message ?? "job dead"), { name: "JobDead" }),
          context: { job: out.name, jobId: id, queue: out.queue, attempt: out.attempts },
        });
      } else {
        await this.kv.delete(e.key);
      }
    }
    return n;
  }

  /** Deletes finished jobs older than the retention, and rate buckets older than 2 h. */
  async prune(): Promise<number> {
    const now = this.clock.now();
    const { doneDays, failedDays } = this.retention();
    const cutoffs: [JobState, number][] = [
      ["done", now - doneDays * DAY],
      ["cancelled", now - doneDays * DAY],
      ["failed", now - failedDays * DAY],
      ["dead", now - failedDays * DAY],
    ];
    let n = 0;
    for (const q of QUEUE_NAMES) {
      for (const [state, cutoff] of cutoffs) {
        n += await this.deleteWhere(q, state, cutoff);
      }
    }
    const oldMinute = minuteOf(now) - 120;
    for await (const e of this.kv.list({ start: ["jobs_rate"], end: ["jobs_rate", oldMinute] })) {
      await this.kv.delete(e.key);
    }
    return n;
  }

  /** Deletes jobs of one queue and state whose index ts is below `before`. */
  private async deleteWhere(q: QueueName, state: JobState, before: number): Promise<number> {
    let n = 0;
    const sel = { start: [...K.idxPrefix(q, state)], end: [...K.idxPrefix(q, state), before] };
    for await (const e of this.kv.list(sel)) {
      if (await this.removeRecord(e.key[4] as string, (r) => r.state === state)) n++;
    }
    return n;
  }

  private async removeRecord(id: string, allowed: (r: JobRecord) => boolean): Promise<boolean> {
    for (let i = 0; i < COMMIT_RETRIES; i++) {
      const entry = await this.kv.get<JobRecord>(K.job(id));
      const r = entry.value;
      if (!r || !allowed(r) || r.state === "active") return false;
      const a = this.kv.atomic().check(entry);
      this.writeRecord(a, r, null);
      if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
      if (r.dedupeKey !== undefined && r.state !== "cancelled") {
        const dk = await this.kv.get<string>(K.dedupe(r.name, r.dedupeKey));
        if (dk.value === id) a.check(dk).delete(dk.key);
      }
      if ((await a.commit()).ok) return true;
    }
    throw new Error(`job ${id}: KV commit kept conflicting`);
  }

  // ---------------------------------------------------------------- admin API

  async get(jobId: string): Promise<JobInfo | null> {
    const r = (await this.kv.get<JobRecord>(K.job(jobId))).value;
    return r ? this.info(r) : null;
  }

  private info(r: JobRecord): JobInfo {
    const last = r.errors.at(-1);
    const now = this.clock.now();
    return {
      id: r.id,
      name: r.name,
      queue: r.queue,
      state: r.state,
      payload: r.payload,
      attempts: r.attempts,
      maxAttempts: r.maxAttempts,
      failures: r.failures,
      stalls: r.stalls,
      stalled: r.state === "active" && !this.running.has(r.id) &&
        now - (r.heartbeatAt ?? r.startedAt ?? now) > this.stalledAfterMs,
      progress: r.progress ?? null,
      createdAt: new Date(r.createdAt),
      updatedAt: new Date(r.updatedAt),
      runAt: new Date(r.runAt),
      nextRetryAt: r.state === "delayed" ? toDate(r.nextRetryAt) : null,
      startedAt: toDate(r.startedAt),
      finishedAt: toDate(r.finishedAt),
      heartbeatAt: toDate(r.heartbeatAt),
      durationMs: r.durationMs ?? null,
      lastError: last ? toErrorInfo(last) : null,
      errors: r.errors.map(toErrorInfo),
      dedupeKey: r.dedupeKey ?? null,
      parked: r.parked === true,
      cancelRequested: r.cancelRequested === true,
      result: r.result ?? null,
    };
  }

  async stats(): Promise<JobStats> {
    const now = this.clock.now();
    const counts = new Map<string, number>();
    for await (const e of this.kv.list<Deno.KvU64>({ prefix: ["jobs_count"] })) {
      // Counters are exact but a u64 that wrapped below zero would mean a bug: show 0.
      const v = e.value.value;
      counts.set(`${String(e.key[1])}/${String(e.key[2])}`, v > 1n << 62n ? 0 : Number(v));
    }
    const rates = new Map<string, number>();
    const minute = minuteOf(now);
    for await (
      const e of this.kv.list<Deno.KvU64>({
        start: ["jobs_rate", minute - 59],
        end: ["jobs_rate", minute + 1],
      })
    ) {
      const k = `${String(e.key[2])}/${String(e.key[3])}`;
      rates.set(k, (rates.get(k) ?? 0) + Number(e.value.value));
    }
    const pausedNow = await this.kv.getMany<unknown[]>(QUEUE_NAMES.map((q) => K.paused(q)));
    const queues: QueueStats[] = [];
    for (const [i, q] of QUEUE_NAMES.entries()) {
      const c = Object.fromEntries(
        JOB_STATES.map((s) => [s, counts.get(`${q}/${s}`) ?? 0]),
      ) as Record<JobState, number>;
      let oldest = Infinity;
      for await (const e of this.kv.list({ prefix: K.idxPrefix(q, "queued") }, { limit: 1 })) {
        oldest = e.key[3] as number;
      }
      for await (const e of this.kv.list({ prefix: K.idxPrefix(q, "delayed") }, { limit: 1 })) {
        const due = e.key[3] as number;
        if (due < now - EARLY_TOLERANCE_MS) oldest = Math.min(oldest, due);
      }
      let stalled = 0;
      if (c.active > 0) {
        for await (const e of this.kv.list({ prefix: K.idxPrefix(q, "active") })) {
          const r = (await this.kv.get<JobRecord>(K.job(e.key[4] as string))).value;
          if (r && this.info(r).stalled) stalled++;
        }
      }
      const slots = this.slots.get(q)!;
      queues.push({
        queue: q,
        concurrency: slots.limit,
        paused: pausedNow[i].value !== null,
        counts: c,
        latencyMs: oldest === Infinity ? 0 : Math.max(0, now - oldest),
        doneLastHour: rates.get(`${q}/done`) ?? 0,
        failedLastHour: rates.get(`${q}/failed`) ?? 0,
        stalled,
        running: [...this.running.values()].filter((r) => r.queue === q).length,
      });
    }
    const totals = {
      ...Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>,
      doneLastHour: 0,
      failedLastHour: 0,
    };
    for (const qs of queues) {
      for (const s of JOB_STATES) totals[s] += qs.counts[s];
      totals.doneLastHour += qs.doneLastHour;
      totals.failedLastHour += qs.failedLastHour;
    }
    return { at: new Date(now), queues, totals };
  }

  async list(opts: ListOptions): Promise<JobPage> {
    const limit = Math.max(1, Math.min(200, Math.floor(opts.limit ?? 50)));
    const order = opts.order ?? defaultOrder(opts.state);
    const reverse = order === "desc";
    const after = opts.cursor ? decodeCursor(opts.cursor) : null;
    if (opts.queue !== undefined && !isQueueName(opts.queue)) return { jobs: [] };
    const queues = opts.queue ? [opts.queue] : QUEUE_NAMES;
    const found: { ts: number; id: string }[] = [];
    for (const q of queues) {
      const prefix = [...K.idxPrefix(q, opts.state)];
      const sel: Deno.KvListSelector = after
        ? reverse
          ? { prefix, end: [...prefix, after.ts, after.id] }
          : { prefix, start: [...prefix, after.ts, after.id] }
        : { prefix };
      for await (const e of this.kv.list(sel, { limit: limit + 1, reverse })) {
        const ts = e.key[3] as number;
        const id = e.key[4] as string;
        if (after && ts === after.ts && id === after.id) continue;
        found.push({ ts, id });
      }
    }
    found.sort((a, b) => {
      const c = a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return reverse ? -c : c;
    });
    const page = found.slice(0, limit);
    const jobs: JobInfo[] = [];
    for (let i = 0; i < page.length; i += 10) {
      const entries = await this.kv.getMany<JobRecord[]>(
        page.slice(i, i + 10).map((p) => K.job(p.id)),
      );
      for (const e of entries) if (e.value) jobs.push(this.info(e.value));
    }
    const last = page.at(-1);
    return {
      jobs,
      cursor: found.length > limit && last ? encodeCursor(last) : undefined,
    };
  }

  async retry(jobId: string): Promise<boolean> {
    const now = this.clock.now();
    const out = await this.update(jobId, (r) => {
      const fresh = r.state === "failed" || r.state === "dead" || r.state === "cancelled";
      if (!fresh && r.state !== "delayed") return null;
      const next: JobRecord = {
        ...r,
        state: "queued",
        idxTs: now,
        updatedAt: now,
        runAt: now,
        nextRetryAt: undefined,
        finishedAt: undefined,
        parked: false,
        cancelRequested: false,
        failures: fresh ? 0 : r.failures,
        token: randomToken(9),
      };
      return {
        next,
        extra: (a) => {
          if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
          // A cancelled job gave up its dedupe key; take it back if still free.
          this.addMessage(a, next, 0);
        },
      };
    });
    return !!out;
  }

  async retryAll(queue: QueueName | undefined, state: JobState): Promise<number> {
    if (!["failed", "dead", "cancelled"].includes(state)) return 0;
    let n = 0;
    for (const q of queue ? [queue] : QUEUE_NAMES) {
      // Retried jobs leave the index, so the first page is always the next one.
      while (true) {
        const ids: string[] = [];
        for await (const e of this.kv.list({ prefix: K.idxPrefix(q, state) }, { limit: 100 })) {
          ids.push(e.key[4] as string);
        }
        if (!ids.length) break;
        let moved = 0;
        for (const id of ids) if (await this.retry(id)) moved++;
        n += moved;
        if (!moved) break;
      }
    }
    return n;
  }

  async remove(jobId: string): Promise<boolean> {
    return await this.removeRecord(jobId, () => true);
  }

  async clean(
    queue: QueueName | undefined,
    state: JobState,
    opts: { olderThanMs?: number } = {},
  ): Promise<number> {
    if (state === "active") return 0;
    const before = this.clock.now() - (opts.olderThanMs ?? 0) + 1;
    let n = 0;
    for (const q of queue ? [queue] : QUEUE_NAMES) n += await this.deleteWhere(q, state, before);
    return n;
  }

  async pause(queue: QueueName): Promise<void> {
    if (!isQueueName(queue)) throw new RangeError(`unknown queue "${queue}"`);
    await this.kv.set(K.paused(queue), { at: this.clock.now() });
    this.paused.add(queue);
  }

  async resume(queue: QueueName): Promise<void> {
    if (!isQueueName(queue)) throw new RangeError(`unknown queue "${queue}"`);
    await this.kv.delete(K.paused(queue));
    this.paused.delete(queue);
    this.mayHaveParked.add(queue);
    // Here if this process runs jobs; otherwise the worker's watch sees the resume.
    await this.pump(queue);
  }

  async isPaused(queue: QueueName): Promise<boolean> {
    return (await this.kv.get(K.paused(queue))).value !== null;
  }

  definitions(): JobDefinitionInfo[] {
    return [...this.defs.values()].map((d) => ({
      name: d.name,
      queue: d.queue,
      retry: d.retry,
      timeoutMs: d.timeoutMs,
      hasSweeper: d.sweep !== undefined,
    }));
  }

  async sweep(jobName: string): Promise<number> {
    const def = this.defs.get(jobName);
    if (!def) throw new UnknownJobError(jobName);
    if (!def.sweep) return 0;
    return await withLogContext({ job: `sweep:${jobName}` }, () => def.sweep!(this.servicesOf()));
  }

  /** Loads the paused flags once (start() keeps them fresh with a watch). */
  async loadPaused(): Promise<void> {
    const entries = await this.kv.getMany<unknown[]>(QUEUE_NAMES.map((q) => K.paused(q)));
    entries.forEach((e, i) => {
      if (e.value !== null) this.paused.add(QUEUE_NAMES[i]);
      else this.paused.delete(QUEUE_NAMES[i]);
    });
  }
}

// ------------------------------------------------------------------ helpers

/** A generous estimate of a record's stored size (for group commits). */
function recordBytes(r: JobRecord): number {
  let n = 2_048 + (r.payloadBytes ?? 4_096);
  for (const e of r.errors) n += e.message.length + (e.stack?.length ?? 0) + 64;
  return n;
}

function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}

function zodIssues(err: z.ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

function encodeCursor(c: { ts: number; id: string }): string {
  return btoa(JSON.stringify([c.ts, c.id])).replace(/=+$/, "");
}

function decodeCursor(s: string): { ts: number; id: string } | null {
  try {
    const [ts, id] = JSON.parse(atob(s));
    if (typeof ts === "number" && typeof id === "string") return { ts, id };
  } catch {
    // A bad cursor lists from the start.
  }
  return null;
}

// ------------------------------------------------------------------ once

/**
 * The effect and its marker in one transaction (see JobContext.once). A
 * concurrent duplicate blocks on the marker's primary key until the first
 * commits, then sees it and skips.
 */
export async function runOnce<T>(
  services: Pick<Services, "db">,
  jobId: string,
  key: string,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<OnceResult<T>> {
  return await services.db.transaction().execute(async (trx) => {
    const t = trx;
    const inserted = await t.insertInto("job_effects")
      .values({ job_id: jobId, key, result: json(null) })
      .onConflict((oc) => oc.columns(["job_id", "key"]).doNothing())
      .returning("job_id")
      .executeTakeFirst();
    if (!inserted) {
      const row = await t.selectFrom("job_effects").select("result")
        .where("job_id", "=", jobId).where("key", "=", key).executeTakeFirstOrThrow();
      return { ran: false, value: row.result as unknown as T };
    }
    const value = await fn(trx);
    const kept = keepResult(value);
    if (kept !== undefined) {
      await t.updateTable("job_effects").set({ result: json(kept) })
        .where("job_id", "=", jobId).where("key", "=", key).execute();
    }
    return { ran: true, value };
  });
}
