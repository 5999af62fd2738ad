/**
 * `deno task bench`: one run, every figure beside its baseline from the same
 * run, written to bench/RESULTS.md. These machines are noisy, so read the
 * ratios rather than the absolute numbers.
 *
 * Sections: web (bare baseline, /health, /courses on PGlite and PostgreSQL,
 * JS per page), accounts (login vs the bare KDF, signed-in /profile), jobs
 * (runtime vs raw KV and BullMQ on the local Redis), learner training (day page vs bare SQL, completion p99),
 * studio (JS the editors ship), trainer statistics (a 10k-learner course page vs its
 * bare SQL), video-key (the video key endpoint vs 16 bare bytes), video (the
 * transcoding job vs one ffmpeg per rendition), notify (1,000 reminders in one minute
 * through the notification pipeline to a fake Bot API and a loopback push service),
 * offline-replay (200 queued offline actions replayed through the real endpoint vs the
 * same 200 sent online; a second replay must change nothing).
 * offline (keeping the demo course in Chromium vs fetching the same URLs).
 * load (64 connections for 60 s over anonymous and signed-in pages: errors, error log
 * lines, server RSS before, after warm-up and at the end; `BENCH_LOAD_SECONDS` shortens it).
 * `BENCH_DATABASE_URL` names the PostgreSQL server (default: local `postgres`).
 */
import {
  CPU_TABLE_HEAD,
  cpuRow,
  DEFAULTS,
  fmt,
  freePort,
  load,
  type LoadResult,
  mean,
  median,
  spawnDeno,
} from "./lib.ts";
import { withPostgresApp } from "./pg_app.ts";
import { authReport, benchAuth } from "./auth.ts";
import { benchJobs, jobsReport } from "./jobs.ts";
import { runLearnBench } from "./learn.ts";
import { runStudioJsBench } from "./studio_js.ts";
import { runStatsBench } from "./stats.ts";
import { runVideoKeyBench } from "./video_key.ts";
import { runVideoBench } from "./video.ts";
import { benchNotify, notifyReport } from "./notify.ts";
import { runOfflineReplayBench } from "./offline_replay.ts";
import { benchOffline, offlineReport } from "./keep_offline.ts";
import { runLoadBench } from "./load.ts";
import postgres from "postgres";

