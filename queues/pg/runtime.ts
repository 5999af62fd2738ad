/**
 * `Jobs` on PostgreSQL (JOBS_BACKEND=postgres): every instance on one
 * database shares the jobs. Our records (store.ts) say what each job is;
 * graphile-worker (engine.ts) delivers their messages; attempts run here
 * under per-queue slots (attempt.ts); dead processes' jobs are taken over,
 * paused queues and retention kept (housekeeping.ts); the admin API reads
 * the records (inspect.ts). docs/jobs-on-postgres.md compares it with KV.
 *
 * `enqueue(…, { tx })` writes the record and its message in the caller's
 * transaction, so a job caused by a change commits (or rolls back) with it.
 */
import { sql } from "kysely";
import { newId } from "@/platform/ids.ts";
import { log } from "@/platform/log.ts";
import { bounded } from "@/platform/bounded.ts";
import { QUEUE_NAMES, type QueueName, QUEUES, type ResolvedJob } from "../define.ts";
import { definitionsOf, sweepJob } from "../admin.ts";
import { enqueueDeadJobAlert } from "../alerts.ts";
import { isWaiting, type JobRecord } from "../records.ts";
import { cancelledWaiting, checkEnqueue, newRecord, requeued, RETRYABLE } from "../transitions.ts";
import { type CommonRuntimeOptions, drainUntilIdle, retentionOf } from "../shared.ts";
import { QueueSlots } from "../slots.ts";
import {
  type EnqueueOptions,
  type JobDefinitionInfo,
  type JobInfo,
  type JobPage,
  type Jobs,
  type JobState,
  type JobStats,
  type ListOptions,
  UnknownJobError,
  type UntypedJobMap,
} from "../types.ts";
import { PgAttempts, StoppingError } from "./attempt.ts";
import { addMessage, Engine, nudge } from "./engine.ts";
import { PgHousekeeping, refreshPaused } from "./housekeeping.ts";
import { PgInspector } from "./inspect.ts";
import type { PgShared } from "./shared.ts";
import { type Db, PgStore } from "./store.ts";

export interface PgRuntimeOptions extends CommonRuntimeOptions {
  /** The app's database (records are written with it, or with the caller's `tx`). */
  db: Db;
  /** The same database for the engine's own pool (LISTEN needs a session of its own). */
  connectionString: string;
  /** Another instance takes a job over after this long without a heartbeat. */
  takeoverAfterMs?: number;
  /** How often an idle engine worker looks for due delayed jobs. */
  pollMs?: number;
}

/** The longest one step of stopping may take before it is left behind (platform/bounded.ts). */
const STEP_MS = 15_000;

export class PgJobRuntime<M extends object = UntypedJobMap> implements Jobs<M> {
  readonly backend = "postgres";
  readonly transactional = true;
  private readonly s: PgShared;
  private readonly slots: Map<QueueName, QueueSlots>;
  private readonly attempts: PgAttempts;
  private readonly housekeeping: PgHousekeeping;
  private readonly inspector: PgInspector;
  private started: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;

  constructor(opts: PgRuntimeOptions) {
    const defs = new Map<string, ResolvedJob>();
    for (const d of opts.definitions) {
      if (defs.has(d.name)) throw new Error(`job "${d.name}" is defined twice`);
      defs.set(d.name, d);
    }
    const heartbeatMs = opts.heartbeatMs ?? 2_000;
    // A job waits for a slot only in the race between two fetches: no parking here.
    this.slots = new Map(
      QUEUE_NAMES.map((
        q,
      ) => [q, new QueueSlots(opts.concurrency?.[q] ?? QUEUES[q].concurrency, 1_000)]),
    );
    const paused = new Set<QueueName>();
    const store = new PgStore(opts.db);
    const engine = new Engine({
      connectionString: opts.connectionString,
      forbidden: () => this.forbidden(),
      handle: (m) => this.attempts.take(m),
      pollMs: opts.pollMs,
    });
    this.s = {
      store,
      engine,
      clock: opts.clock ?? { now: () => Date.now() },
      settings: {
        heartbeatMs,
        stalledAfterMs: opts.stalledAfterMs ?? 30_000,
        takeoverAfterMs: opts.takeoverAfterMs ?? Math.max(3 * heartbeatMs, 1_000),
        housekeepingMs: opts.housekeepingMs ?? 30_000,
        timeoutGraceMs: opts.timeoutGraceMs ?? 5_000,
        retention: retentionOf(opts),
      },
      defs,
      services: opts.services,
      instance: crypto.randomUUID(),
      life: { listening: false, stopping: false },
      paused,
    };
    this.attempts = new PgAttempts(
      this.s,
      this.slots,
      () => nudge(store.db).catch(() => {}),
      (rec, err) => this.alertDeadJob(rec, err),
    );
    this.housekeeping = new PgHousekeeping(this.s, this.attempts);
    this.inspector = new PgInspector(this.s, this.attempts, this.slots);
  }

