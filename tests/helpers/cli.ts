/** Running the real CLI (`main.ts`) in a subprocess, against a temporary DATA_DIR or database. */
import postgres from "postgres";
import { toHex } from "@/platform/encoding.ts";
import { testDatabaseUrl } from "./db.ts";
import type { Services } from "@/core/services.ts";
import type { CliIO } from "@/cli/io.ts";
import { runAdmin } from "@/cli/admin.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  env: Record<string, string>;
  run(...args: string[]): Promise<CliResult>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A private environment for CLI runs: its own DATA_DIR and, with DATABASE_URL, its own database. */
export async function cliEnv(extra: Record<string, string> = {}): Promise<CliEnv> {
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-cli-" });
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
    DATA_DIR: dataDir,
    GAFUS_ENV: "test",
    NO_COLOR: "1",
    ...extra,
  };
  const server = testDatabaseUrl();
  let dbName: string | undefined;
  if (server) {
    dbName = `gafus_t_${toHex(crypto.getRandomValues(new Uint8Array(8)))}`;
    const admin = postgres(server, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(server);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.href;
  }
  return {
    env,
    async run(...args) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", "--unstable-cron", MAIN, ...args],
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    },
    async [Symbol.asyncDispose]() {
      if (server && dbName) {
        const admin = postgres(server, { max: 1, onnotice: () => {} });
        await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** What an in-process command run printed and wrote. */
export interface MemoryRun extends CliResult {
  /** Files written through `--out`, by path. */
  files: Map<string, string>;
  /** Progress calls (done, total). */
  progress: [number, number][];
}

/**
 * Runs `gafus admin …` inside the test process with the test app's services,
 * as the server does for a command that comes through the admin channel.
 */
export async function runAdminIn(services: Services, ...argv: string[]): Promise<MemoryRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const files = new Map<string, string>();
  const progress: [number, number][] = [];
  const io: CliIO = {
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    output(path) {
      let text = "";
      return Promise.resolve({
        write(d: string) {
          text += d;
          return Promise.resolve();
        },
        close() {
          if (path === undefined) stdout.push(text);
          else files.set(path, text);
          return Promise.resolve();
        },
      });
    },
    progress: (done, total) => void progress.push([done, total]),
    withServices: (fn) => fn(services),
  };
  const code = await runAdmin(argv, io);
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n"), files, progress };
}

export interface ServerProcess {
  origin: string;
  /** What the server wrote to stdout so far (JSON log lines). */
  log(): string;
  /** SIGTERM and wait for the exit; resolves to the exit code. */
  stop(): Promise<number>;
  /** Another signal (SIGKILL: a crash) and wait for the exit. */
  kill(signal: Deno.Signal): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts `main.ts serve` on a free loopback port with the CLI env's DATA_DIR (and database). */
export async function startServerProcess(cli: CliEnv): Promise<ServerProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", "--unstable-cron", MAIN, "serve"],
    env: { ...cli.env, PORT: String(port), HOST: "127.0.0.1", AUTO_SEED: "false" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const dec = new TextDecoder();
  const drain = (s: ReadableStream<Uint8Array>) =>
    s.pipeTo(new WritableStream({ write: (c) => void (out += dec.decode(c)) })).catch(() => {});
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const r = await fetch(`${origin}/health`);
      await r.body?.cancel();
      // Ready for commands once the lock names the admin channel.
      const lock = JSON.parse(await Deno.readTextFile(`${cli.env.DATA_DIR}/server.lock`));
      if (r.ok && lock.adminPort) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      try {
        child.kill("SIGKILL");
      } catch { /* it exited by itself: its output says why */ }
      await child.status;
      throw new Error(`the server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped: Promise<number> | null = null;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* exited already */ }
      const status = await child.status;
      await drained;
      return status.code;
    })();
  const kill = async (signal: Deno.Signal) => {
    stopped ??= (async () => {
      try {
        child.kill(signal);
      } catch { /* exited already */ }
      const status = await child.status;
      await drained;
      return status.code;
    })();
    await stopped;
  };
  return {
    origin,
    log: () => out,
    stop,
    kill,
    [Symbol.asyncDispose]: async () => void await stop(),
  };
}
