/**
 * `deno task bench`: one run, every figure beside its baseline from the same
 * run, written to bench/RESULTS.md. These machines are noisy, so read the
 * ratios rather than the absolute numbers.
 *
 * Sections: web (bare baseline, /health, /courses on PGlite and PostgreSQL,
 * JS per page), accounts (login vs the bare KDF, signed-in /profile), jobs
 * (runtime vs raw KV), learner training (day page vs bare SQL, completion p99),
 * studio (JS the editors ship), trainer statistics (a 10k-learner course page vs its
 * bare SQL), video-key (the video key endpoint vs 16 bare bytes), video (the
 * transcoding job vs one ffmpeg per rendition), notify (1,000 reminders in one minute
 * through the notification pipeline to a fake Bot API and a loopback push service),
 * offline-replay (200 queued offline actions replayed through the real endpoint vs the
 * same 200 sent online; a second replay must change nothing).
 * `BENCH_DATABASE_URL` names the PostgreSQL server (default: local `postgres`).
 */
import {
  DEFAULTS,
  fmt,
  freePort,
  load,
  type LoadResult,
  row,
  spawnDeno,
  TABLE_HEAD,
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
import { runOfflineReplayBench } from "./offline.ts";
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
    "(or `deno task bench web accounts jobs learn studio stats video-key video notify offline-replay` for some sections).",
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
  const base1 = await load('bare Deno.serve "ok" (baseline)', `${bare.url}/`);

  const app = await startPgliteApp();
  const health = await load("/health (full middleware stack)", `${app.url}/health`);
  const coursesPglite = await load("/courses anonymous, PGlite", `${app.url}/courses`);
  const coursesQuery = await load(
    "/courses?q=… anonymous, PGlite",
    `${app.url}/courses?q=${encodeURIComponent("база")}`,
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
  );
  await quiet.stop();

  let coursesPg: LoadResult | null = null;
  if (pg) {
    coursesPg = await withPostgresApp(
      DATABASE_URL,
      (env) => load("/courses anonymous, PostgreSQL", `${env.url}/courses`),
      { LOG_REQUESTS: "true", LOG_LEVEL: "info" },
    );
  }
  const base2 = await load('bare Deno.serve "ok" (baseline, again)', `${bare.url}/`);
  await bare.stop();
  const baseline: LoadResult = { ...base1, rps: (base1.rps + base2.rps) / 2 };

  out("## Web", "", "Ratios are to the mean of the two baseline runs.", "");
  out(...TABLE_HEAD);
  out(row(base1, baseline), row(base2, baseline));
  out(row(health, baseline, "≥ 80 %"));
  out(row(healthQuiet, baseline));
  out(row(coursesPglite, baseline, "≥ 15 %"), row(coursesQuery, baseline, "≥ 15 %"));
  if (coursesPg) out(row(coursesPg, baseline, "≥ 15 %"));
  out("", "### JavaScript shipped (gzip)", "");
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
  out("## Jobs (Deno KV queue)", "");
  // tmpfs shows the runtime's own cost; a disk adds fsync on both sides.
  const shm = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
  if (shm) out(...jobsReport(await benchJobs({ dir: "/dev/shm" })), "");
  out(...jobsReport(await benchJobs({ jobs: 300, rounds: 3, latencySamples: 50 })), "");
}

if (want("learn") && pg) out(...await runLearnBench(DATABASE_URL));
if (want("offline-replay") && pg) out(...await runOfflineReplayBench(DATABASE_URL));

if (want("studio") && pg) out(...await runStudioJsBench(DATABASE_URL));
if (want("stats") && pg) out(...await runStatsBench(DATABASE_URL));

if (want("video-key") && pg) out(...await runVideoKeyBench(DATABASE_URL));

if (want("video")) out(...await runVideoBench());

if (want("notify")) out(...notifyReport(await benchNotify()));

if (!only) {
  await Deno.writeTextFile(`${root}bench/RESULTS.md`, lines.join("\n") + "\n");
  console.log("\nwrote bench/RESULTS.md");
}