  /** Queues no engine worker here may take from now: paused, or every slot busy. */
  private forbidden(): string[] {
    const out: string[] = [];
    for (const [q, slots] of this.slots) {
      if (this.s.paused.has(q) || slots.active >= slots.limit) out.push(q);
    }
    return out;
  }

  enqueue<N extends keyof M & string>(
    name: N,
    payload: M[N],
    opts?: EnqueueOptions,
  ): Promise<string> {
    return this.enqueueUnchecked(name, payload, opts);
  }

  async enqueueUnchecked(name: string, payload: unknown, opts: EnqueueOptions = {}) {
    const def = this.s.defs.get(name);
    if (!def) throw new UnknownJobError(name);
    const req = checkEnqueue(def, payload, opts);
    // The engine's schema must exist before a message can be added (outside the caller's tx).
    await this.s.engine.ready();
    const now = this.s.clock.now();
    const id = newId(now);
    const rec = newRecord(req, id, now);
    const write = async (exec: Db): Promise<string> => {
      if (!await this.s.store.insert(exec, rec)) {
        const holder = await this.s.store.dedupeHolder(exec, name, req.dedupeKey!);
        if (holder) return holder;
        throw new Error(`enqueue(${name}): dedupe key taken and released at once; try again`);
      }
      await addMessage(exec, rec, req.delay);
      return id;
    };
    return opts.tx ? await write(opts.tx) : await this.s.store.db.transaction().execute(write);
  }

