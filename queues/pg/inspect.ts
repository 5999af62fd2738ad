/**
 * The read side of the admin API on PostgreSQL: one job, pages by state
 * (keyset on the state index, the same cursor format as KV), and per-queue
 * stats from `job_records` (counts by state, oldest waiting job, completions
 * in the last hour: a finished record's index time is when it finished).
 */
import { sql } from "kysely";
import { isQueueName, QUEUE_NAMES, type QueueName } from "../define.ts";
import type { JobRecord } from "../records.ts";
import { EARLY_TOLERANCE_MS } from "../shared.ts";
import type { QueueSlots } from "../slots.ts";
import type { JobInfo, JobPage, JobStats, ListOptions, QueueStats } from "../types.ts";
import { encodeCursor, jobInfo, jobStats, looksStalled, pageOf, stateCounts } from "../views.ts";
import type { PgAttempts } from "./attempt.ts";
import type { PgShared } from "./shared.ts";

export class PgInspector {
  constructor(
    private readonly s: PgShared,
    private readonly attempts: PgAttempts,
    private readonly slots: ReadonlyMap<QueueName, QueueSlots>,
  ) {}

  private isStalled(r: JobRecord, now: number): boolean {
    return looksStalled(r, now, this.s.settings.stalledAfterMs, this.attempts.has(r.id));
  }

  info(r: JobRecord): JobInfo {
    return jobInfo(r, this.isStalled(r, this.s.clock.now()));
  }

  async get(id: string): Promise<JobInfo | null> {
    const r = await this.s.store.read(id);
    return r ? this.info(r) : null;
  }

  async list(opts: ListOptions): Promise<JobPage> {
    const { limit, desc, after } = pageOf(opts);
    if (opts.queue !== undefined && !isQueueName(opts.queue)) return { jobs: [] };
    const { rows } = await sql<{ rec: JobRecord; heartbeat_at: number | null; idx_ts: number }>`
      SELECT rec, heartbeat_at, idx_ts FROM job_records
      WHERE state = ${opts.state}
        ${opts.queue ? sql`AND queue = ${opts.queue}` : sql``}
        ${
      after
        ? desc
          ? sql`AND (idx_ts, id) < (${after.ts}, ${after.id})`
          : sql`AND (idx_ts, id) > (${after.ts}, ${after.id})`
        : sql``
    }
      ORDER BY ${desc ? sql`idx_ts DESC, id DESC` : sql`idx_ts, id`}
      LIMIT ${limit + 1}`.execute(this.s.store.db);
    const page = rows.slice(0, limit).map((r) => {
      if (r.heartbeat_at !== null) r.rec.heartbeatAt = Number(r.heartbeat_at);
      return r.rec;
    });
    const last = page.at(-1);
    return {
      jobs: page.map((r) => this.info(r)),
      cursor: rows.length > limit && last
        ? encodeCursor({ ts: last.idxTs, id: last.id })
        : undefined,
    };
  }

  async stats(): Promise<JobStats> {
    const now = this.s.clock.now();
    const hourAgo = now - 3600_000;
    const db = this.s.store.db;
    const { rows: counts } = await sql<{ queue: string; state: string; n: number }>`
      SELECT queue, state, count(*)::int AS n FROM job_records GROUP BY queue, state`.execute(db);
    const { rows: recent } = await sql<{ queue: string; state: string; n: number }>`
      SELECT queue, state, count(*)::int AS n FROM job_records
      WHERE state IN ('done', 'failed') AND idx_ts >= ${hourAgo}
      GROUP BY queue, state`.execute(db);
    const { rows: oldest } = await sql<{ queue: string; ts: number | null }>`
      SELECT queue, min(idx_ts) AS ts FROM job_records
      WHERE state = 'queued' OR (state = 'delayed' AND idx_ts < ${now - EARLY_TOLERANCE_MS})
      GROUP BY queue`.execute(db);
    const { rows: active } = await sql<{ rec: JobRecord; heartbeat_at: number | null }>`
      SELECT rec, heartbeat_at FROM job_records WHERE state = 'active'`.execute(db);
    const { rows: pausedRows } = await sql<{ queue: string }>`
      SELECT queue FROM job_queues_paused`.execute(db);
    const paused = new Set(pausedRows.map((r) => r.queue));
    const key = (q: string, st: string) => `${q}/${st}`;
    const countOf = new Map(counts.map((r) => [key(r.queue, r.state), r.n]));
    const recentOf = new Map(recent.map((r) => [key(r.queue, r.state), r.n]));
    const oldestOf = new Map(oldest.map((r) => [r.queue, Number(r.ts)]));
    const queues: QueueStats[] = QUEUE_NAMES.map((q) => {
      const c = stateCounts((st) => countOf.get(key(q, st)));
      const first = oldestOf.get(q);
      const stalled = active.filter((r) => {
        if (r.rec.queue !== q) return false;
        if (r.heartbeat_at !== null) r.rec.heartbeatAt = Number(r.heartbeat_at);
        return this.isStalled(r.rec, now);
      }).length;
      return {
        queue: q,
        concurrency: this.slots.get(q)!.limit,
        paused: paused.has(q),
        counts: c,
        latencyMs: first === undefined ? 0 : Math.max(0, now - first),
        doneLastHour: recentOf.get(key(q, "done")) ?? 0,
        failedLastHour: recentOf.get(key(q, "failed")) ?? 0,
        stalled,
        running: this.attempts.countIn(q),
      };
    });
    return jobStats(now, queues);
  }
}
