/**
 * A job runtime on `Deno.openKv(":memory:")` with the test's own job types,
 * no cron, no database unless given, and a clock the test may move.
 */
import { JobRuntime, type RuntimeOptions } from "@/queues/runtime.ts";
import type { ResolvedJob } from "@/queues/define.ts";
import type { Services } from "@/core/services.ts";
import { configureLog } from "@/platform/log.ts";

export class ManualClock {
  constructor(public ms = Date.now()) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

export interface TestRuntime {
  kv: Deno.Kv;
  rt: JobRuntime;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function openRuntime(
  definitions: readonly ResolvedJob[],
  opts: Partial<Omit<RuntimeOptions, "kv" | "definitions">> & { kv?: Deno.Kv; start?: boolean } =
    {},
): Promise<TestRuntime> {
  configureLog({ level: "error" });
  const kv = opts.kv ?? await Deno.openKv(":memory:");
  const rt = new JobRuntime({
    services: () => ({}) as Services,
    housekeepingMs: 60_000,
    ...opts,
    kv,
    definitions,
  });
  if (opts.start !== false) rt.start();
  return {
    kv,
    rt,
    async [Symbol.asyncDispose]() {
      await rt.stop({ graceMs: 2_000 });
      if (!opts.kv) kv.close();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` is true (or throws after `ms`). */
export async function until(fn: () => boolean | Promise<boolean>, ms = 5_000, what = "condition") {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Counts index entries and counters so tests can check they agree. */
export async function indexCounts(kv: Deno.Kv): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const e of kv.list({ prefix: ["jobs_idx"] })) {
    const k = `${String(e.key[1])}/${String(e.key[2])}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export async function counterValues(kv: Deno.Kv): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const e of kv.list<Deno.KvU64>({ prefix: ["jobs_count"] })) {
    const v = Number(e.value.value);
    if (v) out[`${String(e.key[1])}/${String(e.key[2])}`] = v;
  }
  return out;
}
