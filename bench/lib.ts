/**
 * Benchmark plumbing: start servers as subprocesses, drive them with a load
 * generator on loopback (Debian `wrk`; `autocannon` from npm when wrk is
 * missing), and collect results for bench/RESULTS.md.
 */

export interface LoadResult {
  name: string;
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  tool: string;
}

export interface Options {
  connections: number;
  threads: number;
  seconds: number;
  /** Per-request timeout (wrk's default is 2 s; a slow request past it counts as an error). */
  timeoutSec?: number;
}

export const DEFAULTS: Options = { connections: 32, threads: 2, seconds: 8 };

function hasWrk(): boolean {
  try {
    return new Deno.Command("wrk", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().code !== 127;
  } catch {
    return false;
  }
}

function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "ms" ? v : m[2] === "s" ? v * 1000 : v * 60000;
}

export interface WrkResult extends LoadResult {
  /** Requests wrk completed in the run. */
  requests: number;
}

/** `wrk --latency` with an optional Lua script file (for POST bodies, headers, per-request paths). */
async function runWrk(name: string, url: string, o: Options, script?: string): Promise<WrkResult> {
  const args = [
    "-t",
    String(o.threads),
    "-c",
    String(o.connections),
    "-d",
    `${o.seconds}s`,
    "--latency",
  ];
  if (o.timeoutSec) args.push("--timeout", `${o.timeoutSec}s`);
  if (script) args.push("-s", script);
  args.push(url);
  const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const p50 = ms(/\s50%\s+(\S+)/.exec(text)?.[1] ?? "");
  const p99 = ms(/\s99%\s+(\S+)/.exec(text)?.[1] ?? "");
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = non2xx + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
  return { name, rps, p50ms: p50, p99ms: p99, errors, tool: "wrk", requests };
}

/**
 * wrk driven by a Lua script (e.g. a `request()` function that varies the
 * path, cookie or forwarded address per request). Needs wrk.
 */
export async function loadScript(
  name: string,
  url: string,
  lua: string,
  o: Options = DEFAULTS,
): Promise<WrkResult> {
  if (!hasWrk()) throw new Error(`${name}: this scenario needs wrk (apt-get install wrk)`);
  const script = await Deno.makeTempFile({ suffix: ".lua" });
  await Deno.writeTextFile(script, lua);
  try {
    return await runWrk(name, url, o, script);
  } finally {
    await Deno.remove(script).catch(() => {});
  }
}

async function runAutocannon(
  name: string,
  url: string,
  o: Options,
  init?: RequestSpec,
): Promise<LoadResult> {
  const args = [
    "-y",
    "autocannon@8.0.0",
    "-j",
    "-c",
    String(o.connections),
    "-d",
    String(o.seconds),
  ];
  if (init?.method) args.push("-m", init.method);
  for (const [k, v] of Object.entries(init?.headers ?? {})) args.push("-H", `${k}=${v}`);
  if (init?.body) args.push("-b", init.body);
  args.push(url);
  const out = await new Deno.Command("npx", { args, stdout: "piped", stderr: "null" }).output();
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  return {
    name,
    rps: r.requests.average,
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    errors: r.errors + r.non2xx,
    tool: "autocannon",
  };
}

export interface RequestSpec {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

function luaString(s: string): string {
  return JSON.stringify(s);
}

/** Load on one URL; `init` sets method, headers and body for every request. */
export async function load(
  name: string,
  url: string,
  init?: RequestSpec,
  o: Options = DEFAULTS,
): Promise<LoadResult> {
  // A short warm-up so JIT and caches are in the state they are in production.
  await fetch(url, { method: init?.method, headers: init?.headers, body: init?.body }).then((r) =>
    r.body?.cancel()
  );
  if (!hasWrk()) return await runAutocannon(name, url, o, init);
  let script: string | undefined;
  if (init) {
    script = await Deno.makeTempFile({ suffix: ".lua" });
    const lines = [`wrk.method = ${luaString(init.method ?? "GET")}`];
    for (const [k, v] of Object.entries(init.headers ?? {})) {
      lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
    }
    if (init.body) lines.push(`wrk.body = ${luaString(init.body)}`);
    await Deno.writeTextFile(script, lines.join("\n") + "\n");
  }
  try {
    return await runWrk(name, url, o, script);
  } finally {
    if (script) await Deno.remove(script);
  }
}

export interface Proc {
  url: string;
  stop(): Promise<void>;
}

/** Starts `deno run … <script> <args>` and waits until `url` answers. */
export async function spawnDeno(
  script: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
): Promise<Proc> {
  const child = new Deno.Command(Deno.execPath(), {
    // BENCH_DENO_FLAGS (e.g. `--inspect=127.0.0.1:9229`) lets a profiler attach.
    args: [
      "run",
      "-A",
      "--unstable-kv",
      "--unstable-cron",
      ...(Deno.env.get("BENCH_DENO_FLAGS")?.split(" ").filter(Boolean) ?? []),
      script,
      ...args,
    ],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(readyUrl);
      await r.body?.cancel();
      if (r.ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (Date.now() >= deadline) {
    child.kill("SIGKILL");
    const err = await new Response(child.stderr).text();
    throw new Error(`${script} did not start:\n${err}`);
  }
  // Drain stderr so a chatty process never blocks on a full pipe.
  child.stderr.pipeTo(new WritableStream()).catch(() => {});
  return {
    url: new URL(readyUrl).origin,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      await child.status;
    },
  };
}

export function freePort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

/** A Markdown table row for a load result against a baseline. */
export function row(r: LoadResult, baseline: LoadResult, target?: string): string {
  const ratio = r.rps / baseline.rps;
  return `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50ms, 2)} | ${fmt(r.p99ms, 2)} | ${
    fmt(ratio * 100, 1)
  } % | ${target ?? ""} | ${r.errors} |`;
}

export const TABLE_HEAD = [
  "| scenario | req/s | p50 ms | p99 ms | vs baseline | target | errors |",
  "|---|---:|---:|---:|---:|---|---:|",
];
