/**
 * Running a command in the `gafus` process: hand it to a running server
 * (`forwardToServer`), or open the app's services for it (`withServices`).
 */
import { loadConfig } from "@/platform/config.ts";
import type { Services } from "@/core/services.ts";
import { openServices } from "@/services.ts";
import { acquireLock, DataDirBusyError, lockHolder } from "@/platform/instance_lock.ts";
import { configureLog } from "@/platform/log.ts";
import { type CliIO, openOutput, terminalProgress } from "./io.ts";
import { runThroughServer } from "./channel.ts";

export async function withServices<T>(fn: (s: Services) => Promise<T>): Promise<T> {
  // Commands print their own output; keep the JSON log for warnings and errors.
  configureLog({ level: "warn" });
  const config = await loadConfig();
  // The embedded database serves one process at a time.
  const release = config.databaseUrl ? null : await acquireLock(config.dataDir, { kind: "cli" });
  let s: Services;
  try {
    s = await openServices(config);
  } catch (err) {
    await release?.();
    throw err;
  }
  try {
    return await fn(s);
  } finally {
    await s.close();
    await release?.();
  }
}

/**
 * When a server holds the data directory, runs `argv` there through its
 * admin channel and resolves to the exit code; null when none does.
 */
export async function forwardToServer(argv: string[], io: CliIO): Promise<number | null> {
  const config = await loadConfig();
  const holder = await lockHolder(config.dataDir);
  if (!holder || holder.pid === Deno.pid) return null;
  if (holder.adminPort) {
    return await runThroughServer(config.dataDir, holder, argv, io, {
      terminal: Deno.stderr.isTerminal(),
    });
  }
  // PostgreSQL is shared, and SQLite lets processes share the KV file: go direct.
  if (config.databaseUrl) return null;
  throw new DataDirBusyError(holder, config.dataDir);
}

/** The IO of the `gafus` process: the console, files, and services or a server. */
export const consoleIO: CliIO = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  output: openOutput,
  progress: terminalProgress(() => Deno.stderr.isTerminal()),
  withServices,
  forward: (argv) => forwardToServer(argv, consoleIO),
};
