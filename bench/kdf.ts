/**
 * The bare cost of the password KDF, with no HTTP around it: how many
 * `hashPassword` / `verifyPassword` calls per second the process completes
 * with 32 callers at once (wrk's 32 connections), and their p50/p99. A login
 * POST can never be faster than `verify`; comparing the two shows what HTTP,
 * the session and the database add on top.
 *
 * Results have the `LoadResult` shape of bench/lib.ts, so `row()` formats
 * them next to the login load test. Run alone:
 *   deno run -A bench/kdf.ts [--seconds 5] [--concurrency 32]
 */
import { parseArgs } from "node:util";
import { hashPassword, verifyPassword } from "@/core/auth/password.ts";
import type { LoadResult } from "./lib.ts";

export interface KdfOptions {
  /** Callers running at the same time (default 32, as wrk's connections). */
  concurrency?: number;
  /** Measuring time per operation (default 5 s), after a short warm-up. */
  seconds?: number;
}

export interface KdfResults {
  hash: LoadResult;
  verify: LoadResult;
  concurrency: number;
  /** libuv threads doing the scrypt work (node:crypto runs it off the main thread). */
  threadPool: number;
  cpus: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `concurrency` loops calling `op` back to back until `seconds` pass. */
async function measure(
  name: string,
  op: () => Promise<unknown>,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await op();
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    rps: latencies.length / elapsed,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
    errors,
    tool: `in-process, ${concurrency} concurrent callers`,
  };
}

export async function benchKdf(opts: KdfOptions = {}): Promise<KdfResults> {
  const concurrency = opts.concurrency ?? 32;
  const seconds = opts.seconds ?? 5;
  const password = "Secret123";
  const stored = await hashPassword(password);
  // Warm-up: the thread pool starts and the first allocations are made.
  await Promise.all(Array.from({ length: 4 }, () => verifyPassword(password, stored)));
  const hash = await measure(
    "KDF hashPassword",
    () => hashPassword(password),
    concurrency,
    seconds,
  );
  const verify = await measure(
    "KDF verifyPassword",
    async () => {
      if (!await verifyPassword(password, stored)) throw new Error("verify failed");
    },
    concurrency,
    seconds,
  );
  return {
    hash,
    verify,
    concurrency,
    threadPool: Number(Deno.env.get("UV_THREADPOOL_SIZE") ?? 4),
    cpus: navigator.hardwareConcurrency,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { seconds: { type: "string" }, concurrency: { type: "string" } },
  });
  const r = await benchKdf({
    seconds: values.seconds ? Number(values.seconds) : undefined,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
  });
  console.log(
    `${r.cpus} CPUs, libuv pool ${r.threadPool}, ${r.concurrency} concurrent callers`,
  );
  for (const x of [r.hash, r.verify]) {
    console.log(
      `${x.name.padEnd(20)} ${x.rps.toFixed(1).padStart(7)} calls/s  p50 ${
        x.p50ms.toFixed(1)
      } ms  p99 ${x.p99ms.toFixed(1)} ms  errors ${x.errors}`,
    );
  }
}
