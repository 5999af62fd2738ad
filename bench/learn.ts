/**
 * Learner training benchmarks on PostgreSQL (functions for bench/run.ts;
 * `deno run -A --unstable-kv --unstable-cron bench/learn.ts` runs them alone):
 *
 * - the authenticated day page beside a bare `Deno.serve` handler that runs
 *   the same SQL through postgres.js (session user + the day's progress)
 *   and answers it as JSON — target: the page ≥ 50 % of its req/s;
 * - step completion (`POST /api/v1/training/days/<dc>/steps/<sd>/complete`)
 *   by 32 learners on distinct steps — target: p99 < 20 ms at 32 connections;
 * - JavaScript the day page ships (gzip) — target: ≤ 20 KB.
 *
 * The app runs as a subprocess on a fresh database (demo content seeded on
 * first start); sessions are minted with the SESSION_SECRET given to it.
 */
import postgres from "postgres";
import { sql } from "kysely";
import {
  cpuByName,
  cpuDelta,
  cpuSeconds,
  DEFAULTS,
  fmt,
  freePort,
  load,
  type LoadResult,
  loadScript,
  type Options,
  spawnDeno,
} from "./lib.ts";
import { postgresOptions } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import { progressQuery } from "@/core/training/day.ts";
import { stepApiPath } from "@/core/paths.ts";
import type { StepAction } from "@/core/training/actions.ts";
import { type AppEnv, seedPracticeCourse, withPostgresApp } from "./pg_app.ts";
import { openLoop, type OpenLoopResult } from "./open_loop.ts";
import { countingProxy } from "./pg_count.ts";
import type { StepType } from "@/db/schema.ts";

const root = new URL("..", import.meta.url).pathname;

async function dayOfDemo(env: AppEnv, slug: string, position: number) {
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

/** A step action as the islands send it (the learner's first one on a day creates their rows). */
async function act(
  base: string,
  session: { cookie: string; csrf: string },
  dayOnCourseId: string,
  stepOnDayId: string,
  action: StepAction,
): Promise<void> {
  const path = stepApiPath(dayOnCourseId, stepOnDayId, action);
  const r = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      cookie: session.cookie,
      "x-csrf-token": session.csrf,
      "content-type": "application/json",
    },
    body: "{}",
  });
  await r.body?.cancel();
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
}

// ------------------------------------------------------------ day page vs SQL

