/**
 * Jobs benchmark: end-to-end jobs per second through the runtime (enqueue →
 * handler → record `done`, with shadow records, index and counters) beside,
 * in the same run and round by round, raw `kv.enqueue` + `listenQueue` with
 * nothing else, and BullMQ on the local Redis (the peer baseline: the same
 * no-op handler, job count, producer width and handler concurrency). Plus
 * the time from enqueue to handler start for a job without delay: one at a
 * time on an idle queue, and under the load of the throughput run.
 *
 * `benchJobs()` returns the figures (bench/run.ts prints them); run alone:
 * `deno run -A --unstable-kv bench/jobs.ts`.
 */
import { z } from "zod";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { defineJob } from "@/queues/define.ts";
import { JobRuntime } from "@/queues/runtime.ts";
import type { Services } from "@/core/services.ts";
import { configureLog } from "@/platform/log.ts";
import denoJson from "../deno.json" with { type: "json" };

const REDIS = { host: "127.0.0.1", port: 6379 };
const BULLMQ_VERSION = denoJson.imports.bullmq.replace(/^npm:bullmq@/, "");
/** Handlers at once on both sides (KV delivers at most 100 messages at once). */
const HANDLER_CONCURRENCY = 100;

interface Latency {
  p50ms: number;
  p99ms: number;
}

export interface JobsBenchResult {
  /** Where the KV files were. */
  dir: string;
  jobs: number;
  rounds: number;
  width: number;
  /** Median over rounds. */
  rawPerSec: number;
  /** Raw KV whose handler writes one small key before it returns (the least any record costs). */
  rawWritePerSec: number;
  jobsPerSec: number;
  /** jobsPerSec / rawPerSec. */
  ratio: number;
  /** Enqueue → handler start, one job at a time on an idle queue. */
  idle: Latency & { rawP50ms: number; rawP99ms: number };
  /** A bare `kv.atomic().set().enqueue().commit()` one at a time: what one durable enqueue costs here. */
  commit: Latency;
  /** Enqueue → handler start during the throughput run (includes queueing). */
  loaded: Latency;
  /** The same shape on BullMQ, or why it was skipped. */
  bullmq: { perSec: number; idle: Latency; loaded: Latency } | { skipped: string };
}

