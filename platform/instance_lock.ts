/**
 * Which process holds the data directory. PGlite serves one process per data
 * directory, so a server (or a CLI command running without one) takes the
 * directory for its lifetime; a server also records the port of its admin
 * channel, which is how `gafus admin …` finds it and runs its commands inside
 * the server instead of opening the directory behind its back (see
 * cli/channel.ts).
 *
 * Two files:
 * - `server.flock` — the lock itself: an exclusive `flock` held on an open
 *   file for the life of the process. The kernel drops it when the process
 *   dies (kill -9 included, zombie or not), so a supervisor's immediate
 *   restart is never refused by a PID that still exists. The file is never
 *   deleted: removing a lock file lets two processes lock two inodes.
 * - `server.lock` — who holds it (JSON: pid, kind, port, adminPort), replaced
 *   in one step so a reader never sees half of it. Read only while the flock
 *   is held by someone; a file left by a dead process means nothing.
 */
import { join } from "node:path";

const FILE = "server.lock";
const FLOCK = "server.flock";

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

/** Locks this process holds, by data directory (taking one twice here is allowed). */
const held = new Map<string, { file: Deno.FsFile; count: number }>();

function openFlock(dataDir: string): Promise<Deno.FsFile> {
  return Deno.open(join(dataDir, FLOCK), { read: true, write: true, create: true, mode: 0o600 });
}

async function readInfo(dataDir: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await Deno.readTextFile(join(dataDir, FILE))) as LockInfo;
    return typeof info.pid === "number" ? info : null;
  } catch {
    return null;
  }
}

/** The live process holding `dataDir`, or null when nobody holds its lock. */
export async function lockHolder(dataDir: string): Promise<LockInfo | null> {
  if (held.has(dataDir)) return await readInfo(dataDir);
  let file: Deno.FsFile;
  try {
    file = await openFlock(dataDir);
  } catch {
    return null; // no directory, no holder
  }
  try {
    if (await file.tryLock(true)) return null; // free (closing the file releases it)
  } finally {
    file.close();
  }
  // Held, but its holder may not have written who it is yet (it is starting).
  return await readInfo(dataDir) ?? { pid: 0, startedAt: new Date().toISOString() };
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

/** Replaces the info file in one step, so a reader never sees half of it. */
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
  let mine = held.get(dataDir);
  if (mine) mine.count++;
  else {
    const file = await openFlock(dataDir);
    if (!(await file.tryLock(true))) {
      file.close();
      const holder = await readInfo(dataDir) ?? { pid: 0, startedAt: new Date().toISOString() };
      throw new DataDirBusyError(holder, dataDir);
    }
    held.set(dataDir, mine = { file, count: 1 });
  }
  const info: LockInfo = { pid: Deno.pid, startedAt: new Date().toISOString(), ...extra };
  await writeLock(dataDir, info);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--mine.count > 0) return;
    held.delete(dataDir);
    await Deno.remove(join(dataDir, FILE)).catch(() => {});
    mine.file.close(); // releases the flock
  };
}

/** Adds fields (e.g. the admin port) to the lock this process holds. */
export async function updateLock(dataDir: string, extra: Partial<LockInfo>): Promise<void> {
  if (!held.has(dataDir)) throw new Error(`${dataDir}: this process does not hold the lock`);
  const now = await readInfo(dataDir) ?? { pid: Deno.pid, startedAt: new Date().toISOString() };
  await writeLock(dataDir, { ...now, ...extra, pid: Deno.pid });
}