/** The same SQL a day page request runs once content is cached: session user, then progress. */
function pageQueries(env: AppEnv, userId: string, dayOnCourseId: string) {
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
export async function benchDayPage(env: AppEnv, o: Options = DEFAULTS): Promise<DayPageResult> {
  const [userId] = await env.createUsers("bench_page_", 1);
  const session = await env.sessionFor(userId);
  const { cookie } = session;
  const day = await dayOfDemo(env, "eto-baza", 1);
  const url = `${env.url}/courses/eto-baza/days/${day.id}`;
  // Open the day and read its first theory step (which creates the rows), as a learner does.
  await get(url, cookie);
  const theory = await env.db.selectFrom("day_on_course as dc")
    .innerJoin("step_on_day as sd", "sd.day_id", "dc.day_id")
    .innerJoin("steps as st", "st.id", "sd.step_id")
    .select("sd.id").where("dc.id", "=", day.id).where("st.type", "=", "THEORY")
    .where("sd.archived_at", "is", null).orderBy("sd.position")
    .executeTakeFirst();
  if (theory) await act(env.url, session, day.id, theory.id, "complete");
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

export interface CompletionResult extends LoadResult {
  /** Steps that really went to COMPLETED during the run (the rest were repeats, no-ops). */
  completed: number;
  requests: number;
  /** App CPU (user + system, all threads) per real completion during the closed-loop run, µs. */
  cpuPerCompletionUs?: number;
  /**
   * PostgreSQL's CPU per real completion during the closed-loop run, µs: all
   * of the server's processes (backends, WAL writer…) on this machine.
   */
  pgCpuPerCompletionUs?: number;
  /** SQL statements per completion (Execute/Query messages through a counting proxy). */
  statements: number;
  /** Open-loop run at half the closed-loop rate (latency from each request's scheduled time). */
  openLoop: OpenLoopResult;
  /** Steps the open-loop run really completed. */
  openLoopCompleted: number;
}

interface Entry {
  path: string;
  cookie: string;
  csrf: string;
}

function completeInit(e: Entry): RequestInit {
  return {
    method: "POST",
    headers: {
      cookie: e.cookie,
      "x-csrf-token": e.csrf,
      "content-type": "application/json",
    },
    body: "{}",
  };
}

/** Completions still to do, in request order (step k of every learner, then k+1 …). */
async function openEntries(env: AppEnv, courseId: string, sessions: Map<string, Entry>) {
  const rows = await env.db.selectFrom("user_steps as us")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .select(["us.user_id", "dc.id as dc_id", "sd.id as sd_id"])
    .where("dc.course_id", "=", courseId)
    .where("us.status", "<>", "COMPLETED")
    .orderBy("dc.position").orderBy("sd.position").orderBy("us.user_id")
    .execute();
  return rows.map((r) => ({
    ...sessions.get(r.user_id)!,
    path: stepApiPath(r.dc_id, r.sd_id, "complete"),
  }));
}

async function completedIn(env: AppEnv, courseId: string): Promise<number> {
  const { n } = await env.db.selectFrom("user_steps as us")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .select(sql<number>`count(*)`.as("n"))
    .where("dc.course_id", "=", courseId).where("us.status", "=", "COMPLETED")
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * Statements per completion: a second app instance whose database traffic
 * goes through a counting proxy completes `n` steps one after another.
 */
async function statementsPerCompletion(env: AppEnv, entries: Entry[]): Promise<number> {
  const proxy = countingProxy(env.databaseUrl);
  const app = await env.spawnInstance(proxy.url);
  try {
    // Warm up: the first requests load caches (content, sessions) that a busy app has.
    for (const e of entries.slice(0, 5)) {
      const r = await fetch(app.url + e.path, completeInit(e));
      await r.body?.cancel();
    }
    // Let background work of start-up (cron, jobs) settle before counting.
    await new Promise((r) => setTimeout(r, 500));
    // One at a time, each counted alone; only real completions (a day roll-up in the answer).
    const counts: number[] = [];
    for (const e of entries.slice(5, 45)) {
      proxy.reset();
      const r = await fetch(app.url + e.path, completeInit(e));
      if (r.status !== 200) throw new Error(`${e.path}: ${r.status}`);
      const body = await r.json();
      if (body.day !== null) counts.push(proxy.statements());
    }
    if (!counts.length) throw new Error("no real completion to count statements of");
    return counts.reduce((a, b) => a + b, 0) / counts.length;
  } finally {
    await app.stop();
    proxy.close();
  }
}

/**
 * 32 learners, each in a course of 40 days × 5 practice steps; every
 * request completes the next step of the next learner (wrk cycles through
 * them), so requests are real completions with a day and course roll-up.
 */
export async function benchStepCompletion(
  env: AppEnv,
  o: Options = DEFAULTS,
): Promise<CompletionResult> {
  const learners = o.connections;
  // Enough steps for the closed-loop run, the statement count and the open-loop run.
  const course = await seedPracticeCourse(env, {
    slug: "bench-practice",
    name: "Bench",
    authorPrefix: "bench_author_",
    days: 60,
    stepsPerDay: 5,
  });
  const courseId = course.courseId;
  const userIds = await env.createUsers("bench_learner_", learners);
  const dcIds = course.days.map((d) => d.dayOnCourseId);
  const firstSteps = course.days.map((d) => d.stepOnDayIds[0]);

  // Each learner opens every day once and acts on it (a reset of its first step,
  // which changes nothing but creates the rows), so completions find their rows.
  const sessions = await Promise.all(userIds.map((id) => env.sessionFor(id)));
  await Promise.all(sessions.map(async (s) => {
    for (const [d, dc] of dcIds.entries()) {
      await get(`${env.url}/courses/bench-practice/days/${dc}`, s.cookie);
      await act(env.url, s, dc, firstSteps[d], "reset");
    }
  }));
  const rows = await env.db.selectFrom("user_steps as us")
    .innerJoin("step_on_day as sd", "sd.id", "us.step_on_day_id")
    .innerJoin("user_trainings as ut", "ut.id", "us.user_training_id")
    .innerJoin("day_on_course as dc", "dc.id", "ut.day_on_course_id")
    .select([
      "us.user_id",
      "dc.id as dc_id",
      "sd.id as sd_id",
      "dc.position as day",
      "sd.position as step",
    ])
    .where("dc.course_id", "=", courseId)
    .orderBy("dc.position").orderBy("sd.position")
    .execute();
  // Request order: step k of every learner, then step k+1 … (learners interleaved).
  const byUser = new Map(userIds.map((id, i) => [id, i]));
  const entries = rows
    .map((r) => ({ ...r, u: byUser.get(r.user_id)! }))
    .sort((a, b) => (a.day - b.day) || (a.step - b.step) || (a.u - b.u))
    .map((r) => ({ path: stepApiPath(r.dc_id, r.sd_id, "complete"), ...sessions[r.u] }));

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
  const cpuBefore = cpuSeconds(env.pid);
  const pgBefore = cpuByName("postgres");
  const result = await loadScript("POST …/complete, 32 learners, distinct steps", env.url, lua, o);
  const cpuAfter = cpuSeconds(env.pid);
  const pgCpu = cpuDelta(pgBefore, cpuByName("postgres"));
  const completed = await completedIn(env, courseId);
  const cpu = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
  if (cpu !== null && result.requests > 0) result.cpuUs = cpu / result.requests * 1e6;
  const cpuPerCompletionUs = cpu !== null && completed > 0 ? cpu / completed * 1e6 : undefined;
  const pgCpuPerCompletionUs = pgCpu !== null && completed > 0
    ? pgCpu / completed * 1e6
    : undefined;

  const bySession = new Map(userIds.map((id, i) => [id, { ...sessions[i], path: "" }]));
  const statements = await statementsPerCompletion(
    env,
    await openEntries(env, courseId, bySession),
  );

  // Open loop at half the saturated rate, on steps not completed yet.
  const left = await openEntries(env, courseId, bySession);
  const rate = Math.max(1, Math.round(result.rps / 2));
  const seconds = Math.min(o.seconds, Math.floor(left.length / rate) || 1);
  const before = await completedIn(env, courseId);
  const openLoopResult = await openLoop(
    `POST …/complete, open loop at ${rate}/s`,
    env.url,
    rate,
    seconds,
    (i) => {
      const e = left[i % left.length];
      return { path: e.path, init: completeInit(e) };
    },
  );
  const openLoopCompleted = (await completedIn(env, courseId)) - before;
  return {
    ...result,
    completed,
    cpuPerCompletionUs,
    pgCpuPerCompletionUs,
    statements,
    openLoop: openLoopResult,
    openLoopCompleted,
  };
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
export async function benchDayPageJs(env: AppEnv): Promise<{ typical: number; all: number }> {
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
  return await withPostgresApp(serverUrl, async (env) => {
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
      row(done, "saturation (closed loop, wrk)"),
      `| ${done.openLoop.name} | ${fmt(done.openLoop.rps)} | ${fmt(done.openLoop.p50ms, 2)} | ${
        fmt(done.openLoop.p99ms, 2)
      } | half the saturated rate | p99 < 20 ms | ${done.openLoop.errors} |`,
      "",
      `Completions: ${done.requests} requests, ${done.completed} steps really completed ` +
      `(each with its day and course roll-up); the rest repeated a completed step (no-op).`,
      "",
      "| step completion cost | figure |",
      "|---|---:|",
      `| completions/s at saturation (32 connections, closed loop) | ${fmt(done.rps)} |`,
      `| app CPU per request (closed loop), µs | ${fmt(done.cpuUs ?? NaN)} |`,
      `| app CPU per real completion (closed loop), µs | ${fmt(done.cpuPerCompletionUs ?? NaN)} |`,
      `| PostgreSQL CPU per real completion (closed loop, all its processes), µs | ${
        done.pgCpuPerCompletionUs === undefined
          ? "n/a (server not on this machine)"
          : fmt(done.pgCpuPerCompletionUs)
      } |`,
      `| SQL statements per completion (incl. BEGIN/COMMIT) | ${fmt(done.statements, 1)} |`,
      `| open loop: rate, s, requests (real completions) | ${done.openLoop.rate}/s, ${
        fmt(done.openLoop.requests / done.openLoop.rate, 1)
      } s, ${done.openLoop.requests} (${done.openLoopCompleted}) |`,
      `| open loop: p50 / p90 / p99 / max, ms | ${fmt(done.openLoop.p50ms, 2)} / ${
        fmt(done.openLoop.p90ms, 2)
      } / ${fmt(done.openLoop.p99ms, 2)} / ${fmt(done.openLoop.maxMs, 2)} |`,
      `| open loop: generator send lag p99, ms | ${fmt(done.openLoop.sendLagP99ms, 2)} |`,
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
