/**
 * Under load: 64 connections for 60 s (`BENCH_LOAD_SECONDS` shortens it)
 * over a mix of anonymous and signed-in pages — home, catalogue, search,
 * course page, day page, profile, notifications — on the app as in
 * production (PostgreSQL, access log on). Reports requests per second, the
 * responses that were not 200, wrk's socket errors, the error- and
 * warn-level lines the server wrote, and the server's RSS before the run,
 * after a warm-up and every few seconds to the end (memory must be flat
 * after the warm-up).
 *
 * `runLoadBench()` returns the lines for bench/RESULTS.md; run alone:
 * `deno run -A --unstable-kv --unstable-cron bench/load.ts [databaseUrl]`.
 */
import { fmt, loadScript, type Options, type WrkResult } from "./lib.ts";
import { type AppEnv, withPostgresApp } from "./pg_app.ts";
import { coursePath, dayPath } from "@/core/paths.ts";

const CONNECTIONS = 64;
/** Signed-in learners whose sessions the mix rotates through. */
const LEARNERS = 32;
/** RSS is read this often during the run. */
const SAMPLE_MS = 5_000;

export interface LoadBenchResult {
  seconds: number;
  warmupSeconds: number;
  /** Distinct (path, session) requests the connections cycle through. */
  mix: { path: string; signedIn: boolean }[];
  run: WrkResult;
  /** Responses other than 200 (redirects included), as the wrk script counted them. */
  not200: number;
  /** The first such response, to say what went wrong. */
  firstNot200: string | null;
  /** Lines the server wrote at error / warn level (JSON log lines), and on stderr. */
  logErrors: number;
  logWarnings: number;
  stderrLines: number;
  /** Examples of the error-level lines, to fix them. */
  errorSamples: string[];
  /** Server RSS in bytes: before the warm-up, after it, and every SAMPLE_MS to the end. */
  rss: { before: number; afterWarmup: number; samples: number[]; end: number };
}

/** Resident memory of a process, from /proc (Linux). */
async function rssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

/** A wrk script cycling through `reqs`; it counts non-200 answers and prints them in `done`. */
function mixScript(reqs: { path: string; cookie: string }[]): string {
  const lua = (s: string) => JSON.stringify(s);
  return `
local reqs = {
${reqs.map((r) => `  { ${lua(r.path)}, ${lua(r.cookie)} },`).join("\n")}
}
local formatted = {}
local paths = {}
local i = 0
not200 = 0
first = ""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for k, r in ipairs(reqs) do
    local h = {}
    if r[2] ~= "" then h["Cookie"] = r[2] end
    formatted[k] = wrk.format("GET", r[1], h)
    paths[k] = r[1]
  end
  -- Threads start at different points of the mix.
  i = math.random(#formatted) - 1
end

local last = 0
function request()
  i = i % #formatted + 1
  last = i
  return formatted[i]
end

function response(status, headers, body)
  if status ~= 200 then
    not200 = not200 + 1
    if first == "" then first = status .. " " .. paths[last] end
  end
end

function done(summary, latency, requests)
  local n, f = 0, ""
  for _, t in ipairs(threads) do
    n = n + t:get("not200")
    local tf = t:get("first")
    if f == "" and tf ~= "" then f = tf end
  end
  io.write("@@not200 " .. n .. "\\n")
  io.write("@@first " .. f .. "\\n")
end
`;
}

async function buildMix(env: AppEnv): Promise<{ path: string; cookie: string }[]> {
  const days = await env.db.selectFrom("day_on_course as dc")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .select(["dc.id"]).where("c.slug", "=", "eto-baza").orderBy("dc.position").limit(3)
    .execute();
  if (!days.length) throw new Error("the demo course eto-baza has no days");
  const users = await env.createUsers(`bench_load_${Date.now()}_`, LEARNERS);
  const sessions = await Promise.all(users.map((u) => env.sessionFor(u)));
  const course = coursePath("eto-baza");
  const anonymous = ["/", "/courses", `/courses?q=${encodeURIComponent("база")}`, course];
  const signedIn = [
    "/courses",
    course,
    ...days.map((d) => dayPath("eto-baza", d.id)),
    "/profile",
    "/notifications",
  ];
  const reqs: { path: string; cookie: string }[] = [];
  for (const [k, s] of sessions.entries()) {
    // About 40 % anonymous: each learner's pages, then a few anonymous ones.
    for (const path of signedIn) reqs.push({ path, cookie: s.cookie });
    for (let a = 0; a < 4; a++) {
      reqs.push({ path: anonymous[(k + a) % anonymous.length], cookie: "" });
    }
  }
  // Every request of the mix answers 200 before the run (a redirect to the
  // login page would look like success to wrk).
  for (const r of reqs.slice(0, signedIn.length + anonymous.length)) {
    const res = await fetch(env.url + r.path, {
      headers: r.cookie ? { cookie: r.cookie } : {},
      redirect: "manual",
    });
    await res.body?.cancel();
    if (res.status !== 200) throw new Error(`${r.path}: ${res.status} before the run`);
  }
  return reqs;
}

