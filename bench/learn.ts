/**
 * Learner training benchmarks on PostgreSQL (functions for bench/run.ts;
 * `deno run -A --unstable-kv --unstable-cron bench/learn.ts` runs them alone):
 *
 * - the authenticated day page beside a bare `Deno.serve` handler that runs
 *   the same SQL through postgres.js (session user + the day's progress)
 *   and answers it as JSON — target: the page ≥ 50 % of its req/s;
 * - step completion (`POST /api/v1/training/steps/<id>/complete`) by 32
 *   learners on distinct steps — target: p99 < 20 ms at 32 connections;
 * - JavaScript the day page ships (gzip) — target: ≤ 20 KB.
 *
 * The app runs as a subprocess on a fresh database (demo content seeded on
 * first start); sessions are minted with the SESSION_SECRET given to it.
 */
import postgres from "postgres";
import { sql } from "kysely";
import { DEFAULTS, fmt, freePort, load, type LoadResult, type Options, spawnDeno } from "./lib.ts";
import { openDatabase, postgresOptions } from "../db/connection.ts";
import { newId } from "../core/ids.ts";
import { json } from "../db/connection.ts";
import { hashPassword } from "../core/auth/password.ts";
import { createSessionToken } from "../core/auth/session.ts";
import { csrfTokenForUser } from "../http/csrf.ts";
import { SESSION_COOKIE } from "../http/session.ts";
import { progressQuery } from "../core/training/day.ts";
import type { Services } from "../core/services.ts";
import type { Kysely } from "kysely";
import type { Database, StepType } from "../db/schema.ts";

const root = new URL("..", import.meta.url).pathname;

export interface LearnEnv {
  /** Origin of the app under test. */
  url: string;
  databaseUrl: string;
  db: Kysely<Database>;
  secret: string;
  /** A signed-in learner: cookie header value and CSRF token. */
  sessionFor(userId: string): Promise<{ cookie: string; csrf: string }>;
  createUsers(prefix: string, n: number): Promise<string[]>;
}

