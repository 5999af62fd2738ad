/**
 * Which process holds the embedded data directory. PGlite serves one process
 * per data directory, so the server records its pid here and the CLI refuses
 * to open the directory behind a running server's back.
 */
import { join } from "node:path";

const FILE = "server.lock";

export interface LockInfo {
  pid: number;
  startedAt: string;
  port?: number;
}

function alive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    try {
      Deno.kill(pid, "SIGCONT");
      return true;
    } catch {
      return false;
    }
  }
}

/** The live process holding `dataDir`, or null. A stale lock (dead pid) counts as free. */
export async function lockHolder(dataDir: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await Deno.readTextFile(join(dataDir, FILE))) as LockInfo;
    return alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export class DataDirBusyError extends Error {
  constructor(readonly holder: LockInfo, dataDir: string) {
    super(
      `${dataDir} is in use by a running Gafus server (pid ${holder.pid}). ` +
        "Stop it first, or run the server on PostgreSQL (DATABASE_URL).",
    );
    this.name = "DataDirBusyError";
  }
}

/** Takes the directory for this process; throws DataDirBusyError when another live one has it. */
export async function acquireLock(
  dataDir: string,
  extra: Partial<LockInfo> = {},
): Promise<() => Promise<void>> {
  await Deno.mkdir(dataDir, { recursive: true });
  const holder = await lockHolder(dataDir);
  if (holder && holder.pid !== Deno.pid) throw new DataDirBusyError(holder, dataDir);
  const info: LockInfo = { pid: Deno.pid, startedAt: new Date().toISOString(), ...extra };
  await Deno.writeTextFile(join(dataDir, FILE), JSON.stringify(info), { mode: 0o600 });
  return async () => {
    const now = await lockHolder(dataDir);
    if (now?.pid === Deno.pid) await Deno.remove(join(dataDir, FILE)).catch(() => {});
  };
}
