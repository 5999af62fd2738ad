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
  /** Server CPU (user + system, all threads) per answered request, in µs, when measured. */
  cpuUs?: number;
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
  /** wrk's stdout (what a script's `done()` printed, too). */
  output: string;
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
  return { name, rps, p50ms: p50, p99ms: p99, errors, tool: "wrk", requests, output: text };
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

/**
 * CPU seconds (user + system, all threads) a process has used so far, from
 * /proc/<pid>/stat; null where there is no /proc. Other load on a shared
 * machine stretches wall time but hardly the CPU a request costs, so this is
 * the steadier figure for comparing two servers.
 */
export function cpuSeconds(pid: number): number | null {
  try {
    return cpuOfStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return null;
  }
}

/** User + system seconds from a `/proc/<pid>/stat` line. */
function cpuOfStat(stat: string): number {
  // Fields after the command name (which may hold spaces) start at state (3rd).
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds (user + system) of every process with this command name, by
 * pid: `cpuDelta` of two of these gives what the processes used between them,
 * new ones included (a process that ended meanwhile is missed). Empty where
 * /proc does not tell, or the processes are not on this machine.
 */
export function cpuByName(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      try {
        const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
        if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) !== comm) continue;
        out.set(Number(e.name), cpuOfStat(stat));
      } catch { /* the process ended */ }
    }
  } catch { /* no /proc */ }
  return out;
}

/** CPU seconds used between two `cpuByName` snapshots (null when none was seen). */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number | null {
  if (!after.size) return null;
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

const CLOCK_TICKS = (() => {
  try {
    const out = new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped", stderr: "null" })
      .outputSync();
    return Number(new TextDecoder().decode(out.stdout).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Runs `run` and adds the server's CPU per request to its result (when /proc tells). */
export async function withCpu<T extends LoadResult & { requests?: number }>(
  pid: number | undefined,
  seconds: number,
  run: () => Promise<T>,
): Promise<T> {
  const before = pid === undefined ? null : cpuSeconds(pid);
  const r = await run();
  const after = pid === undefined ? null : cpuSeconds(pid);
  const requests = r.requests ?? r.rps * seconds;
  if (before !== null && after !== null && requests > 0) {
    r.cpuUs = (after - before) / requests * 1e6;
  }
  return r;
}

/**
 * Load on one URL; `init` sets method, headers and body for every request.
 * With `server` (a process from `spawnDeno`), the result carries its CPU per request.
 */
export async function load(
  name: string,
  url: string,
  init?: RequestSpec,
  o: Options = DEFAULTS,
  server?: { pid: number },
): Promise<LoadResult> {
  // A short warm-up so JIT and caches are in the state they are in production.
  await fetch(url, { method: init?.method, headers: init?.headers, body: init?.body }).then((r) =>
    r.body?.cancel()
  );
  if (!hasWrk()) {
    return await withCpu(server?.pid, o.seconds, () => runAutocannon(name, url, o, init));
  }
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
    return await withCpu(server?.pid, o.seconds, () => runWrk(name, url, o, script));
  } finally {
    if (script) await Deno.remove(script);
  }
}

export interface Proc {
  url: string;
  /** The server's process id (for its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Gets the process's stdout and stderr as they come (otherwise they are dropped). */
  output?(text: string, stream: "stdout" | "stderr"): void;
}

/** Starts `deno run … <script> <args>` and waits until `url` answers. */
export async function spawnDeno(
  script: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  opts: SpawnOptions = {},
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
    stdout: opts.output ? "piped" : "null",
    stderr: "piped",
  }).spawn();
  const feed = async (stream: ReadableStream<Uint8Array>, name: "stdout" | "stderr") => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) opts.output!(decoder.decode(chunk, { stream: true }), name);
    } catch { /* the process ended */ }
  };
  if (opts.output) feed(child.stdout, "stdout");
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
  if (opts.output) feed(child.stderr, "stderr");
  else child.stderr.pipeTo(new WritableStream()).catch(() => {});
  return {
    url: new URL(readyUrl).origin,
    pid: child.pid,
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

/** The run with the median req/s (its own latency and CPU figures, not a blend). */
export function median<T extends LoadResult>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Mean of the defined numbers (undefined when there are none). */
export function mean(...xs: (number | undefined)[]): number | undefined {
  const d = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return d.length ? d.reduce((a, b) => a + b, 0) / d.length : undefined;
}

/** A row with the server's CPU per request beside the throughput ratio. */
export function cpuRow(r: LoadResult, baseline: LoadResult, target?: string): string {
  const ratio = r.rps / baseline.rps;
  const cpuRatio = r.cpuUs && baseline.cpuUs ? baseline.cpuUs / r.cpuUs : NaN;
  return `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50ms, 2)} | ${fmt(r.p99ms, 2)} | ${
    fmt(ratio * 100, 1)
  } % | ${fmt(r.cpuUs ?? NaN, 1)} | ${fmt(cpuRatio * 100, 1)} % | ${target ?? ""} | ${r.errors} |`;
}

export const CPU_TABLE_HEAD = [
  "| scenario | req/s | p50 ms | p99 ms | req/s vs baseline | server CPU µs/req | CPU: baseline ÷ this | target | errors |",
  "|---|---:|---:|---:|---:|---:|---:|---|---:|",
];
