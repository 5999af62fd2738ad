/**
 * Starting the web server: configuration, services (database, KV), the app
 * built from the manifest, `Deno.serve`, and a clean shutdown on SIGINT or
 * SIGTERM (stop accepting, finish requests, close the database).
 */
import manifest from "./fresh.gen.ts";
import freshConfig from "./fresh.config.ts";
import { type CachedPage, createApp, type FreshApp, type Manifest } from "./framework/mod.ts";
import type { Config } from "./platform/config.ts";
import type { Services } from "./core/services.ts";
import { openServices } from "./services.ts";
import { flushLog, log } from "./platform/log.ts";
import { settleResetRequests } from "./core/auth/password_reset.ts";
import { acquireLock, DataDirBusyError, updateLock } from "./platform/instance_lock.ts";
import { type AdminChannel, startAdminChannel } from "./cli/channel.ts";
import { runAdmin } from "./cli/admin.ts";
import { seedDemo } from "./core/demo/seed.ts";
import type { State } from "./define.ts";
import { mapError, reportUnexpected } from "./http/errors.ts";
import { apiDocument } from "./http/openapi_document.ts";
import { startCron } from "./queues/cron.ts";
import { startBot } from "./bot/runtime.ts";
import { settleWebhookUpdates } from "./bot/webhook.ts";

/** Rendered pages for anonymous visitors live this long unless content changes first. */
const PAGE_TTL_MS = 60_000;

/**
 * What a request's state starts as. A class rather than an object literal:
 * V8 may start allocating a literal's objects straight in the old generation
 * (allocation-site pretenuring) once enough of them outlive a young-generation
 * GC, and an old state object keeps everything a request hangs on it (the CSRF
 * closure, and through it the request and response) alive until the next full
 * GC. Measured under load on /health: about 4 MB promoted per scavenge with
 * a literal, about 1 MB with the class. Every field is declared here so all
 * states share one shape.
 */
class RequestState implements Partial<State> {
  user: State["user"] = null;
  requestId?: string = undefined;
  locale?: State["locale"] = undefined;
  t?: State["t"] = undefined;
  token?: State["token"] = undefined;
  csrf?: State["csrf"] = undefined;
  unreadNotifications?: number = undefined;
  pendingExams?: number = undefined;
  constructor(readonly services: Services, readonly openApi: State["openApi"]) {}
}

/**
 * The web app for a set of services (tests call this with an in-memory
 * database, and may add routes of their own, e.g. ones that throw).
 */
export async function buildApp(
  services: Services,
  extraRoutes: Manifest["routes"] = {},
): Promise<FreshApp> {
  const full: Manifest = { ...manifest, routes: { ...manifest.routes, ...extraRoutes } };
  // The OpenAPI document of the routes this app serves, built on first use.
  const openApi = apiDocument(full, services.config);
  return await createApp(full, {
    config: freshConfig,
    initState: () => new RequestState(services, openApi),
    mapError,
    pageCache: {
      get: (key) => services.cache.peek<CachedPage>(`page:${key}`),
      set: (key, html, tags) =>
        services.cache.put(`page:${key}`, html, { ttlMs: PAGE_TTL_MS, tags }),
    },
    // The mapper reports what it did not expect; this catches an error page that failed.
    onError: reportUnexpected,
  });
}

/** A database without users is a first start: only then is demo data added by itself. */
async function isEmpty(s: Services): Promise<boolean> {
  const row = await s.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

export interface RunningServer {
  services: Services;
  app: FreshApp;
  server: Deno.HttpServer<Deno.NetAddr>;
  port: number;
  shutdown(): Promise<void>;
}

export async function startServer(
  config: Config,
  opts: {
    signals?: boolean;
    /** Run jobs and cron here (default true). */
    jobs?: boolean;
    /** Accept `gafus admin …` commands on 127.0.0.1 (default true). */
    adminChannel?: boolean;
  } = {},
): Promise<RunningServer> {
  // The lock tells the CLI where this server's admin channel is. PGlite serves
  // one process, so there it is exclusive; PostgreSQL servers may share a
  // DATA_DIR, and a second one runs without a channel.
  const release = await acquireLock(config.dataDir, { kind: "server", port: config.port })
    .catch((err) => {
      if (!(config.databaseUrl && err instanceof DataDirBusyError)) throw err;
      log.warn("another server holds DATA_DIR: no admin channel here", { pid: err.holder.pid });
      return null;
    });
  let services: Services;
  try {
    services = await openServices(config);
  } catch (err) {
    await release?.();
    throw err;
  }
  if (config.autoSeed && await isEmpty(services)) {
    const seeded = await seedDemo(services.db, { print: (line) => console.log(line) });
    if (seeded.created) log.info("demo data created on first start");
  }
  const app = await buildApp(services);
  // Jobs and schedules run in the web process (one node); they start before
  // serving so a request that enqueues finds the listener up.
  const runJobs = opts.jobs !== false;
  if (runJobs) services.jobs.start();
  const cron = runJobs ? startCron(services) : null;
  // The Telegram bot (when TELEGRAM_BOT_TOKEN is set) polls or sets its webhook
  // in the background: an unreachable Telegram never delays or stops serving.
  const bot = runJobs ? startBot(services) : null;
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve({
    port: config.port,
    hostname: config.host,
    onListen: ({ port, hostname }) => {
      log.info("listening", {
        url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`,
        publicUrl: config.publicUrl,
      });
      ready.resolve(port);
    },
  }, app.fetch);
  const port = await ready.promise;

  // `gafus admin …` runs its commands in this process while it holds DATA_DIR.
  let channel: AdminChannel | null = null;
  if (release && opts.adminChannel !== false) {
    try {
      channel = await startAdminChannel(services, (argv, io) => runAdmin(argv, io));
      await updateLock(config.dataDir, { port, adminPort: channel.port });
    } catch (err) {
      log.error("admin channel did not start: the CLI cannot reach this server", { err });
    }
  }

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    stopping ??= (async () => {
      log.info("shutting down");
      cron?.stop();
      await bot?.stop();
      await server.shutdown();
      await settleWebhookUpdates();
      await channel?.close();
      // Running jobs get a grace period; the rest KV delivers again after restart.
      await services.jobs.stop({ graceMs: 10_000 });
      // Reset links are issued after their response was sent: let them finish.
      await settleResetRequests();
      await services.close();
      await release?.();
      flushLog();
    })();

  if (opts.signals !== false) {
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(sig, () => {
        shutdown().then(() => Deno.exit(0));
      });
    }
  }
  return { services, app, server, port, shutdown };
}
