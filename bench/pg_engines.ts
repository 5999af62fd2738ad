/**
 * Measures the two PostgreSQL job engines we considered for JOBS_BACKEND=postgres
 * (docs/jobs-on-postgres.md): graphile-worker and pg-boss, on the same server,
 * same job shape (a no-op handler), jobs enqueued from OUR connection
 * (postgres.js, as the app would inside its transactions).
 *
 * - latency: idle worker, one job at a time, enqueue call → handler start (p50/p99);
 * - end to end: 2,000 no-op jobs enqueued 50 at a time in parallel (each its own
 *   commit) while the worker runs with 10 slots, first enqueue → last handler end;
 * - drain: 2,000 jobs committed in one transaction while the handlers are held,
 *   then released: how fast the worker alone takes and completes them (jobs/s).
 *
 * Not part of `deno task bench` (each engine installs its own schema into a fresh
 * database). Run: `deno run -A bench/pg_engines.ts` (BENCH_DATABASE_URL names the
 * server; default postgres://postgres@127.0.0.1:5432/postgres).
 */
import postgres from "postgres";
import { run as runGraphile, runMigrations } from "graphile-worker";
import { PgBoss } from "pg-boss";
import { z } from "zod";
import { Kysely } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import type { Database } from "@/db/schema.ts";
import { postgresOptions } from "@/db/connection.ts";
import { migrateToLatest } from "@/db/migrate.ts";
import { defineJob } from "@/queues/define.ts";
import { PgJobRuntime } from "@/queues/pg/runtime.ts";
import type { Services } from "@/core/services.ts";
import { configureLog } from "@/platform/log.ts";