  async cancel(jobId: string): Promise<boolean> {
    const now = this.s.clock.now();
    const out = await this.s.store.update(jobId, (r) => {
      if (isWaiting(r.state)) {
        return {
          next: cancelledWaiting(r, now),
        };
      }
      if (r.state === "active" && !r.cancelRequested) {
        return { next: { ...r, cancelRequested: true, updatedAt: now } };
      }
      return null;
    });
    if (!out) return false;
    // Running here: stop it now; elsewhere its next heartbeat sees the flag.
    this.attempts.abort(jobId, new Error("cancelled"));
    return true;
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    const { life } = this.s;
    if (life.listening || life.stopping) return;
    life.listening = true;
    this.started = (async () => {
      await refreshPaused(this.s);
      await this.s.engine.start(QUEUE_NAMES);
      this.housekeeping.start();
      log.info("jobs started", {
        backend: "postgres",
        instance: this.s.instance,
        jobs: this.s.defs.size,
      });
    })().catch((err) => {
      if (!life.stopping) log.error("job runtime did not start", { err });
    });
  }

  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.stopped ??= (async () => {
      this.s.life.stopping = true;
      await bounded("jobs: start", this.started ?? Promise.resolve(), STEP_MS);
      await bounded(
        "jobs: engine runner",
        this.s.engine.stopRunner().catch((err) => log.warn("engine stop", { err })),
        STEP_MS,
      );
      await bounded("jobs: housekeeping", this.housekeeping.stop(), STEP_MS);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        this.attempts.settled().then(() => false),
        new Promise<boolean>((r) => timer = setTimeout(() => r(true), opts.graceMs ?? 10_000)),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        // Each goes back to queued for another instance (attempt.ts, StoppingError).
        const ids = this.attempts.abortAll(new StoppingError());
        log.warn("jobs still running at shutdown: handed back", { ids });
        let t2: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          this.attempts.settled(),
          new Promise((r) => t2 = setTimeout(r, this.s.settings.timeoutGraceMs)),
        ]);
        clearTimeout(t2);
      }
      await bounded("jobs: engine pool", this.s.engine.close(), STEP_MS);
    })();
    await this.stopped;
  }

  /** Runs housekeeping once now (takeover, paused queues, retention). */
  housekeep(): Promise<{ takenOver: number; pruned: number }> {
    return this.housekeeping.run();
  }

  drain(opts: { timeoutMs?: number } = {}): Promise<void> {
    return drainUntilIdle((until) => this.busy(until), opts.timeoutMs, this.started);
  }

  private async busy(until: number): Promise<string | null> {
    if (this.attempts.size) return `${this.attempts.size} running`;
    const now = this.s.clock.now();
    const horizon = now + Math.max(0, until - Date.now()) + 1;
    const { rows } = await sql<{ queue: string; state: string }>`
      SELECT queue, state FROM job_records
      WHERE (state IN ('queued', 'active') OR (state = 'delayed' AND idx_ts < ${horizon}))
        AND queue NOT IN (SELECT queue FROM job_queues_paused)
      LIMIT 1`.execute(this.s.store.db);
    return rows[0] ? `${rows[0].queue} has ${rows[0].state} jobs` : null;
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

  async retry(jobId: string): Promise<boolean> {
    await this.s.engine.ready();
    const now = this.s.clock.now();
    const out = await this.s.store.update(jobId, (r) => {
      const next = requeued(r, now);
      if (!next) return null;
      return { next, extra: (trx) => addMessage(trx, next, 0) };
    });
    return out !== null;
  }

  async retryAll(queue: QueueName | undefined, state: JobState): Promise<number> {
    if (!RETRYABLE.includes(state)) return 0;
    let n = 0;
    while (true) {
      const ids = await this.s.store.ids(queue, state, 100);
      if (!ids.length) break;
      let moved = 0;
      for (const id of ids) if (await this.retry(id)) moved++;
      n += moved;
      if (!moved) break;
    }
    return n;
  }

  remove(jobId: string): Promise<boolean> {
    return this.s.store.remove(jobId, (r) => r.state !== "active");
  }

  clean(
    queue: QueueName | undefined,
    state: JobState,
    opts: { olderThanMs?: number } = {},
  ): Promise<number> {
    if (state === "active") return Promise.resolve(0);
    const before = this.s.clock.now() - (opts.olderThanMs ?? 0) + 1;
    return this.s.store.removeWhere(queue, state, before);
  }

  async pause(queue: QueueName): Promise<void> {
    await sql`INSERT INTO job_queues_paused (queue) VALUES (${queue}) ON CONFLICT DO NOTHING`
      .execute(this.s.store.db);
    this.s.paused.add(queue);
  }

  async resume(queue: QueueName): Promise<void> {
    await sql`DELETE FROM job_queues_paused WHERE queue = ${queue}`.execute(this.s.store.db);
    this.s.paused.delete(queue);
    // Idle workers (here and in other instances) look again now, not at their next poll.
    await this.s.engine.ready();
    await nudge(this.s.store.db, 4);
  }

  async isPaused(queue: QueueName): Promise<boolean> {
    const { rows } = await sql`SELECT 1 FROM job_queues_paused WHERE queue = ${queue}`
      .execute(this.s.store.db);
    return rows.length > 0;
  }

  definitions(): JobDefinitionInfo[] {
    return definitionsOf({ defs: this.s.defs });
  }

  sweep(jobName: string): Promise<number> {
    return sweepJob(this.s, jobName);
  }

  /** One ops-alert for a job that failed for good (queues/alerts.ts). */
  private alertDeadJob(rec: JobRecord, err: unknown): Promise<void> {
    return enqueueDeadJobAlert(
      this.s.defs,
      (n, p, o) => this.enqueueUnchecked(n, p, o),
      rec,
      err,
    );
  }
}
