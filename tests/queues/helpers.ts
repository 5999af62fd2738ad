/**
 * A job runtime on `Deno.openKv(":memory:")` with the test's own job types,
 * no cron, no database unless given, and a clock the test may move; and the
 * same on either backend (`openBackend`, `backendTest`: KV always, PostgreSQL
 * when DATABASE_URL is set).
 */
import { JobRuntime, type RuntimeOptions } from "@/queues/runtime.ts";
import { defineJob, type ResolvedJob } from "@/queues/define.ts";
import { z } from "zod";
import type { Services } from "@/core/services.ts";
import { configureLog } from "@/platform/log.ts";
import type { QueueName } from "@/queues/define.ts";
import type { Jobs, UntypedJobMap } from "@/queues/types.ts";
import { PgJobRuntime } from "@/queues/pg/runtime.ts";
import type { DbHandle } from "@/db/connection.ts";
import { databaseUrlOf, openTestDb, testDatabaseUrl } from "../helpers/db.ts";

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

// ------------------------------------------------------------ both backends

/** The job backends a test can run on: KV always, PostgreSQL when DATABASE_URL is set. */
export type Backend = "kv" | "postgres";
export const BACKENDS: Backend[] = testDatabaseUrl() ? ["kv", "postgres"] : ["kv"];

/** What the backend-generic tests use of a runtime (both implement it). */
export type AnyRuntime = Jobs<UntypedJobMap> & {
  housekeep(): Promise<{ pruned: number }>;
};

export interface BackendRuntime {
  backend: Backend;
  rt: AnyRuntime;
  /** KV backend only: its KV (for KV-only assertions). */
  kv?: Deno.Kv;
  /** PostgreSQL backend only: the database the jobs live in. */
  db?: DbHandle;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface BackendOptions {
  services?: () => Services;
  clock?: ManualClock;
  concurrency?: Partial<Record<QueueName, number>>;
  heartbeatMs?: number;
  stalledAfterMs?: number;
  housekeepingMs?: number;
  doneRetentionDays?: number;
  failedRetentionDays?: number;
  start?: boolean;
  /** KV: share this KV (another runtime on the same store). */
  kv?: Deno.Kv;
  /** KV only (PostgreSQL writes a job active as it starts). */
  activeAfterMs?: number;
  /** PostgreSQL: use this (already migrated) database; default a fresh one. */
  db?: DbHandle;
}

/** The PostgreSQL URL of an open test database (its own name on the test server). */
export const urlOf = databaseUrlOf;

/** A runtime of the backend with the test's job types (like `openRuntime`). */
export async function openBackend(
  backend: Backend,
  definitions: readonly ResolvedJob[],
  opts: BackendOptions = {},
): Promise<BackendRuntime> {
  if (backend === "kv") {
    const t = await openRuntime(definitions, opts);
    return { backend, rt: t.rt, kv: t.kv, [Symbol.asyncDispose]: () => t[Symbol.asyncDispose]() };
  }
  configureLog({ level: "error" });
  const own = opts.db ? null : await openTestDb({ kind: "postgres" });
  const db = (opts.db ?? own)!;
  const rt = new PgJobRuntime({
    housekeepingMs: 60_000,
    ...opts,
    services: opts.services ?? (() => ({ db: db.db }) as Services),
    db: db.db,
    connectionString: await urlOf(db),
    definitions,
    // Tests: delayed jobs are found soon (each idle worker polls this often).
    pollMs: 100,
  });
  if (opts.start !== false) rt.start();
  return {
    backend,
    rt,
    db,
    async [Symbol.asyncDispose]() {
      await rt.stop({ graceMs: 2_000 });
      await own?.[Symbol.asyncDispose]();
    },
  };
}

/** Registers the test once per backend, named with it. */
export function backendTest(
  name: string,
  fn: (backend: Backend) => Promise<void>,
  opts: { ignore?: boolean } = {},
) {
  for (const b of BACKENDS) {
    Deno.test({ name: `${name} [${b}]`, ignore: opts.ignore, fn: () => fn(b) });
  }
}

/**
 * Runs a child script (tests/queues/*_child.ts) until its stdout matches
 * `marker`, then kills it with SIGKILL: a process dying mid-job.
 */
export async function killWhenSeen(
  script: string,
  env: Record<string, string>,
  marker: RegExp,
): Promise<RegExpExecArray> {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", script],
    env: { ...Deno.env.toObject(), ...env },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let m: RegExpExecArray | null = null;
  while (!(m = marker.exec(out))) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`child ended: ${out}`);
    out += value;
  }
  proc.kill("SIGKILL");
  await proc.status;
  reader.releaseLock();
  return m;
}

/** The children's job `hang`, here done at once, recording when each run started. */
export function recordingHang(): { job: ResolvedJob; runs: number[] } {
  const runs: number[] = [];
  const job = defineJob({
    name: "hang",
    queue: "maintenance",
    schema: z.object({}),
    retry: [],
    handler() {
      runs.push(Date.now());
      return Promise.resolve();
    },
  });
  return { job, runs };
}
