/**
 * The process crash_notify.test.ts lets die: it runs the `step-finished`
 * completion of one step with GAFUS_CRASH_AT=step-finished:committed, so it
 * exits hard right after the completion's commit, before anything that
 * follows it (what used to be the notification's `runAfter`).
 */
import { loadConfig } from "@/platform/config.ts";
import { configureLog } from "@/platform/log.ts";
import { openDatabase } from "@/db/connection.ts";
import { openServices } from "@/services.ts";
import { finishTimer } from "@/core/training/steps.ts";

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
await finishTimer(s, env("USER_STEP_ID"), env("JOB_ID"));
console.log("@@ returned");
Deno.exit(0);
