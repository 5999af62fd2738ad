/**
 * Jobs benchmark: end-to-end jobs per second through the runtime (enqueue →
 * handler → record `done`, with shadow records, index and counters) beside
 * raw `kv.enqueue` + `listenQueue` with nothing else, in the same run, on KV
 * files like production. Plus the time from enqueue to handler start for a
 * job without delay (one at a time on an idle queue, and under the load of
 * the throughput run).
 *
 * `benchJobs()` returns the figures (bench/run.ts prints them); run alone:
 * `deno run -A --unstable-kv bench/jobs.ts`.
 */
import { z } from "zod";
import { defineJob } from "@/queues/define.ts";
import { JobRuntime } from "@/queues/runtime.ts";
import type { Services } from "@/core/services.ts";
import { configureLog } from "@/platform/log.ts";

export interface JobsBenchResult {
  /** Where the KV files were. */
  dir: string;
  jobs: number;
  rounds: number;
  /** Median over rounds. */
  rawPerSec: number;
  /** Raw KV whose handler writes one small key before it returns (the least any record costs). */
  rawWritePerSec: number;
  jobsPerSec: number;
  /** jobsPerSec / rawPerSec (target ≥ 0.6). */
  ratio: number;
  /** Enqueue → handler start, one job at a time on an idle queue. */
  idle: { p50ms: number; p99ms: number; rawP50ms: number; rawP99ms: number };
  /** Enqueue → handler start during the throughput run (includes queueing). */
  loaded: { p50ms: number; p99ms: number };
}

export interface JobsBenchOptions {
  jobs?: number;
  rounds?: number;
  latencySamples?: number;
  /** Enqueues in flight at once from the producer. */
  producerConcurrency?: number;
  /**
   * Where the KV files go (default: the system temp dir). On a disk whose
   * fsync is slow, both sides are bound by fsync, not by the runtime; a
   * tmpfs (/dev/shm) shows the runtime's own cost.
   */
  dir?: string;
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

function noopJob(starts: Map<string, number>) {
  return defineJob({
    name: "bench-noop",
    queue: "push",
    schema: z.object({ i: z.number() }),
    retry: [],
    handler: (_p, ctx) => {
      starts.set(ctx.job.id, performance.now());
      return Promise.resolve();
    },
  });
}

async function jobsRound(
  n: number,
  width: number,
): Promise<{ perSec: number; latencies: number[] }> {
  const { kv, drop } = await tempKv();
  const starts = new Map<string, number>();
  const enqueuedAt = new Map<string, number>();
  const rt = new JobRuntime({
    kv,
    definitions: [noopJob(starts)],
    services: () => ({}) as Services,
    // As many at once as raw KV delivers (100), so both sides run the same width.
    concurrency: { push: 100 },
  });
  rt.start();
  await sleep(50); // listener up
  const t0 = performance.now();
  await produce(n, width, async (i) => {
    const at = performance.now();
    const id = await rt.enqueue("bench-noop", { i });
    enqueuedAt.set(id, at);
  });
  // Done means the record says done: poll the counter the commits keep.
  while (true) {
    const c = await kv.get<Deno.KvU64>(["jobs_count", "push", "done"]);
    if (c.value && Number(c.value.value) >= n) break;
    await sleep(2);
  }
  const perSec = n / ((performance.now() - t0) / 1000);
  const latencies = [...starts].map(([id, s]) => s - (enqueuedAt.get(id) ?? s));
  await rt.stop();
  await drop();
  return { perSec, latencies };
}

async function idleLatency(samples: number): Promise<{ jobs: number[]; raw: number[] }> {
  // Raw KV, one message at a time.
  const raw: number[] = [];
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
    await drop();
    await listening.catch(() => {});
  }
  // Through the runtime.
  const jobs: number[] = [];
  {
    const { kv, drop } = await tempKv();
    const starts = new Map<string, number>();
    const rt = new JobRuntime({
      kv,
      definitions: [noopJob(starts)],
      services: () => ({}) as Services,
    });
    rt.start();
    await sleep(50);
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      const id = await rt.enqueue("bench-noop", { i });
      while (!starts.has(id)) await sleep(0);
      jobs.push(starts.get(id)! - t0);
      await rt.drain();
    }
    await rt.stop();
    await drop();
  }
  return { jobs, raw };
}

