/**
 * The admin channel: how `gafus admin …` reaches a running server.
 *
 * PGlite serves one process per data directory, and job commands must go
 * through the process that runs the jobs, so while a server holds DATA_DIR
 * the CLI does not open the database or KV itself: it sends its argv to the
 * server, which runs the same command handlers with its own services and
 * streams stdout, stderr, export data, progress and the exit code back.
 *
 * The server listens on 127.0.0.1 on a random port, recorded in
 * `DATA_DIR/server.lock`, and answers only:
 * - peers on the loopback interface (anything else: 403), and
 * - requests carrying the token from `DATA_DIR/admin.token`, a random value
 *   written with mode 0600 at start, so only the account that runs the
 *   server (or root) can read it (wrong or missing token: 401).
 *
 * Wire format: `POST /v1/run` with `{argv, terminal}`; the answer is NDJSON,
 * one event per line: `{t:"out"|"err", d}` lines, `{t:"open", path?}`,
 * `{t:"write", d}`, `{t:"close"}` for an export, `{t:"progress", done,
 * total}`, and finally `{t:"exit", code}`.
 */
import { join } from "node:path";
import { timingSafeEqual } from "node:crypto";
import type { Services } from "@/core/services.ts";
import { randomToken } from "@/platform/encoding.ts";
import { log } from "@/platform/log.ts";
import type { LockInfo } from "@/platform/instance_lock.ts";
import type { CliIO, OutputSink } from "./io.ts";

export const TOKEN_FILE = "admin.token";
const MAX_REQUEST_BYTES = 64 * 1024;
const MAX_ARGS = 200;

export type CommandRunner = (argv: string[], io: CliIO) => Promise<number>;

export interface AdminChannel {
  port: number;
  close(): Promise<void>;
}

type Event =
  | { t: "out" | "err" | "write"; d: string }
  | { t: "open"; path?: string }
  | { t: "close" }
  | { t: "progress"; done: number; total: number }
  | { t: "exit"; code: number };

function isLoopback(addr: Deno.Addr): boolean {
  if (addr.transport !== "tcp") return false;
  const h = addr.hostname;
  return h === "127.0.0.1" || h === "::1" || h.startsWith("127.") || h === "::ffff:127.0.0.1";
}

function sameToken(sent: string, expected: string): boolean {
  const a = new TextEncoder().encode(sent);
  const b = new TextEncoder().encode(expected);
  // Same length first (timingSafeEqual requires it); the token length is public anyway.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Writes the token file with mode 0600 (replacing an old one, whatever its mode). */
async function writeToken(dataDir: string, token: string): Promise<string> {
  const path = join(dataDir, TOKEN_FILE);
  const tmp = `${path}.${randomToken(6)}.tmp`;
  await Deno.writeTextFile(tmp, token + "\n", { mode: 0o600, createNew: true });
  await Deno.chmod(tmp, 0o600); // the umask cannot loosen it, but be explicit
  await Deno.rename(tmp, path);
  return path;
}

/**
 * The request handler of the channel (exported so tests can present a
 * non-loopback peer, which a socket bound to 127.0.0.1 never sees).
 */
export function channelHandler(
  token: string,
  run: CommandRunner,
  services: Services,
): (req: Request, info: { remoteAddr: Deno.Addr }) => Promise<Response> {
  return async (req, info) => {
    if (!isLoopback(info.remoteAddr)) {
      log.warn("admin channel: refused a non-loopback peer", {
        peer: (info.remoteAddr as Deno.NetAddr).hostname,
      });
      return new Response("forbidden\n", { status: 403 });
    }
    const auth = req.headers.get("authorization") ?? "";
    if (!auth.startsWith("Bearer ") || !sameToken(auth.slice(7).trim(), token)) {
      log.warn("admin channel: refused a wrong token");
      return new Response("unauthorized\n", { status: 401 });
    }
    const url = new URL(req.url);
    if (url.pathname !== "/v1/run") return new Response("not found\n", { status: 404 });
    if (req.method !== "POST") return new Response("method not allowed\n", { status: 405 });
    const text = await req.text();
    if (text.length > MAX_REQUEST_BYTES) return new Response("too large\n", { status: 413 });
    let argv: string[];
    let terminal = false;
    try {
      const body = JSON.parse(text) as { argv?: unknown; terminal?: unknown };
      if (
        !Array.isArray(body.argv) || body.argv.length > MAX_ARGS ||
        !body.argv.every((a) => typeof a === "string")
      ) throw new Error("argv");
      argv = body.argv as string[];
      terminal = body.terminal === true;
    } catch {
      return new Response("bad request: {argv: string[]} expected\n", { status: 400 });
    }
    // Arguments may hold passwords: log the command name only.
    log.info("admin command", { command: argv[0] ?? "(none)" });
    return streamRun(run, argv, terminal, services);
  };
}

function streamRun(
  run: CommandRunner,
  argv: string[],
  terminal: boolean,
  services: Services,
): Response {
  const enc = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let broken = false;
  // Awaiting each write gives backpressure: a large export waits for the reader.
  const send = async (e: Event) => {
    if (broken) return;
    try {
      await writer.write(enc.encode(JSON.stringify(e) + "\n"));
    } catch {
      broken = true; // the client went away; finish the command quietly
    }
  };
  let lastProgress = 0;
  const io: CliIO = {
    out: (d) => void send({ t: "out", d }),
    err: (d) => void send({ t: "err", d }),
    output(path?: string): Promise<OutputSink> {
      void send(path === undefined ? { t: "open" } : { t: "open", path });
      return Promise.resolve({
        write: (d) => send({ t: "write", d }),
        close: () => send({ t: "close" }),
      });
    },
    progress(done, total) {
      if (!terminal) return;
      const now = performance.now();
      if (done < total && now - lastProgress < 100) return;
      lastProgress = now;
      void send({ t: "progress", done, total });
    },
    withServices: (fn) => fn(services),
  };
  (async () => {
    let code = 1;
    try {
      code = await run(argv, io);
    } catch (err) {
      log.error("admin command failed", { command: argv[0], err });
      await send({ t: "err", d: `error: ${err instanceof Error ? err.message : String(err)}` });
    }
    await send({ t: "exit", code });
    await writer.close().catch(() => {});
  })();
  return new Response(readable, {
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
  });
}

/**
 * Starts the channel for a server: writes the token file and listens on
 * 127.0.0.1 (port 0: the system picks a free one). The caller records the
 * port in the lock file.
 */
export async function startAdminChannel(
  services: Services,
  run: CommandRunner,
  opts: { port?: number } = {},
): Promise<AdminChannel> {
  const token = randomToken(32);
  const tokenPath = await writeToken(services.config.dataDir, token);
  const ready = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    onListen: ({ port }) => ready.resolve(port),
    onError: (err) => {
      log.error("admin channel error", { err });
      return new Response("internal error\n", { status: 500 });
    },
  }, channelHandler(token, run, services));
  const port = await ready.promise;
  log.info("admin channel listening", { port });
  return {
    port,
    async close() {
      await server.shutdown();
      // Only our own token: a newer server may have replaced the file.
      try {
        if ((await Deno.readTextFile(tokenPath)).trim() === token) await Deno.remove(tokenPath);
      } catch { /* gone already */ }
    },
  };
}

