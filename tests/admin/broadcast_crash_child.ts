/**
 * The process broadcast_crash.test.ts lets die: it resumes one broadcast
 * (batches of 2) with GAFUS_CRASH_AT set, so it exits hard at that point of
 * its first batch, as kill -9 would.
 */
import { loadConfig } from "@/platform/config.ts";
import { configureLog } from "@/platform/log.ts";
import { openDatabase } from "@/db/connection.ts";
import { openServices } from "@/services.ts";
import { runBroadcast } from "@/core/broadcasts.ts";

configureLog({ level: "error" });
const env = (k: string) => Deno.env.get(k) ?? "";
const config = await loadConfig({
  GAFUS_ENV: "test",
  DATA_DIR: env("CHILD_DATA_DIR"),
  DATABASE_URL: env("CHILD_DATABASE_URL"),
  LOG_REQUESTS: "false",
});
const handle = await openDatabase(config);
const s = await openServices(config, { handle, memory: true, migrate: false });
await runBroadcast(s, env("BROADCAST_ID"), { batch: 2 });
console.log("@@ returned");
Deno.exit(0);