export async function benchLoad(
  databaseUrl: string,
  seconds = Number(Deno.env.get("BENCH_LOAD_SECONDS") ?? 60),
): Promise<LoadBenchResult> {
  const warmupSeconds = Math.min(15, Math.max(3, Math.round(seconds / 4)));
  let logErrors = 0, logWarnings = 0, stderrLines = 0;
  const errorSamples: string[] = [];
  const partial = { stdout: "", stderr: "" };
  // Counts whole lines only (chunks may split them).
  const output = (text: string, stream: "stdout" | "stderr") => {
    const lines = (partial[stream] + text).split("\n");
    partial[stream] = lines.pop()!;
    for (const line of lines) {
      if (!line) continue;
      if (stream === "stderr") stderrLines++;
      if (line.includes('"level":"error"') || (stream === "stderr" && /error/i.test(line))) {
        logErrors++;
        if (errorSamples.length < 5) errorSamples.push(line.slice(0, 600));
      } else if (line.includes('"level":"warn"')) logWarnings++;
    }
  };
  return await withPostgresApp(
    databaseUrl,
    async (env) => {
      const reqs = await buildMix(env);
      const script = mixScript(reqs);
      const url = env.url + "/";
      const o = (s: number): Options => ({ connections: CONNECTIONS, threads: 2, seconds: s });
      const before = await rssOf(env.pid);
      await loadScript("warm-up", url, script, o(warmupSeconds));
      const afterWarmup = await rssOf(env.pid);
      const samples: number[] = [];
      const sampler = setInterval(() => {
        rssOf(env.pid).then((b) => samples.push(b), () => {});
      }, SAMPLE_MS);
      let run: WrkResult;
      try {
        run = await loadScript("mixed pages", url, script, o(seconds));
      } finally {
        clearInterval(sampler);
      }
      const end = await rssOf(env.pid);
      // The last log lines of the run are flushed within a few ms.
      await new Promise((r) => setTimeout(r, 200));
      const not200 = Number(/@@not200 (\d+)/.exec(run.output)?.[1] ?? NaN);
      const first = /@@first (.*)/.exec(run.output)?.[1]?.trim() || null;
      const seen = new Set<string>();
      return {
        seconds,
        warmupSeconds,
        mix: reqs.filter((r) => {
          const k = `${r.path}|${r.cookie !== ""}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        }).map((r) => ({ path: r.path, signedIn: r.cookie !== "" })),
        run,
        not200,
        firstNot200: first,
        logErrors,
        logWarnings,
        stderrLines,
        errorSamples,
        rss: { before, afterWarmup, samples, end },
      };
    },
    { LOG_REQUESTS: "true", LOG_LEVEL: "info" },
    { output },
  );
}

/** Markdown lines for bench/RESULTS.md. */
export function loadReport(r: LoadBenchResult): string[] {
  const mb = (b: number) => fmt(b / 1024 / 1024, 1);
  const growth = r.rss.end - r.rss.afterWarmup;
  const lines = [
    "## Under load (PostgreSQL)",
    "",
    `${CONNECTIONS} connections (wrk, 2 threads) for ${r.seconds} s after a ${r.warmupSeconds} s ` +
    `warm-up, cycling through ${LEARNERS} signed-in learners' pages and anonymous ones; the ` +
    "server logs every request (JSON lines, read by the bench) as in production. Pages: " +
    r.mix.map((m) =>
      `${decodeURIComponent(m.path).replace(/\/days\/[^/?]+/, "/days/<day 1–3>")}${
        m.signedIn ? " (signed in)" : ""
      }`
    ).filter((v, i, a) => a.indexOf(v) === i).join(", ") + ".",
    "",
    "| figure | value | target |",
    "|---|---:|---|",
    `| requests/s | ${fmt(r.run.rps)} | |`,
    `| p50 / p99 latency | ${fmt(r.run.p50ms, 2)} ms / ${fmt(r.run.p99ms, 2)} ms | |`,
    `| requests | ${r.run.requests} | |`,
    `| responses other than 200 | ${r.not200}${
      r.firstNot200 ? ` (first: ${r.firstNot200})` : ""
    } | 0 |`,
    `| wrk errors (non-2xx/3xx, socket errors, timeouts) | ${r.run.errors} | 0 |`,
    `| error-level log lines (and stderr lines naming an error) | ${r.logErrors} | 0 |`,
    `| warn-level log lines | ${r.logWarnings} | |`,
    `| server RSS before the warm-up | ${mb(r.rss.before)} MB | |`,
    `| server RSS after the warm-up | ${mb(r.rss.afterWarmup)} MB | |`,
    `| server RSS at the end | ${mb(r.rss.end)} MB (${growth >= 0 ? "+" : ""}${mb(growth)} MB, ${
      fmt((growth / r.rss.afterWarmup) * 100, 1)
    } % since the warm-up) | flat |`,
    "",
    `RSS every ${SAMPLE_MS / 1000} s during the run (MB): ${r.rss.samples.map(mb).join(", ")}.`,
  ];
  if (r.errorSamples.length) {
    lines.push("", "Error lines seen:", "", ...r.errorSamples.map((l) => `    ${l}`));
  }
  return lines;
}

export async function runLoadBench(databaseUrl: string): Promise<string[]> {
  return [...loadReport(await benchLoad(databaseUrl)), ""];
}

if (import.meta.main) {
  const url = Deno.args[0] ?? Deno.env.get("BENCH_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  console.log((await runLoadBench(url)).join("\n"));
  Deno.exit(0);
}