/** Runs `fn` against the app on a fresh PostgreSQL database on `serverUrl`'s server. */
export async function withLearnApp<T>(
  serverUrl: string,
  fn: (env: LearnEnv) => Promise<T>,
): Promise<T> {
  const name = `gafus_learn_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const databaseUrl = u.href;
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-learn-" });
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const port = freePort();
  const app = await spawnDeno(`${root}main.ts`, ["serve"], {
    ...Deno.env.toObject(),
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    GAFUS_ENV: "development",
    SESSION_SECRET: secret,
    LOG_REQUESTS: "false",
    LOG_LEVEL: "warn",
    AUTO_SEED: "true",
  }, `http://127.0.0.1:${port}/health`);
  const handle = await openDatabase({ databaseUrl, dataDir: "", databasePoolMax: 4 });
  const fakeServices = { config: { secrets: { session: secret } } } as unknown as Services;
  let hash: string | undefined;
  const env: LearnEnv = {
    url: app.url,
    databaseUrl,
    db: handle.db,
    secret,
    async sessionFor(userId) {
      const token = await createSessionToken(fakeServices, { id: userId, sessionVersion: 1 });
      return {
        cookie: `${SESSION_COOKIE}=${token}`,
        csrf: csrfTokenForUser(secret, { id: userId, sessionVersion: 1 }),
      };
    },
    async createUsers(prefix, n) {
      hash ??= await hashPassword("Bench-Password-1");
      const ids = Array.from({ length: n }, () => newId());
      await handle.db.insertInto("users").values(ids.map((id, i) => ({
        id,
        username: `${prefix}${i}`,
        password_hash: hash!,
      }))).execute();
      await handle.db.insertInto("user_profiles").values(ids.map((id) => ({ user_id: id })))
        .execute();
      return ids;
    },
  };
  try {
    // The app seeds the demo courses on its first start; wait until they are there.
    for (let i = 0; i < 100; i++) {
      const r = await handle.db.selectFrom("courses").select("id").where("slug", "=", "eto-baza")
        .executeTakeFirst();
      if (r) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return await fn(env);
  } finally {
    await app.stop();
    await handle.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

async function dayOfDemo(env: LearnEnv, slug: string, position: number) {
  return await env.db.selectFrom("day_on_course as dc")
    .innerJoin("courses as c", "c.id", "dc.course_id")
    .select(["dc.id"]).where("c.slug", "=", slug).where("dc.position", "=", position)
    .executeTakeFirstOrThrow();
}

async function get(url: string, cookie: string): Promise<string> {
  const r = await fetch(url, { headers: { cookie } });
  if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
  return await r.text();
}

// ------------------------------------------------------------ day page vs SQL

/** The same SQL a day page request runs once content is cached: session user, then progress. */
function pageQueries(env: LearnEnv, userId: string, dayOnCourseId: string) {
  const user = env.db.selectFrom("users")
    .select(["id", "username", "role", "locale", "time_zone", "session_version", "disabled_at"])
    .where("id", "=", userId).compile();
  const progress = progressQuery(env.db, userId, dayOnCourseId).compile();
  return [user, progress].map((q) => ({ sql: q.sql, params: q.parameters as unknown[] }));
}

/** `bench/learn.ts baseline-server <port> <databaseUrl> <queries.json>`: the bare baseline. */
async function baselineServer(port: number, databaseUrl: string, queriesFile: string) {
  const queries: { sql: string; params: unknown[] }[] = JSON.parse(
    await Deno.readTextFile(queriesFile),
  );
  const client = postgres(databaseUrl, postgresOptions(10));
  Deno.serve({ port, hostname: "127.0.0.1", onListen() {} }, async () => {
    const out: unknown[] = [];
    // deno-lint-ignore no-explicit-any
    for (const q of queries) out.push(await client.unsafe(q.sql, q.params as any[]));
    return Response.json(out);
  });
}

export interface DayPageResult {
  page: LoadResult;
  baseline: LoadResult;
  /** page req/s ÷ baseline req/s. */
  ratio: number;
}

/** The authenticated day page of the demo course vs the same SQL served bare. */
export async function benchDayPage(env: LearnEnv, o: Options = DEFAULTS): Promise<DayPageResult> {
  const [userId] = await env.createUsers("bench_page_", 1);
  const { cookie } = await env.sessionFor(userId);
  const day = await dayOfDemo(env, "eto-baza", 1);
  const url = `${env.url}/courses/eto-baza/days/${day.id}`;
  // Open the day twice: rows are created and the first theory step is read.
  await get(url, cookie);
  await get(url, cookie);
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(file, JSON.stringify(pageQueries(env, userId, day.id)));
  const port = freePort();
  const bare = await spawnDeno(
    new URL(import.meta.url).pathname,
    ["baseline-server", String(port), env.databaseUrl, file],
    Deno.env.toObject(),
    `http://127.0.0.1:${port}/`,
  );
  try {
    const baseline = await load(
      "bare Deno.serve + same SQL (postgres.js) as JSON",
      bare.url,
      {},
      o,
    );
    const page = await load("day page, signed in (PostgreSQL)", url, { headers: { cookie } }, o);
    return { page, baseline, ratio: page.rps / baseline.rps };
  } finally {
    await bare.stop();
    await Deno.remove(file).catch(() => {});
  }
}

// ----------------------------------------------------------- step completion

function parseWrk(name: string, text: string): LoadResult {
  const ms = (s: string) => {
    const m = /^([\d.]+)(us|ms|s)$/.exec(s.trim());
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "ms" ? 1 : 1000);
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    name,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN),
    p50ms: ms(/\s50%\s+(\S+)/.exec(text)?.[1] ?? ""),
    p99ms: ms(/\s99%\s+(\S+)/.exec(text)?.[1] ?? ""),
    errors: non2xx + (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
    tool: "wrk",
  };
}

export interface CompletionResult extends LoadResult {
  /** Steps that really went to COMPLETED during the run (the rest were repeats, no-ops). */
  completed: number;
  requests: number;
}

/**
 * 32 learners, each in a course of 40 days × 5 practice steps; every
 * request completes the next step of the next learner (wrk cycles through
 * them), so requests are real completions with a day and course roll-up.
 */
export async function benchStepCompletion(
  env: LearnEnv,
  o: Options = DEFAULTS,
): Promise<CompletionResult> {
  const learners = o.connections;
  const daysPer = 40, stepsPer = 5;
  const [authorId] = await env.createUsers("bench_author_", 1);
  await env.db.updateTable("users").set({ role: "TRAINER" }).where("id", "=", authorId).execute();
  const userIds = await env.createUsers("bench_learner_", learners);
  const courseId = newId();
  await env.db.insertInto("courses").values({
    id: courseId,
    slug: "bench-practice",
    name: "Bench",
    published_at: new Date(),
    author_id: authorId,
  }).execute();
  const dayIds: string[] = [];
  const stepRows: { id: string; title: string; type: StepType; author_id: string }[] = [];
  for (let d = 0; d < daysPer; d++) {
    const dayId = newId();
    dayIds.push(dayId);
    await env.db.insertInto("training_days").values({
      id: dayId,
      title: `День ${d + 1}`,
      author_id: authorId,
    }).execute();
    const steps = Array.from({ length: stepsPer }, (_, i) => ({
      id: newId(),
      title: `Упражнение ${d + 1}.${i + 1}`,
      type: "PRACTICE" as StepType,
      author_id: authorId,
      images: json([]),
    }));
    stepRows.push(...steps);
    await env.db.insertInto("steps").values(steps).execute();
    await env.db.insertInto("step_on_day").values(
      steps.map((st, i) => ({ id: newId(), day_id: dayId, step_id: st.id, position: i })),
    ).execute();
  }
  const dcIds = dayIds.map(() => newId());
  await env.db.insertInto("day_on_course").values(
    dayIds.map((day_id, position) => ({
      id: dcIds[position],
      course_id: courseId,
      day_id,
      position,
    })),
  ).execute();

  // Each learner opens every day once (creating the rows), as the page would.
  const sessions = await Promise.all(userIds.map((id) => env.sessionFor(id)));
  await Promise.all(sessions.map(async (s) => {
    for (const dc of dcIds) await get(`${env.url}/courses/bench-practice/days/${dc}`, s.cookie);
  }));
  const rows = await env.db.selectFrom("user_steps as us")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .select(["us.id", "us.user_id", "dc.position as day", "sd.position as step"])
    .where("dc.course_id", "=", courseId)
    .orderBy("dc.position").orderBy("sd.position")
    .execute();
  // Request order: step k of every learner, then step k+1 … (learners interleaved).
  const byUser = new Map(userIds.map((id, i) => [id, i]));
  const entries = rows
    .map((r) => ({ ...r, u: byUser.get(r.user_id)! }))
    .sort((a, b) => (a.day - b.day) || (a.step - b.step) || (a.u - b.u))
    .map((r) => ({ path: `/api/v1/training/steps/${r.id}/complete`, ...sessions[r.u] }));

  const script = await Deno.makeTempFile({ suffix: ".lua" });
  const lua = [
    "local entries = {",
    ...entries.map((e) =>
      `{${JSON.stringify(e.path)},${JSON.stringify(e.cookie)},${JSON.stringify(e.csrf)}},`
    ),
    "}",
    "local counter = 0",
    "function setup(thread) thread:set('tid', counter); counter = counter + 1 end",
    "local i, n = 0, 1",
    `function init(args) i = tid; n = ${o.threads} end`,
    "function request()",
    "  local e = entries[(i % #entries) + 1]",
    "  i = i + n",
    "  return wrk.format('POST', e[1], { ['Cookie'] = e[2], ['X-CSRF-Token'] = e[3],",
    "    ['Content-Type'] = 'application/json' }, '{}')",
    "end",
  ].join("\n");
  await Deno.writeTextFile(script, lua);
  try {
    const out = await new Deno.Command("wrk", {
      args: [
        "-t",
        String(o.threads),
        "-c",
        String(o.connections),
        "-d",
        `${o.seconds}s`,
        "--latency",
        "-s",
        script,
        env.url,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const result = parseWrk("POST …/complete, 32 learners, distinct steps", text);
    const { n } = await env.db.selectFrom("user_steps as us")
      .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
      .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
      .select(sql<number>`count(*)`.as("n"))
      .where("dc.course_id", "=", courseId).where("us.status", "=", "COMPLETED")
      .executeTakeFirstOrThrow();
    const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
    return { ...result, completed: Number(n), requests };
  } finally {
    await Deno.remove(script).catch(() => {});
  }
}

// ---------------------------------------------------------------- JavaScript

/** Gzip bytes of the JavaScript a page loads (module imports and preloads, from the build meta). */
export async function pageJsBytes(url: string, cookie: string): Promise<number> {
  const html = await get(url, cookie);
  const meta = JSON.parse(await Deno.readTextFile(`${root}_fresh/meta.json`));
  const files = new Set<string>();
  for (const m of html.matchAll(/\/_fresh\/js\/([\w.-]+\.js)/g)) files.add(m[1]);
  let total = 0;
  for (const f of files) total += meta.sizes[f]?.gzip ?? 0;
  return total;
}

/** JS of a demo day (timer, theory, diary) and of a day with every kind of step. */
export async function benchDayPageJs(env: LearnEnv): Promise<{ typical: number; all: number }> {
  const [userId] = await env.createUsers("bench_js_", 1);
  const { cookie } = await env.sessionFor(userId);
  const typical = await dayOfDemo(env, "eto-baza", 2);
  const author = await env.db.selectFrom("users").select("id").where("username", "=", "trainer")
    .executeTakeFirstOrThrow();
  const dayId = newId(), dcId = newId(), courseId = newId();
  await env.db.insertInto("courses").values({
    id: courseId,
    slug: "bench-all-steps",
    name: "Every step type",
    published_at: new Date(),
    author_id: author.id,
  }).execute();
  await env.db.insertInto("training_days").values({
    id: dayId,
    title: "Every step type",
    author_id: author.id,
  }).execute();
  const kinds: StepType[] = ["THEORY", "TRAINING", "PRACTICE", "DIARY", "EXAMINATION"];
  for (const [i, type] of kinds.entries()) {
    const id = newId();
    await env.db.insertInto("steps").values({
      id,
      title: type,
      type,
      duration_sec: type === "TRAINING" ? 60 : null,
      requires_written_feedback: type === "EXAMINATION",
      requires_video_report: type === "EXAMINATION",
      author_id: author.id,
    }).execute();
    await env.db.insertInto("step_on_day").values({
      id: newId(),
      day_id: dayId,
      step_id: id,
      position: i,
    })
      .execute();
  }
  await env.db.insertInto("day_on_course").values({
    id: dcId,
    course_id: courseId,
    day_id: dayId,
    position: 0,
  }).execute();
  return {
    typical: await pageJsBytes(`${env.url}/courses/eto-baza/days/${typical.id}`, cookie),
    all: await pageJsBytes(`${env.url}/courses/bench-all-steps/days/${dcId}`, cookie),
  };
}

// ------------------------------------------------------------------- report

/** Runs the three benchmarks and returns Markdown lines for bench/RESULTS.md. */
export async function runLearnBench(serverUrl: string, o: Options = DEFAULTS): Promise<string[]> {
  return await withLearnApp(serverUrl, async (env) => {
    const js = await benchDayPageJs(env);
    const day = await benchDayPage(env, o);
    const done = await benchStepCompletion(env, o);
    const row = (r: LoadResult, extra = "", target = "") =>
      `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50ms, 2)} | ${
        fmt(r.p99ms, 2)
      } | ${extra} | ${target} | ${r.errors} |`;
    return [
      "## Learner training (PostgreSQL)",
      "",
      "| scenario | req/s | p50 ms | p99 ms | vs baseline | target | errors |",
      "|---|---:|---:|---:|---:|---|---:|",
      row(day.baseline, "100 %"),
      row(day.page, `${fmt(day.ratio * 100, 1)} %`, "≥ 50 %"),
      row(done, "", "p99 < 20 ms"),
      "",
      `Completions: ${done.requests} requests, ${done.completed} steps really completed ` +
      `(each with its day and course roll-up); the rest repeated a completed step (no-op).`,
      "",
      "| day page JavaScript (gzip) | bytes | target |",
      "|---|---:|---|",
      `| demo day (timer, theory, diary) | ${js.typical} (${
        fmt(js.typical / 1024, 1)
      } KB) | ≤ 20 KB |`,
      `| day with every step type | ${js.all} (${fmt(js.all / 1024, 1)} KB) | ≤ 20 KB |`,
      "",
    ];
  });
}

if (import.meta.main) {
  if (Deno.args[0] === "baseline-server") {
    await baselineServer(Number(Deno.args[1]), Deno.args[2], Deno.args[3]);
  } else {
    const server = Deno.env.get("BENCH_DATABASE_URL") ??
      "postgres://postgres@127.0.0.1:5432/postgres";
    for (const line of await runLearnBench(server)) console.log(line);
  }
}