const root = new URL("..", import.meta.url).pathname;
const DATABASE_URL = Deno.env.get("BENCH_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const only = Deno.args.length ? new Set(Deno.args) : null;
const want = (section: string) => !only || only.has(section);

const lines: string[] = [];
const out = (...s: string[]) => {
  for (const l of s.length ? s : [""]) {
    lines.push(l);
    console.log(l);
  }
};

async function startPgliteApp(env: Record<string, string> = {}) {
  const port = freePort();
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-bench-" });
  const proc = await spawnDeno(`${root}main.ts`, ["serve"], {
    ...Deno.env.toObject(),
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    GAFUS_ENV: "development",
    DATABASE_URL: "",
    ...env,
  }, `http://127.0.0.1:${port}/health`);
  return {
    ...proc,
    async stop() {
      await proc.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Gzip bytes of the JavaScript a page loads (module script imports and preloads). */
async function jsBytes(origin: string, path: string): Promise<number> {
  const html = await (await fetch(origin + path)).text();
  const meta = JSON.parse(await Deno.readTextFile(`${root}_fresh/meta.json`));
  const files = new Set<string>();
  for (const m of html.matchAll(/\/_fresh\/js\/([\w.-]+\.js)/g)) files.add(m[1]);
  let total = 0;
  for (const f of files) total += meta.sizes[f]?.gzip ?? 0;
  return total;
}

async function postgresReachable(): Promise<boolean> {
  const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await sql`select 1`;
    return true;
  } catch (err) {
    out(`PostgreSQL is not reachable at ${DATABASE_URL} (${(err as Error).message}): skipped.`, "");
    return false;
  } finally {
    await sql.end();
  }
}

out("# Benchmarks", "");
out(
  `Run ${new Date().toISOString()} on ${Deno.build.os}/${Deno.build.arch}, ` +
    `${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}. ` +
    `Load: wrk, ${DEFAULTS.connections} connections, ${DEFAULTS.threads} threads, ` +
    `${DEFAULTS.seconds} s per scenario, on loopback; the server logs every request ` +
    "(to /dev/null) as in production. Reproduce with `deno task bench` " +
    "(or `deno task bench web accounts jobs learn studio stats video-key video notify offline offline-replay load` for some sections).",
  "",
);
const pg = await postgresReachable();

if (want("web")) {
  const barePort = freePort();
  const bare = await spawnDeno(
    `${root}bench/bare.ts`,
    [String(barePort)],
    Deno.env.toObject(),
    `http://127.0.0.1:${barePort}/`,
  );
  const base1 = await load(
    'bare Deno.serve "ok" (baseline)',
    `${bare.url}/`,
    undefined,
    DEFAULTS,
    bare,
  );

  const app = await startPgliteApp();
  // A bare handler that answers exactly what /health answers (body and headers):
  // what is left between the two is the framework and the middleware stack.
  const sameFile = await Deno.makeTempFile({ suffix: ".json" });
  const sample = await fetch(`${app.url}/health`);
  const sameHeaders = [...sample.headers].filter(([k]) =>
    !["date", "content-length", "vary"].includes(k)
  );
  await Deno.writeTextFile(
    sameFile,
    JSON.stringify({ body: await sample.text(), headers: sameHeaders }),
  );
  const samePort = freePort();
  const same = await spawnDeno(
    `${root}bench/bare.ts`,
    [String(samePort), "same", sameFile],
    Deno.env.toObject(),
    `http://127.0.0.1:${samePort}/`,
  );
  const sameRuns: LoadResult[] = [];
  const healthRuns: LoadResult[] = [];
  // Alternated, three times each: the machine's load drifts within a run.
  for (let i = 0; i < 3; i++) {
    sameRuns.push(
      await load(
        `bare Deno.serve, /health's body and ${sameHeaders.length} headers`,
        `${same.url}/`,
        undefined,
        DEFAULTS,
        same,
      ),
    );
    healthRuns.push(
      await load("/health (full middleware stack)", `${app.url}/health`, undefined, DEFAULTS, app),
    );
  }
  await same.stop();
  await Deno.remove(sameFile).catch(() => {});
  const sameAnswer = median(sameRuns);
  const health = median(healthRuns);
  const coursesPglite = await load(
    "/courses anonymous, PGlite",
    `${app.url}/courses`,
    undefined,
    DEFAULTS,
    app,
  );
  const coursesQuery = await load(
    "/courses?q=… anonymous, PGlite",
    `${app.url}/courses?q=${encodeURIComponent("база")}`,
    undefined,
    DEFAULTS,
    app,
  );
  const jsHome = await jsBytes(app.url, "/");
  const jsCourses = await jsBytes(app.url, "/courses");
  const jsOutline = await jsBytes(app.url, "/courses/eto-baza");
  await app.stop();
  // The same stack without the access log line, to show what logging costs.
  const quiet = await startPgliteApp({ LOG_REQUESTS: "false" });
  const healthQuiet = await load(
    "/health, access log off (LOG_REQUESTS=false)",
    `${quiet.url}/health`,
    undefined,
    DEFAULTS,
    quiet,
  );
  await quiet.stop();

  let coursesPg: LoadResult | null = null;
  if (pg) {
    coursesPg = await withPostgresApp(
      DATABASE_URL,
      (env) =>
        load("/courses anonymous, PostgreSQL", `${env.url}/courses`, undefined, DEFAULTS, env),
      { LOG_REQUESTS: "true", LOG_LEVEL: "info" },
    );
  }
  const base2 = await load(
    'bare Deno.serve "ok" (baseline, again)',
    `${bare.url}/`,
    undefined,
    DEFAULTS,
    bare,
  );
  await bare.stop();
  const baseline: LoadResult = {
    ...base1,
    rps: (base1.rps + base2.rps) / 2,
    cpuUs: mean(base1.cpuUs, base2.cpuUs),
  };

  out("## Web", "");
  out(
    "Ratios are to the mean of the two baseline runs. Server CPU is the process's user + system " +
      "time (all threads, from /proc) over the requests answered: other load on the machine " +
      "stretches wall time and so req/s, much less the CPU a request costs. The /health and " +
      "same-answer rows are the median (by req/s) of three alternated runs.",
    "",
  );
  out(...CPU_TABLE_HEAD);
  out(cpuRow(base1, baseline), cpuRow(base2, baseline));
  out(cpuRow(sameAnswer, baseline));
  out(cpuRow(health, baseline, "≥ 80 %"));
  out(cpuRow(healthQuiet, baseline));
  out(cpuRow(coursesPglite, baseline, "≥ 15 %"), cpuRow(coursesQuery, baseline, "≥ 15 %"));
  if (coursesPg) out(cpuRow(coursesPg, baseline, "≥ 15 %"));
  out("");
  const stackUs = (health.cpuUs ?? NaN) - (sameAnswer.cpuUs ?? NaN);
  out(
    `Framework and middleware cost: /health takes ${fmt(health.cpuUs ?? NaN, 1)} µs of server ` +
      `CPU per request, a bare handler sending the same body and headers ` +
      `${fmt(sameAnswer.cpuUs ?? NaN, 1)} µs: the stack (routing, request id and access log, ` +
      `security headers, session, locale, CSRF) costs ${fmt(stackUs, 1)} µs per request; ` +
      `req/s ${fmt(health.rps / sameAnswer.rps * 100, 1)} % of the same-answer handler. ` +
      `Each response header costs Deno itself about half a microsecond, so the ` +
      `same-answer handler is already far from the "ok" baseline.`,
    "",
  );
  out("### JavaScript shipped (gzip)", "");
  out("| page | bytes | target |", "|---|---:|---|");
  out(`| / | ${jsHome} | 0 B |`);
  out(`| /courses | ${jsCourses} (${fmt(jsCourses / 1024, 1)} KB) | ≤ 15 KB |`);
  out(
    `| /courses/eto-baza (outline, share button) | ${jsOutline} (${
      fmt(jsOutline / 1024, 1)
    } KB) | |`,
  );
  out("");
}

if (want("accounts") && pg) out(...authReport(await benchAuth(DATABASE_URL)));

if (want("jobs")) {
  out(
    "## Jobs (Deno KV queue)",
    "",
    "The runtime beside raw KV and beside BullMQ on the local Redis (in memory, no fsync), " +
      "round by round in the same run. On a disk every KV commit waits for an fsync (a few ms " +
      "here, and more while other processes write), so the disk figures move from run to run: " +
      "compare the ratios.",
    "",
  );
  // tmpfs shows the runtime's own cost; a disk adds fsync to every KV commit.
  const shm = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
  if (shm) out(...jobsReport(await benchJobs({ dir: "/dev/shm" })), "");
  out(...jobsReport(await benchJobs({ dir: "/tmp", jobs: 2_000, latencySamples: 100 })), "");
}

if (want("learn") && pg) out(...await runLearnBench(DATABASE_URL));
if (want("offline-replay") && pg) out(...await runOfflineReplayBench(DATABASE_URL));

if (want("studio") && pg) out(...await runStudioJsBench(DATABASE_URL));
if (want("stats") && pg) out(...await runStatsBench(DATABASE_URL));

if (want("video-key") && pg) out(...await runVideoKeyBench(DATABASE_URL));

if (want("video")) out(...await runVideoBench());

if (want("notify")) out(...notifyReport(await benchNotify()));

if (want("offline")) out(...offlineReport(await benchOffline()));

// 64 connections for 60 s over mixed pages (BENCH_LOAD_SECONDS shortens it).
if (want("load") && pg) out(...await runLoadBench(DATABASE_URL));

if (!only) {
  await Deno.writeTextFile(`${root}bench/RESULTS.md`, lines.join("\n") + "\n");
  console.log("\nwrote bench/RESULTS.md");
}