// --------------------------------------------------------------- client

export class ChannelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChannelError";
  }
}

/**
 * Runs `argv` in the server described by `holder` and replays its output on
 * `io` (exports are written here, on the user's side). Resolves to the exit code.
 */
export async function runThroughServer(
  dataDir: string,
  holder: LockInfo,
  argv: string[],
  io: Pick<CliIO, "out" | "err" | "output" | "progress">,
  opts: { terminal?: boolean } = {},
): Promise<number> {
  let token: string;
  try {
    token = (await Deno.readTextFile(join(dataDir, TOKEN_FILE))).trim();
  } catch (err) {
    throw new ChannelError(
      `a Gafus server (pid ${holder.pid}) holds ${dataDir}, but its admin token ` +
        `${join(dataDir, TOKEN_FILE)} cannot be read (${(err as Error).message}); ` +
        "run the command as the user that runs the server",
    );
  }
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${holder.adminPort}/v1/run`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ argv, terminal: opts.terminal ?? false }),
    });
  } catch (err) {
    throw new ChannelError(
      `the Gafus server (pid ${holder.pid}) holds ${dataDir} but does not answer on its ` +
        `admin channel (127.0.0.1:${holder.adminPort}): ${(err as Error).message}`,
    );
  }
  if (!res.ok || !res.body) {
    const text = (await res.text().catch(() => "")).trim();
    throw new ChannelError(`the server refused the command (${res.status} ${text})`);
  }
  let sink: OutputSink | null = null;
  let sinkError: string | null = null;
  let code: number | null = null;
  const lines = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines());
  for await (const line of lines) {
    if (!line) continue;
    const e = JSON.parse(line) as Event;
    switch (e.t) {
      case "out":
        io.out(e.d);
        break;
      case "err":
        io.err(e.d);
        break;
      case "open":
        try {
          sink = await io.output(e.path);
        } catch (err) {
          sinkError = `cannot write ${e.path}: ${(err as Error).message}`;
        }
        break;
      case "write":
        if (sink) await sink.write(e.d);
        break;
      case "close":
        await sink?.close();
        sink = null;
        break;
      case "progress":
        io.progress(e.done, e.total);
        break;
      case "exit":
        code = e.code;
        break;
    }
  }
  await sink?.close();
  if (sinkError) {
    io.err(sinkError);
    return 1;
  }
  if (code === null) throw new ChannelError("the server closed the admin channel mid-command");
  return code;
}

function splitLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) controller.enqueue(p);
    },
    flush(controller) {
      if (rest) controller.enqueue(rest);
    },
  });
}
