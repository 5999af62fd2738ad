/**
 * `deno task bench`: one run, every figure beside its baseline from the same
 * run, written to bench/RESULTS.md. These machines are noisy, so read the
 * ratios rather than the absolute numbers.
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
import postgres from "postgres";

const root = new URL("..", import.meta.url).pathname;
const DATABASE_URL = Deno.env.get("BENCH_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

const lines: string[] = [];
const out = (s = "") => {
  lines.push(s);
  console.log(s);
};

async function startApp(env: Record<string, string>) {
  const port = freePort();
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-bench-" });
  const proc = await spawnDeno(`${root}main.ts`, ["serve"], {
    ...Deno.env.toObject(),
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    GAFUS_ENV: "development",
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

async function withBenchDb<T>(fn: (url: string) => Promise<T>): Promise<T | null> {
  const name = `gafus_bench_${Date.now()}`;
  let admin: postgres.Sql;
  try {
    admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin`select 1`;
  } catch (err) {
    out(`PostgreSQL not reachable at ${DATABASE_URL} (${(err as Error).message}); skipped.`);
    return null;
  }
  await admin.unsafe(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(DATABASE_URL);
    url.pathname = `/${name}`;
    return await fn(url.href);
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const started = new Date();
out("# Benchmarks");
out();
out(
  `Run ${started.toISOString()} on ${Deno.build.os}/${Deno.build.arch}, ` +
    `${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}. ` +
    `Load: ${DEFAULTS.connections} connections, ${DEFAULTS.threads} threads, ${DEFAULTS.seconds} s per scenario, on loopback.`,
);
out();

// --- Baseline -------------------------------------------------------------------
const barePort = freePort();
const bare = await spawnDeno(
  `${root}bench/bare.ts`,
  [String(barePort)],
  Deno.env.toObject(),
  `http://127.0.0.1:${barePort}/`,
);
const base1 = await load('bare Deno.serve "ok" (baseline)', `${bare.url}/`);

// --- Web on PGlite ----------------------------------------------------------------
const pglite = await startApp({});
const health = await load("/health (full middleware stack)", `${pglite.url}/health`);
const coursesPglite = await load("/courses anonymous, PGlite", `${pglite.url}/courses`);
const jsHome = await jsBytes(pglite.url, "/");
const jsCourses = await jsBytes(pglite.url, "/courses");
await pglite.stop();

// --- Web on PostgreSQL ------------------------------------------------------------
const coursesPg = await withBenchDb(async (url) => {
  const app = await startApp({ DATABASE_URL: url });
  try {
    return await load("/courses anonymous, PostgreSQL", `${app.url}/courses`);
  } finally {
    await app.stop();
  }
});

const base2 = await load('bare Deno.serve "ok" (baseline, again)', `${bare.url}/`);
await bare.stop();

const baseline: LoadResult = {
  ...base1,
  name: "baseline (mean of two runs)",
  rps: (base1.rps + base2.rps) / 2,
};

out("## Web");
out();
out(...[]);
for (const l of TABLE_HEAD) out(l);
out(row(base1, baseline));
out(row(base2, baseline));
out(row(health, baseline, "≥ 80 %"));
out(row(coursesPglite, baseline, "≥ 15 %"));
if (coursesPg) out(row(coursesPg, baseline, "≥ 15 %"));
out();
out("## JavaScript shipped (gzip)");
out();
out("| page | bytes | target |");
out("|---|---:|---|");
out(`| / | ${jsHome} | 0 B |`);
out(`| /courses | ${jsCourses} (${fmt(jsCourses / 1024, 1)} KB) | ≤ 15 KB |`);
out();

await Deno.writeTextFile(`${root}bench/RESULTS.md`, lines.join("\n") + "\n");
console.log(`\nwrote bench/RESULTS.md`);
