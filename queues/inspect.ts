/**
 * The read side of the admin API (ops console, CLI): one job, pages of jobs
 * by state (from the state index, with a cursor), and per-queue stats (from
 * the counters, the index and the per-minute rate buckets).
 */
import { isQueueName, QUEUE_NAMES, type QueueName } from "./define.ts";
import type { Attempts } from "./attempt.ts";
import { pausedFlags } from "./parking.ts";
import { type JobRecord, K, minuteOf } from "./records.ts";
import { isStalled } from "./recovery.ts";
import { EARLY_TOLERANCE_MS, type Shared } from "./shared.ts";
import type { QueueSlots } from "./slots.ts";
import type { JobInfo, JobPage, JobStats, ListOptions, QueueStats } from "./types.ts";
import { encodeCursor, jobInfo, jobStats, pageOf, stateCounts } from "./views.ts";

export class Inspector {
  constructor(
    private readonly s: Shared,
    private readonly attempts: Attempts,
    private readonly slots: ReadonlyMap<QueueName, QueueSlots>,
  ) {}

  async get(jobId: string): Promise<JobInfo | null> {
    const r = (await this.s.kv.get<JobRecord>(K.job(jobId))).value;
    return r ? this.info(r) : null;
  }

  async list(opts: ListOptions): Promise<JobPage> {
    const { limit, desc: reverse, after } = pageOf(opts);
    if (opts.queue !== undefined && !isQueueName(opts.queue)) return { jobs: [] };
    const found: { ts: number; id: string }[] = [];
    for (const q of opts.queue ? [opts.queue] : QUEUE_NAMES) {
      const prefix = [...K.idxPrefix(q, opts.state)];
      const sel: Deno.KvListSelector = after
        ? reverse
          ? { prefix, end: [...prefix, after.ts, after.id] }
          : { prefix, start: [...prefix, after.ts, after.id] }
        : { prefix };
      for await (const e of this.s.kv.list(sel, { limit: limit + 1, reverse })) {
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
    const entries = await Promise.all(page.map((p) => this.s.store.read(p.id)));
    const jobs = entries.flatMap((e) => e.value ? [this.info(e.value)] : []);
    const last = page.at(-1);
    return { jobs, cursor: found.length > limit && last ? encodeCursor(last) : undefined };
  }

  async stats(): Promise<JobStats> {
    const { kv, store } = this.s;
    const now = this.s.clock.now();
    const counts = new Map<string, number>();
    for await (const e of kv.list<Deno.KvU64>({ prefix: ["jobs_count"] })) {
      // Counters are exact but a u64 that wrapped below zero would mean a bug: show 0.
      const v = e.value.value;
      counts.set(`${String(e.key[1])}/${String(e.key[2])}`, v > 1n << 62n ? 0 : Number(v));
    }
    const rates = new Map<string, number>();
    const minute = minuteOf(now);
    const lastHour = { start: ["jobs_rate", minute - 59], end: ["jobs_rate", minute + 1] };
    for await (const e of kv.list<Deno.KvU64>(lastHour)) {
      const k = `${String(e.key[2])}/${String(e.key[3])}`;
      rates.set(k, (rates.get(k) ?? 0) + Number(e.value.value));
    }
    const paused = await pausedFlags(kv);
    const queues: QueueStats[] = [];
    for (const [i, q] of QUEUE_NAMES.entries()) {
      const c = stateCounts((st) => counts.get(`${q}/${st}`));
      let oldest = (await store.firstTs(q, "queued")) ?? Infinity;
      const due = await store.firstTs(q, "delayed");
      if (due !== null && due < now - EARLY_TOLERANCE_MS) oldest = Math.min(oldest, due);
      let stalled = 0;
      if (c.active > 0) {
        for (const id of await store.ids(q, "active")) {
          const r = (await kv.get<JobRecord>(K.job(id))).value;
          if (r && isStalled(this.s, this.attempts, r, now)) stalled++;
        }
      }
      queues.push({
        queue: q,
        concurrency: this.slots.get(q)!.limit,
        paused: paused[i],
        counts: c,
        latencyMs: oldest === Infinity ? 0 : Math.max(0, now - oldest),
        doneLastHour: rates.get(`${q}/done`) ?? 0,
        failedLastHour: rates.get(`${q}/failed`) ?? 0,
        stalled,
        running: this.attempts.countIn(q),
      });
    }
    return jobStats(now, queues);
  }

  private info(r: JobRecord): JobInfo {
    return jobInfo(r, isStalled(this.s, this.attempts, r, this.s.clock.now()));
  }
}