export interface JobsBenchOptions {
  jobs?: number;
  rounds?: number;
  latencySamples?: number;
  /** Enqueues in flight at once from the producer. */
  producerConcurrency?: number;
  /**
   * Where the KV files go (default: the system temp dir). On a disk each KV
   * commit waits for an fsync; a tmpfs (/dev/shm) shows the runtime's own cost.
   */
  dir?: string;
  /** Run BullMQ beside (default true; skipped with a note when Redis does not answer). */
  bullmq?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function median(values: number[]): number {
  return pct(values, 50);
}

function latency(values: number[]): Latency {
  return { p50ms: pct(values, 50), p99ms: pct(values, 99) };
}

let baseDir: string | undefined;

async function tempKv(): Promise<{ kv: Deno.Kv; drop(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "gafus-bench-jobs-", dir: baseDir });
  const kv = await Deno.openKv(`${dir}/kv.sqlite3`);
  return {
    kv,
    async drop() {
      kv.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Runs `produce(i)` for i < n with at most `width` in flight. */
async function produce(n: number, width: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function rawRound(n: number, width: number, write = false): Promise<number> {
  const { kv, drop } = await tempKv();
  let handled = 0;
  const all = Promise.withResolvers<void>();
  const listening = kv.listenQueue(async (m: { i: number }) => {
    if (write) await kv.set(["done", m.i], true);
    if (++handled === n) all.resolve();
  });
  const t0 = performance.now();
  // The same options the runtime passes, so the comparison is about the records only.
  await produce(
    n,
    width,
    (i) => kv.enqueue({ i }, { keysIfUndelivered: [["dead", i]], backoffSchedule: [1_000] }),
  );
  await all.promise;
  const perSec = n / ((performance.now() - t0) / 1000);
  await drop();
  await listening.catch(() => {});
  return perSec;
}

/** The no-op job; `starts[i]` = when the handler of payload `i` began. */
function noopJob(starts: Map<number, number>) {
  return defineJob({
    name: "bench-noop",
    queue: "push",
    schema: z.object({ i: z.number() }),
    retry: [],
    handler: (p) => {
      starts.set(p.i, performance.now());
      return Promise.resolve();
    },
  });
}

/** `onMessage`: observes KV's deliveries of the jobs' messages (throws nothing). */
function newRuntime(kv: Deno.Kv, starts: Map<number, number>, onMessage?: () => void) {
  return new JobRuntime({
    kv,
    definitions: [noopJob(starts)],
    services: () => ({}) as Services,
    // As many at once as raw KV delivers (100), so every side runs the same width.
    concurrency: { push: HANDLER_CONCURRENCY },
    faultInjection: onMessage,
  });
}

/** Housekeeping's first pass (nothing parked) done: new jobs may start at once. */
async function settle(rt: JobRuntime) {
  await rt.housekeep();
  await sleep(20);
}

async function jobsRound(
  n: number,
  width: number,
): Promise<{ perSec: number; latencies: number[] }> {
  const { kv, drop } = await tempKv();
  const starts = new Map<number, number>();
  const enqueuedAt = new Map<number, number>();
  const rt = newRuntime(kv, starts);
  rt.start();
  await settle(rt);
  const t0 = performance.now();
  await produce(n, width, async (i) => {
    enqueuedAt.set(i, performance.now());
    await rt.enqueue("bench-noop", { i });
  });
  // Done means the record says done: poll the counter the commits keep.
  while (true) {
    const c = await kv.get<Deno.KvU64>(["jobs_count", "push", "done"]);
    if (c.value && Number(c.value.value) >= n) break;
    await sleep(2);
  }
  const perSec = n / ((performance.now() - t0) / 1000);
  const latencies = [...starts].map(([i, s]) => s - enqueuedAt.get(i)!);
  await rt.stop();
  await drop();
  return { perSec, latencies };
}

async function redisAnswers(): Promise<string | null> {
  const r = new Redis({
    ...REDIS,
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (err) {
    return `Redis is not reachable at ${REDIS.host}:${REDIS.port} (${(err as Error).message})`;
  } finally {
    r.disconnect();
  }
}

interface BullSide {
  add(i: number): Promise<unknown>;
  /** Resolves when `count` jobs in all have completed. */
  completed(count: number): Promise<void>;
  starts: Map<number, number>;
  close(): Promise<void>;
}

/** A BullMQ queue and worker on a fresh queue name (completed jobs are kept, like the runtime's records). */
async function bullSide(): Promise<BullSide> {
  const connection = { ...REDIS, maxRetriesPerRequest: null };
  const name = `gafus-bench-${crypto.randomUUID()}`;
  const queue = new Queue(name, { connection });
  const starts = new Map<number, number>();
  let done = 0;
  const waiting: { count: number; resolve(): void }[] = [];
  const worker = new Worker(name, (job) => {
    starts.set(job.data.i, performance.now());
    return Promise.resolve();
  }, { connection, concurrency: HANDLER_CONCURRENCY });
  worker.on("completed", () => {
    done++;
    for (const w of [...waiting]) {
      if (done >= w.count) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  await worker.waitUntilReady();
  await queue.waitUntilReady();
  return {
    add: (i) => queue.add("bench-noop", { i }),
    completed: (count) =>
      done >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ count, resolve })),
    starts,
    async close() {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

async function bullRound(
  n: number,
  width: number,
): Promise<{ perSec: number; latencies: number[] }> {
  const side = await bullSide();
  const enqueuedAt = new Map<number, number>();
  const t0 = performance.now();
  await produce(n, width, async (i) => {
    enqueuedAt.set(i, performance.now());
    await side.add(i);
  });
  await side.completed(n);
  const perSec = n / ((performance.now() - t0) / 1000);
  const latencies = [...side.starts].map(([i, s]) => s - enqueuedAt.get(i)!);
  await side.close();
  return { perSec, latencies };
}

async function bullIdle(samples: number): Promise<number[]> {
  const side = await bullSide();
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await side.add(i);
    while (!side.starts.has(i)) await sleep(0);
    out.push(side.starts.get(i)! - t0);
    await side.completed(i + 1);
  }
  await side.close();
  return out;
}

async function idleLatency(
  samples: number,
): Promise<{ jobs: number[]; raw: number[]; commit: number[] }> {
  // Raw KV, one message at a time.
  const raw: number[] = [];
  const commit: number[] = [];
  {
    const { kv, drop } = await tempKv();
    let signal: (() => void) | null = null;
    const listening = kv.listenQueue(() => signal?.());
    for (let i = 0; i < samples; i++) {
      const got = new Promise<void>((r) => signal = r);
      const t0 = performance.now();
      await kv.enqueue({ i });
      await got;
      raw.push(performance.now() - t0);
    }
    // What one durable enqueue commit costs on this file system: a record and
    // a message, spaced like the runtime's samples (back to back, a disk's
    // commits come cheaper than after a pause).
    for (let i = 0; i < samples; i++) {
      await sleep(60);
      const t0 = performance.now();
      await kv.atomic().set(["rec", i], { i }).enqueue({ i }, { delay: 3_600_000 }).commit();
      commit.push(performance.now() - t0);
    }
    await drop();
    await listening.catch(() => {});
  }
  // Through the runtime.
  const jobs: number[] = [];
  {
    const { kv, drop } = await tempKv();
    const starts = new Map<number, number>();
    let messages = 0;
    const rt = newRuntime(kv, starts, () => void messages++);
    rt.start();
    await settle(rt);
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await rt.enqueue("bench-noop", { i });
      while (!starts.has(i)) await sleep(0);
      jobs.push(starts.get(i)! - t0);
      await rt.drain();
      // The job's KV message (its safety net) comes ~50 ms later: let it
      // pass, so the next sample starts on an idle runtime again.
      while (messages <= i) await sleep(1);
      await sleep(5);
    }
    await rt.stop();
    await drop();
  }
  return { jobs, raw, commit };
}

export async function benchJobs(opts: JobsBenchOptions = {}): Promise<JobsBenchResult> {
  configureLog({ level: "error" });
  baseDir = opts.dir;
  const n = opts.jobs ?? 3_000;
  const rounds = opts.rounds ?? 3;
  const width = opts.producerConcurrency ?? 50;
  const samples = opts.latencySamples ?? 200;
  const skipped = opts.bullmq === false ? "not asked for" : await redisAnswers();
  // Warm-up (JIT, SQLite, Redis scripts), not counted.
  await rawRound(300, width);
  await jobsRound(300, width);
  if (!skipped) await bullRound(300, width);
  const raw: number[] = [];
  const rawWrite: number[] = [];
  const ours: number[] = [];
  const loaded: number[] = [];
  const bull: number[] = [];
  const bullLoaded: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternating, so drift on a noisy machine hits every side alike.
    raw.push(await rawRound(n, width));
    rawWrite.push(await rawRound(n, width, true));
    const j = await jobsRound(n, width);
    ours.push(j.perSec);
    loaded.push(...j.latencies);
    if (!skipped) {
      const b = await bullRound(n, width);
      bull.push(b.perSec);
      bullLoaded.push(...b.latencies);
    }
  }
  const idle = await idleLatency(samples);
  const bullIdleMs = skipped ? [] : await bullIdle(samples);
  const rawPerSec = median(raw);
  const jobsPerSec = median(ours);
  return {
    dir: opts.dir ?? Deno.env.get("TMPDIR") ?? "/tmp",
    jobs: n,
    rounds,
    width,
    rawPerSec,
    rawWritePerSec: median(rawWrite),
    jobsPerSec,
    ratio: jobsPerSec / rawPerSec,
    idle: { ...latency(idle.jobs), rawP50ms: pct(idle.raw, 50), rawP99ms: pct(idle.raw, 99) },
    commit: latency(idle.commit),
    loaded: latency(loaded),
    bullmq: skipped
      ? { skipped }
      : { perSec: median(bull), idle: latency(bullIdleMs), loaded: latency(bullLoaded) },
  };
}

/** Markdown lines for bench/RESULTS.md. */
export function jobsReport(r: JobsBenchResult): string[] {
  const f = (x: number, d = 0) => Number.isFinite(x) ? x.toFixed(d) : "n/a";
  const pc = (x: number) => `${f(x * 100)} %`;
  const ms = (l: Latency) => `${f(l.p50ms, 2)} ms | ${f(l.p99ms, 2)} ms`;
  const bull = "perSec" in r.bullmq ? r.bullmq : null;
  const vsBull = (x: number) => bull ? pc(x / bull.perSec) : "n/a";
  const lines = [
    `### KV file in ${r.dir}`,
    "",
    `${r.jobs} no-op jobs per round, median of ${r.rounds} rounds (the sides alternate within each ` +
    `round), producer ${r.width} enqueues in flight, handlers ${HANDLER_CONCURRENCY} at once.`,
  ];
  if (!bull) lines.push("", `BullMQ skipped: ${(r.bullmq as { skipped: string }).skipped}.`);
  lines.push(
    "",
    "| scenario | jobs/s | vs BullMQ | vs raw KV | target |",
    "|---|---:|---:|---:|---|",
  );
  if (bull) {
    lines.push(
      `| BullMQ ${BULLMQ_VERSION} on local Redis (peer baseline) | ${f(bull.perSec)} | 100 % | ${
        pc(bull.perSec / r.rawPerSec)
      } | |`,
    );
  }
  lines.push(
    `| raw \`kv.enqueue\` + \`listenQueue\` | ${f(r.rawPerSec)} | ${
      vsBull(r.rawPerSec)
    } | 100 % | |`,
    `| raw, handler writes one key before returning | ${f(r.rawWritePerSec)} | ${
      vsBull(r.rawWritePerSec)
    } | ${pc(r.rawWritePerSec / r.rawPerSec)} | (reference) |`,
    `| runtime: enqueue → handler → record done | ${f(r.jobsPerSec)} | ${vsBull(r.jobsPerSec)} | ${
      pc(r.ratio)
    } | ≥ 50 % of BullMQ |`,
    "",
    "| enqueue → handler start | p50 | p99 | target |",
    "|---|---:|---:|---|",
    `| raw KV, idle, one at a time (KV's own delivery) | ${
      ms({ p50ms: r.idle.rawP50ms, p99ms: r.idle.rawP99ms })
    } | |`,
    `| one KV commit (record + message) on an idle file: the floor for a durable enqueue | ${
      ms(r.commit)
    } | |`,
    `| runtime, idle, one at a time | ${ms(r.idle)} | p50 ≤ 2 ms |`,
  );
  if (bull) lines.push(`| BullMQ, idle, one at a time | ${ms(bull.idle)} | |`);
  lines.push(
    `| runtime, burst of ${r.jobs} enqueued at once (includes time spent queued) | ${
      ms(r.loaded)
    } | |`,
  );
  if (bull) {
    lines.push(
      `| BullMQ, burst of ${r.jobs} enqueued at once (includes time spent queued) | ${
        ms(bull.loaded)
      } | |`,
    );
  }
  return lines;
}

if (import.meta.main) {
  const lines = ["## Jobs (Deno KV queue)", ""];
  // tmpfs: the runtime's own cost. Disk: what fsync allows on this machine.
  const shm = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
  if (shm) lines.push(...jobsReport(await benchJobs({ dir: "/dev/shm" })), "");
  lines.push(...jobsReport(await benchJobs({ dir: "/tmp", jobs: 2_000, latencySamples: 100 })));
  console.log(lines.join("\n"));
  Deno.exit(0);
}