export async function benchJobs(opts: JobsBenchOptions = {}): Promise<JobsBenchResult> {
  configureLog({ level: "error" });
  baseDir = opts.dir;
  const n = opts.jobs ?? 3_000;
  const rounds = opts.rounds ?? 3;
  const width = opts.producerConcurrency ?? 50;
  // Warm-up (JIT, SQLite), not counted.
  await rawRound(300, width);
  await jobsRound(300, width);
  const raw: number[] = [];
  const rawWrite: number[] = [];
  const ours: number[] = [];
  const loaded: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternating, so drift on a noisy machine hits both sides alike.
    raw.push(await rawRound(n, width));
    rawWrite.push(await rawRound(n, width, true));
    const j = await jobsRound(n, width);
    ours.push(j.perSec);
    loaded.push(...j.latencies);
  }
  const idle = await idleLatency(opts.latencySamples ?? 200);
  const rawPerSec = median(raw);
  const jobsPerSec = median(ours);
  return {
    dir: opts.dir ?? Deno.env.get("TMPDIR") ?? "/tmp",
    jobs: n,
    rounds,
    rawPerSec,
    rawWritePerSec: median(rawWrite),
    jobsPerSec,
    ratio: jobsPerSec / rawPerSec,
    idle: {
      p50ms: pct(idle.jobs, 50),
      p99ms: pct(idle.jobs, 99),
      rawP50ms: pct(idle.raw, 50),
      rawP99ms: pct(idle.raw, 99),
    },
    loaded: { p50ms: pct(loaded, 50), p99ms: pct(loaded, 99) },
  };
}

/** Markdown lines for bench/RESULTS.md. */
export function jobsReport(r: JobsBenchResult): string[] {
  const f = (x: number, d = 0) => x.toFixed(d);
  return [
    `### KV file in ${r.dir}`,
    "",
    `${r.jobs} no-op jobs per round, median of ${r.rounds} rounds, producer 50 enqueues in flight.`,
    "",
    "| scenario | jobs/s | vs raw | target |",
    "|---|---:|---:|---|",
    `| raw \`kv.enqueue\` + \`listenQueue\` (baseline) | ${f(r.rawPerSec)} | 100 % | |`,
    `| raw, handler writes one key before returning | ${f(r.rawWritePerSec)} | ${
      f((r.rawWritePerSec / r.rawPerSec) * 100)
    } % | (reference) |`,
    `| runtime: enqueue → handler → record done | ${f(r.jobsPerSec)} | ${
      f(r.ratio * 100)
    } % | ≥ 60 % |`,
    "",
    "| enqueue → handler start | p50 | p99 |",
    "|---|---:|---:|",
    `| raw KV, idle, one at a time | ${f(r.idle.rawP50ms, 1)} ms | ${f(r.idle.rawP99ms, 1)} ms |`,
    `| runtime, idle, one at a time | ${f(r.idle.p50ms, 1)} ms | ${f(r.idle.p99ms, 1)} ms |`,
    `| runtime, burst of ${r.jobs} enqueued at once (mostly time spent queued) | ${
      f(r.loaded.p50ms, 1)
    } ms | ${f(r.loaded.p99ms, 1)} ms |`,
  ];
}

if (import.meta.main) {
  const lines = ["## Jobs (Deno KV queue)", ""];
  // tmpfs: the runtime's own cost. Disk: what fsync allows on this machine.
  const shm = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
  if (shm) lines.push(...jobsReport(await benchJobs({ dir: "/dev/shm" })), "");
  lines.push(...jobsReport(await benchJobs({ jobs: 300, rounds: 3, latencySamples: 50 })));
  console.log(lines.join("\n"));
}