const SERVER = Deno.env.get("BENCH_DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";
const LATENCY_SAMPLES = Number(Deno.env.get("BENCH_SAMPLES") ?? 200);
const THROUGHPUT_JOBS = Number(Deno.env.get("BENCH_JOBS") ?? 2_000);
const CONCURRENCY = 10;

interface Engine {
  name: string;
  /** Enqueues one job from our own postgres.js connection. */
  enqueue(sql: postgres.Sql, payload: { i: number }): Promise<void>;
  start(onJob: (p: { i: number }) => Promise<void> | void): Promise<void>;
  stop(): Promise<void>;
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
  const name = `gafus_engbench_${crypto.randomUUID().slice(0, 8)}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      // Without FORCE: an engine's pool still open would get an unhandled error.
      for (let i = 0; i < 50; i++) {
        try {
          await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      await admin.end();
    },
  };
}

function graphile(url: string): Engine {
  let runner: Awaited<ReturnType<typeof runGraphile>> | undefined;
  return {
    name: "graphile-worker 0.18.0",
    async enqueue(sql, payload) {
      await sql`SELECT graphile_worker.add_job(${"noop"}::text, ${sql.json(payload)}::json)`;
    },
    async start(onJob) {
      await runMigrations({ connectionString: url, logger: quietGraphileLogger() });
      runner = await runGraphile({
        connectionString: url,
        concurrency: CONCURRENCY,
        maxPoolSize: CONCURRENCY + 2,
        noHandleSignals: true,
        pollInterval: 2_000,
        logger: quietGraphileLogger(),
        taskList: { noop: async (p) => await onJob(p as { i: number }) },
      });
    },
    async stop() {
      await runner?.stop();
    },
  };
}

function pgBoss(url: string): Engine {
  const boss = new PgBoss({ connectionString: url, useListenNotify: true });
  boss.on("error", (err) => console.error("pg-boss:", err));
  return {
    name: "pg-boss 12.38.1",
    async enqueue(sql, payload) {
      // pg-boss's `db` option runs its INSERT on the caller's executor (here postgres.js).
      await boss.send("noop", payload, {
        db: {
          executeSql: (text, values) =>
            sql.unsafe(text, values as never[]).then((rows) => ({ rows })),
        },
      });
    },
    async start(onJob) {
      await boss.start();
      await boss.createQueue("noop", { notify: true });
      await boss.work<{ i: number }>(
        "noop",
        {
          localConcurrency: CONCURRENCY,
          pollingIntervalSeconds: 0.5,
          notifyPollingIntervalSeconds: 0.5,
        },
        async (jobs) => {
          for (const j of jobs) await onJob(j.data);
        },
      );
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 5_000 });
    },
  };
}

/**
 * Our runtime on the chosen engine (queues/pg/): record + message in one
 * transaction, record written active and done around the handler.
 */
function gafus(url: string): Engine {
  let rt: PgJobRuntime | undefined;
  let db: Kysely<Database> | undefined;
  return {
    name: "gafus queues/pg (on graphile-worker)",
    async enqueue(sql, payload) {
      // Through kysely on the app's own postgres.js options, as the app enqueues.
      void sql;
      await rt!.enqueueUnchecked("noop", payload);
    },
    async start(onJob) {
      configureLog({ level: "error" });
      db = new Kysely<Database>({
        dialect: new PostgresJSDialect({ postgres: postgres(url, postgresOptions(10)) }),
      });
      await migrateToLatest(db, { log: false });
      const noop = defineJob({
        name: "noop",
        queue: "push",
        schema: z.object({ i: z.number() }),
        handler: async (p) => await onJob(p),
      });
      rt = new PgJobRuntime({
        db,
        connectionString: url,
        definitions: [noop],
        services: () => ({ db }) as Services,
        concurrency: { push: CONCURRENCY },
      });
      rt.start();
      await rt.drain();
    },
    async stop() {
      await rt?.stop();
      await db?.destroy();
    },
  };
}

function quietGraphileLogger() {
  // graphile-worker logs every job at info; keep errors only.
  return new GraphileLogger();
}

import { Logger as GraphileLogger0 } from "graphile-worker";
class GraphileLogger extends GraphileLogger0 {
  constructor() {
    super(() => (level: string, message: string) => {
      if (level === "error") console.error("graphile-worker:", message);
    });
  }
}

async function until(fn: () => boolean, ms: number) {
  const end = performance.now() + ms;
  while (!fn()) {
    if (performance.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 1));
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function measure(make: (url: string) => Engine) {
  const db = await freshDatabase();
  const engine = make(db.url);
  const sql = postgres(db.url, { max: 10, onnotice: () => {} });
  const waiters = new Map<number, (t: number) => void>();
  let handled = 0;
  let gate: Promise<void> | null = null;
  try {
    await engine.start(async (p) => {
      if (gate) await gate;
      handled++;
      waiters.get(p.i)?.(performance.now());
    });
    // Warm-up: connections, prepared statements.
    for (let i = 0; i < 20; i++) {
      const got = new Promise<number>((r) => waiters.set(-1 - i, r));
      await engine.enqueue(sql, { i: -1 - i });
      await got;
    }
    const lat: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      await new Promise((r) => setTimeout(r, 20)); // idle between samples
      const got = new Promise<number>((r) => waiters.set(i, r));
      const t0 = performance.now();
      await engine.enqueue(sql, { i });
      lat.push((await got) - t0);
      waiters.delete(i);
    }
    handled = 0;
    const done = Promise.withResolvers<void>();
    const base = 1_000_000;
    waiters.clear();
    const timer = setInterval(() => {
      if (handled >= THROUGHPUT_JOBS) done.resolve();
    }, 1);
    const t0 = performance.now();
    for (let i = 0; i < THROUGHPUT_JOBS; i += 50) {
      await Promise.all(
        Array.from(
          { length: Math.min(50, THROUGHPUT_JOBS - i) },
          (_, k) => engine.enqueue(sql, { i: base + i + k }),
        ),
      );
    }
    const enqMs = performance.now() - t0;
    await Promise.race([
      done.promise,
      new Promise((_, rej) => setTimeout(() => rej(new Error("throughput timed out")), 120_000)),
    ]);
    clearInterval(timer);
    const totalMs = performance.now() - t0;
    // Drain: hold the handlers, commit every job in one transaction, release.
    handled = 0;
    const open = Promise.withResolvers<void>();
    gate = open.promise;
    await sql.begin(async (tx) => {
      for (let i = 0; i < THROUGHPUT_JOBS; i++) {
        await engine.enqueue(tx as never, { i: 2 * base + i });
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const t1 = performance.now();
    open.resolve();
    await until(() => handled >= THROUGHPUT_JOBS, 120_000);
    const drainMs = performance.now() - t1;
    gate = null;
    return {
      engine: engine.name,
      p50: pct(lat, 50),
      p99: pct(lat, 99),
      enqueuePerSec: THROUGHPUT_JOBS / (enqMs / 1000),
      jobsPerSec: THROUGHPUT_JOBS / (totalMs / 1000),
      drainPerSec: THROUGHPUT_JOBS / (drainMs / 1000),
    };
  } finally {
    await engine.stop().catch((e) => console.error(e));
    await sql.end();
    await db.drop();
  }
}

if (import.meta.main) {
  const rows = [];
  for (const make of [graphile, pgBoss, gafus]) {
    rows.push(await measure(make));
    console.error(rows.at(-1));
  }
  console.log(
    `| engine | enqueue→start p50 | p99 | end to end jobs/s (50 enqueues in flight) | drain jobs/s (10 slots) |`,
  );
  console.log(`|---|---|---|---|---|`);
  for (const r of rows) {
    console.log(
      `| ${r.engine} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${
        Math.round(r.jobsPerSec)
      } | ${Math.round(r.drainPerSec)} |`,
    );
  }
}
