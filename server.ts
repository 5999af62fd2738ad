/**
 * Starting the web server: configuration, services (database, KV), the app
 * built from the manifest, `Deno.serve`, and a clean shutdown on SIGINT or
 * SIGTERM (stop accepting, finish requests, close the database).
 */
import manifest from "./fresh.gen.ts";
import { createApp, type FreshApp } from "./framework/mod.ts";
import type { Config } from "./core/config.ts";
import { openServices, type Services } from "./core/services.ts";
import { log, logContext } from "./core/log.ts";
import { acquireLock } from "./core/instance_lock.ts";
import { seedDemo } from "./db/seed.ts";
import type { State } from "./define.ts";
import { mapError } from "./http/errors.ts";

/** Rendered pages for anonymous visitors live this long unless content changes first. */
const PAGE_TTL_MS = 60_000;

/** The web app for a set of services (tests call this with an in-memory database). */
export async function buildApp(services: Services): Promise<FreshApp> {
  return await createApp(manifest, {
    initState: () => ({ services, user: null }) satisfies Partial<State>,
    mapError,
    pageCache: {
      get: (key) => services.cache.peek<string>(`page:${key}`),
      set: (key, html, tags) =>
        services.cache.put(`page:${key}`, html, { ttlMs: PAGE_TTL_MS, tags }),
    },
    onError(err, ctx) {
      log.error("unhandled error", {
        err,
        method: ctx.req.method,
        path: ctx.url.pathname,
        requestId: logContext()?.requestId,
      });
    },
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
  opts: { signals?: boolean } = {},
): Promise<RunningServer> {
  const release = config.databaseUrl
    ? null
    : await acquireLock(config.dataDir, { port: config.port });
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

  let stopping: Promise<void> | null = null;
  const shutdown = () =>
    stopping ??= (async () => {
      log.info("shutting down");
      await server.shutdown();
      await services.close();
      await release?.();
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
