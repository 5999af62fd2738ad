/**
 * Which process holds the data directory. PGlite serves one process per data
 * directory, so a server (or a CLI command running without one) records
 * itself in `DATA_DIR/server.lock`; a server also records the port of its
 * admin channel there, which is how `gafus admin …` finds it and runs its
 * commands inside the server instead of opening the directory behind its
 * back (see cli/channel.ts).
 */
import { join } from "node:path";

const FILE = "server.lock";

export interface LockInfo {
  pid: number;
  startedAt: string;
  /** "server" (default for old files) or "cli" (a command opened the directory itself). */
  kind?: "server" | "cli";
  /** The web port (for people reading the file). */
  port?: number;
  /** The admin channel on 127.0.0.1, once the server is ready for commands. */
  adminPort?: number;
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
    return typeof info.pid === "number" && alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export class DataDirBusyError extends Error {
  constructor(readonly holder: LockInfo, dataDir: string) {
    super(
      holder.kind === "cli"
        ? `${dataDir} is in use by another gafus command (pid ${holder.pid}). ` +
          "Wait for it to finish."
        : `${dataDir} is in use by a running Gafus server (pid ${holder.pid}) that does not ` +
          "accept admin commands yet (it may be starting). Try again in a moment.",
    );
    this.name = "DataDirBusyError";
  }
}

/** Replaces the lock file in one step, so a reader never sees half of it. */
async function writeLock(dataDir: string, info: LockInfo): Promise<void> {
  const path = join(dataDir, FILE);
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(info), { mode: 0o600 });
  await Deno.rename(tmp, path);
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
  await writeLock(dataDir, info);
  return async () => {
    const now = await lockHolder(dataDir);
    if (now?.pid === Deno.pid) await Deno.remove(join(dataDir, FILE)).catch(() => {});
  };
}

/** Adds fields (e.g. the admin port) to the lock this process holds. */
export async function updateLock(dataDir: string, extra: Partial<LockInfo>): Promise<void> {
  const now = await lockHolder(dataDir);
  if (now?.pid !== Deno.pid) throw new Error(`${dataDir}: this process does not hold the lock`);
  await writeLock(dataDir, { ...now, ...extra, pid: Deno.pid });
}
