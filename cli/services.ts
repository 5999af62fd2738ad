/** Opening the app's services for one CLI command, and closing them after. */
import { loadConfig } from "../core/config.ts";
import { openServices, type Services } from "../core/services.ts";
import { acquireLock } from "../core/instance_lock.ts";
import { configureLog } from "../core/log.ts";

export async function withServices<T>(fn: (s: Services) => Promise<T>): Promise<T> {
  // Commands print their own output; keep the JSON log for warnings and errors.
  configureLog({ level: "warn" });
  const config = await loadConfig();
  // The embedded database serves one process at a time.
  const release = config.databaseUrl ? null : await acquireLock(config.dataDir);
  const s = await openServices(config);
  try {
    return await fn(s);
  } finally {
    await s.close();
    await release?.();
  }
}
