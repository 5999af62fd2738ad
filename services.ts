/**
 * Opening the services (core/services.ts describes them): the database with
 * its migrations, Deno KV, file storage, the cache and the job runtime, and
 * closing them in order. It sits above core/ and queues/ (beside server.ts)
 * because the job runtime runs core/ code: core/ sees only the `Services`
 * and `Jobs` types. Called by server.ts, the CLI, benchmarks and tests.
 */
import type { Config } from "./platform/config.ts";
import { type DbHandle, openDatabase } from "./db/connection.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { log } from "./platform/log.ts";
import { Cache } from "./platform/cache.ts";
import { settleErrorReports } from "./core/error_tracking.ts";
import { openStorage, type Storage } from "./core/storage/mod.ts";
import { closeMailer } from "./core/email/deliver.ts";
import type { Services } from "./core/services.ts";
import { createJobs } from "./queues/mod.ts";
import type { SharedKv } from "./platform/shared_kv.ts";
import { PgSharedKv } from "./db/shared_kv.ts";
import { shareCacheInvalidations } from "./db/cache_bus.ts";
import { createPgJobs } from "./queues/pg/mod.ts";

export interface OpenOptions {
  /** Run migrations (default true). */
  migrate?: boolean;
  /** PGlite in memory and KV in memory (tests). */
  memory?: boolean;
  /** An already open database (tests: a fresh database per test file). */
  handle?: DbHandle;
}

export async function openServices(config: Config, opts: OpenOptions = {}): Promise<Services> {
  const t0 = performance.now();
  const handle = opts.handle ?? await openDatabase(config, { memory: opts.memory });
  try {
    if (opts.migrate !== false) {
      await migrateToLatest(handle.db);
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (!opts.memory) await Deno.mkdir(config.dataDir, { recursive: true });
  let kv: Deno.Kv | undefined;
  let storage: Storage | undefined;
  const cache = new Cache();
  // Several instances: caches drop what another instance changed (no-op on PGlite).
  let stopCacheBus = () => Promise.resolve();
  try {
    storage = await openStorage(config);
    kv = await Deno.openKv(opts.memory ? ":memory:" : config.kvPath);
    if (config.jobsBackend === "postgres") {
      stopCacheBus = await shareCacheInvalidations(handle, cache);
    }
  } catch (err) {
    kv?.close();
    await storage?.close();
    await handle.close();
    throw err;
  }
  // Several instances share rate limits, revocations and claims through the database;
  // the job runtime keeps the local KV file (its own engine decides what it uses).
  const shared: SharedKv = config.jobsBackend === "postgres" ? new PgSharedKv(handle.db) : kv;
  log.info("services ready", {
    database: handle.kind,
    kv: opts.memory ? ":memory:" : config.kvPath,
    sharedKv: config.jobsBackend === "postgres" ? "postgres" : "kv",
    storage: storage.kind,
    ms: Math.round(performance.now() - t0),
  });
  let closed = false;
  const services: Services = {
    config,
    db: handle.db,
    dbKind: handle.kind,
    kv: shared,
    cache,
    storage,
    // Handlers receive this very object; the runtime reads it lazily. With
    // JOBS_BACKEND=postgres every instance on the database shares the jobs.
    jobs: config.jobsBackend === "postgres" && config.databaseUrl
      ? createPgJobs(handle.db, config.databaseUrl, () => services, {
        concurrency: { "video-transcoding": config.video.transcodeConcurrency },
      })
      : createJobs(kv, () => services, {
        concurrency: { "video-transcoding": config.video.transcodeConcurrency },
      }),
    startedAt: new Date(),
    pingDb: () => handle.ping(),
    async close() {
      if (closed) return;
      closed = true;
      await settleErrorReports();
      // Running handlers finish (or are abandoned to KV redelivery) before KV closes.
      await services.jobs.stop().catch((err) => log.error("stopping jobs failed", { err }));
      // After the jobs: a running email job may still be using the SMTP pool.
      closeMailer(services);
      try {
        if (shared !== kv) shared.close();
        kv.close();
      } catch {
        // Already closed (e.g. by a test simulating an outage).
      }
      await storage.close();
      await stopCacheBus().catch((err) => log.warn("stopping the cache bus failed", { err }));
      await handle.close();
    },
  };
  return services;
}
