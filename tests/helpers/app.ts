/**
 * A running app for tests: a fresh database (PGlite in memory, or a new
 * database on DATABASE_URL's server), KV in memory, a temporary DATA_DIR, and
 * `fetch(path)` straight into the app without a socket.
 */
import { type Config, loadConfig } from "@/platform/config.ts";
import type { Services } from "@/core/services.ts";
import { openServices } from "@/services.ts";
import { buildApp } from "@/server.ts";
import type { FreshApp } from "@/framework/mod.ts";
import { databaseUrlOf, openTestDb } from "./db.ts";
import type { DbHandle } from "@/db/connection.ts";
import { configureLog } from "@/platform/log.ts";

export interface TestApp {
  config: Config;
  services: Services;
  app: FreshApp;
  /** The database handle under the app (tests may close it to simulate an outage). */
  dbHandle: DbHandle;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function openTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  configureLog({ level: "error" });
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-test-" });
  const db = await openTestDb();
  // Jobs on PostgreSQL live in this test's own database (the engine connects to it).
  // TEST_JOBS_BACKEND=postgres (with DATABASE_URL) runs every app test's jobs there.
  const backend = env.JOBS_BACKEND ?? Deno.env.get("TEST_JOBS_BACKEND");
  const jobsDb = backend === "postgres" && db.kind === "postgres"
    ? { JOBS_BACKEND: "postgres", DATABASE_URL: await databaseUrlOf(db) }
    : {};
  const config = await loadConfig({
    GAFUS_ENV: "test",
    DATA_DIR: dataDir,
    LOG_REQUESTS: "false",
    ...env,
    ...jobsDb,
  });
  const services = await openServices(config, { handle: db, memory: true, migrate: false });
  const app = await buildApp(services);
  const close = async () => {
    await services.close();
    await db[Symbol.asyncDispose]();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  return {
    config,
    services,
    app,
    dbHandle: db,
    fetch: async (path, init) =>
      await app.fetch(new Request(new URL(path, "http://localhost:8000"), init)),
    close,
    [Symbol.asyncDispose]: close,
  };
}
