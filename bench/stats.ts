/**
 * The trainer's per-course statistics page on PostgreSQL, for a course with
 * 10,000 learners and 200,000 step-progress rows (functions for
 * bench/run.ts; `deno task bench stats` runs this section alone, and
 * `deno run -A --unstable-kv --unstable-cron bench/stats.ts` does too).
 *
 * - Seeds the rows with `generate_series` (seconds, not minutes): 5 days ×
 *   4 steps, every learner with a row per step, progress spread so every
 *   day, step, weekday and hour has numbers; exams, reviews, favourites.
 * - Measures GET `/studio/courses/<id>/stats` signed in as the trainer:
 *   latency p50/p95 over sequential requests (one client) and with four
 *   clients at once. Target: p50 ≤ 150 ms. The page reuses a course's
 *   aggregates for a minute, so also `courseStats` computed cold.
 * - Baseline: a bare `Deno.serve` that runs the same SQL the page runs
 *   (captured from core with a logging Kysely) through postgres.js, the
 *   session lookup first and the rest in parallel (the least the page could
 *   cost), and answers JSON.
 * - Prints which index (or sequential scan) each statistics query's plan
 *   uses (EXPLAIN).
 */
import postgres from "postgres";
import { Kysely, sql } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import { fmt, freePort, spawnDeno } from "./lib.ts";
import { postgresOptions } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import { studioCourseStatsPath } from "@/core/paths.ts";
import { courseStats } from "@/core/studio/stats/course.ts";
import { courseLearners } from "@/core/studio/stats/learners.ts";
import type { Services } from "@/core/services.ts";
import { Cache } from "@/platform/cache.ts";
import type { Database } from "@/db/schema.ts";
import { type AppEnv, withPostgresApp } from "./pg_app.ts";

const LEARNERS = 10_000;
const DAYS = 5, STEPS = 4;

interface Query {
  sql: string;
  params: unknown[];
}

/** A trainer's course of 5 × 4 steps and its learners' progress, all in SQL. */
export async function seed(env: AppEnv): Promise<{ courseId: string; trainerId: string }> {
  const db = env.db;
  const [trainerId] = await env.createUsers("stats_trainer_", 1);
  await db.updateTable("users").set({ role: "TRAINER", time_zone: "Asia/Yekaterinburg" })
    .where("id", "=", trainerId).execute();
  const courseId = newId();
  await db.insertInto("courses").values({
    id: courseId,
    slug: "bench-stats",
    name: "Bench statistics",
    published_at: new Date(),
    author_id: trainerId,
  }).execute();
  const dcIds: string[] = [], sdIds: string[] = [];
  let examStepId = "";
  for (let d = 0; d < DAYS; d++) {
    const dayId = newId();
    await db.insertInto("training_days").values({
      id: dayId,
      title: `День ${d + 1}`,
      author_id: trainerId,
    })
      .execute();
    for (let k = 0; k < STEPS; k++) {
      const stepId = newId(), sdId = newId();
      const exam = d === DAYS - 1 && k === 0;
      if (exam) examStepId = stepId;
      await db.insertInto("steps").values({
        id: stepId,
        title: `Шаг ${d + 1}.${k + 1}`,
        type: exam ? "EXAMINATION" : "PRACTICE",
        requires_written_feedback: exam,
        author_id: trainerId,
      }).execute();
      await db.insertInto("step_on_day").values({
        id: sdId,
        day_id: dayId,
        step_id: stepId,
        position: k,
      })
        .execute();
      sdIds.push(sdId);
    }
    const dcId = newId();
    await db.insertInto("day_on_course").values({
      id: dcId,
      course_id: courseId,
      day_id: dayId,
      position: d,
    })
      .execute();
    dcIds.push(dcId);
  }
  const total = DAYS * STEPS;
  // Learner g has done the first (g % 21) steps; 20 means the whole course.
  await sql`
    INSERT INTO users (id, username, password_hash)
    SELECT md5('bl' || g)::uuid::text, 'stats_learner_' || g, 'x'
    FROM generate_series(1, ${LEARNERS}::int) g`.execute(db);
  await sql`
    INSERT INTO user_courses (user_id, course_id, status, started_at, completed_at)
    SELECT md5('bl' || g)::uuid::text, ${courseId},
           CASE WHEN g % 21 = ${total}::int THEN 'COMPLETED' ELSE 'IN_PROGRESS' END,
           now() - (g % 90) * interval '1 day',
           CASE WHEN g % 21 = ${total}::int
                THEN now() - (g % 90) * interval '1 day' + (g % 13 + 1) * interval '1 day' END
    FROM generate_series(1, ${LEARNERS}::int) g`.execute(db);
  await sql`
    INSERT INTO user_trainings (id, user_id, day_on_course_id, status, started_at, completed_at)
    SELECT md5('ut' || g || '-' || d)::uuid::text, md5('bl' || g)::uuid::text,
           (${dcIds}::text[])[d + 1],
           CASE WHEN g % 21 >= (d + 1) * ${STEPS}::int THEN 'COMPLETED'
                WHEN g % 21 > d * ${STEPS}::int THEN 'IN_PROGRESS' ELSE 'NOT_STARTED' END,
           CASE WHEN g % 21 > d * ${STEPS}::int THEN now() - (g % 90) * interval '1 day' END,
           CASE WHEN g % 21 >= (d + 1) * ${STEPS}::int
                THEN now() - (g % 90) * interval '1 day' + (g % 300 + 10) * interval '1 minute' END
    FROM generate_series(1, ${LEARNERS}::int) g, generate_series(0, ${DAYS - 1}::int) d`.execute(
    db,
  );
  await sql`
    INSERT INTO user_steps (id, user_training_id, step_on_day_id, user_id, status, completed_at)
    SELECT md5('us' || g || '-' || s)::uuid::text,
           md5('ut' || g || '-' || (s / ${STEPS}::int))::uuid::text,
           (${sdIds}::text[])[s + 1], md5('bl' || g)::uuid::text,
           CASE WHEN s < g % 21 THEN 'COMPLETED' ELSE 'NOT_STARTED' END,
           CASE WHEN s < g % 21 THEN now() - ((g * 7 + s * 13) % 2000) * interval '1 hour' END
    FROM generate_series(1, ${LEARNERS}::int) g, generate_series(0, ${total - 1}::int) s`
    .execute(db);
  const examSd = DAYS * STEPS - STEPS; // first step of the last day
  await sql`
    INSERT INTO exam_results (id, user_step_id, step_id, course_id, user_id, test_score,
                              test_max_score, written_answer, status)
    SELECT gen_random_uuid()::text, md5('us' || g || '-' || ${examSd}::int)::uuid::text,
           ${examStepId}, ${courseId}, md5('bl' || g)::uuid::text, g % 6, 5, 'ответ',
           (ARRAY['PENDING', 'APPROVED', 'RETURNED'])[g % 3 + 1]
    FROM generate_series(1, ${LEARNERS}::int) g WHERE g % 21 > ${examSd}::int`.execute(db);
  await sql`
    INSERT INTO course_reviews (id, course_id, user_id, rating)
    SELECT gen_random_uuid()::text, ${courseId}, md5('bl' || g)::uuid::text, g % 5 + 1
    FROM generate_series(1, ${LEARNERS}::int) g WHERE g % 21 = ${total}::int`.execute(db);
  await sql`
    INSERT INTO favorites (user_id, course_id)
    SELECT md5('bl' || g)::uuid::text, ${courseId}
    FROM generate_series(1, ${LEARNERS}::int) g WHERE g % 7 = 0`.execute(db);
  // What autovacuum does after a bulk insert (PostgreSQL ≥ 13): statistics,
  // and the visibility map that lets covering indexes answer alone.
  for (const table of ["users", "user_courses", "user_trainings", "user_steps", "exam_results"]) {
    await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
  }
  return { courseId, trainerId };
}

/** The SQL the page runs, captured by running core's functions on a logging Kysely. */
export async function capturePageQueries(
  databaseUrl: string,
  trainerId: string,
  courseId: string,
): Promise<{ session: Query; stats: Query[] }> {
  const captured: Query[] = [];
  const client = postgres(databaseUrl, postgresOptions(4));
  const db = new Kysely<Database>({
    dialect: new PostgresJSDialect({ postgres: client }),
    log(e) {
      if (e.level === "query") {
        captured.push({ sql: e.query.sql, params: [...e.query.parameters] });
      }
    },
  });
  try {
    // An empty cache: every aggregate query runs, as on a cold page.
    const s = { db, cache: new Cache() } as unknown as Services;
    const who = { id: trainerId, role: "TRAINER" as const };
    await Promise.all([courseStats(s, who, courseId), courseLearners(s, who, courseId, {})]);
    const session = db.selectFrom("users")
      .select(["id", "username", "role", "locale", "time_zone", "session_version", "disabled_at"])
      .where("id", "=", trainerId).compile();
    return {
      session: { sql: session.sql, params: [...session.parameters] },
      stats: captured,
    };
  } finally {
    await db.destroy();
  }
}

/** `courseStats` computed from scratch (an empty cache each time) in this process: the cold cost. */
async function coldCompute(
  databaseUrl: string,
  trainerId: string,
  courseId: string,
  n: number,
): Promise<Latency> {
  const client = postgres(databaseUrl, postgresOptions(10));
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: client }) });
  const who = { id: trainerId, role: "TRAINER" as const };
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = { db, cache: new Cache() } as unknown as Services;
      const t0 = performance.now();
      await courseStats(s, who, courseId);
      times.push(performance.now() - t0);
    }
  } finally {
    await db.destroy();
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return {
    name: "courseStats() cold (aggregates recomputed), in process",
    p50: pct(0.5),
    p95: pct(0.95),
    n,
    errors: 0,
  };
}

/** `bench/stats.ts baseline-server <port> <databaseUrl> <queries.json>`. */
async function baselineServer(port: number, databaseUrl: string, file: string) {
  const q: { session: Query; stats: Query[] } = JSON.parse(await Deno.readTextFile(file));
  const client = postgres(databaseUrl, postgresOptions(10));
  // deno-lint-ignore no-explicit-any
  const run = (x: Query) => client.unsafe(x.sql, x.params as any[]);
  Deno.serve({ port, hostname: "127.0.0.1", onListen() {} }, async () => {
    const user = await run(q.session);
    const rest = await Promise.all(q.stats.map(run));
    return Response.json([user, rest]);
  });
}

export interface Latency {
  name: string;
  p50: number;
  p95: number;
  n: number;
  errors: number;
}

/** `n` GETs by `clients` concurrent clients, each waiting for its answer: latency percentiles. */
async function sample(
  name: string,
  url: string,
  headers: HeadersInit,
  n: number,
  clients: number,
): Promise<Latency> {
  const times: number[] = [];
  let errors = 0, next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      const r = await fetch(url, { headers });
      await r.arrayBuffer();
      times.push(performance.now() - t0);
      if (r.status !== 200) errors++;
    }
  }));
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { name, p50: pct(0.5), p95: pct(0.95), n: times.length, errors };
}

/** Index use of a plan: "Index Only Scan user_x_idx", "Seq Scan on y". */
function indexUse(plan: string[]): string {
  const uses = plan
    .map((l) =>
      /(Index Only Scan|Index Scan|Bitmap Index Scan) (?:Backward )?(?:using|on) (\w+)/.exec(l)
        ?.slice(1, 3).join(" ") ?? /Seq Scan on (\w+)/.exec(l)?.[0]
    )
    .filter((x): x is string => !!x);
  return [...new Set(uses)].join("; ") || "(no scan)";
}

/**
 * Each statistics query's index use as planned here, and with sequential
 * scans discouraged: this database holds one course, so reading whole tables
 * is right here; on a database of many courses the planner goes through the
 * indexes, which the second column shows.
 */
async function plans(databaseUrl: string, queries: Query[]): Promise<string[]> {
  // One connection, so the SET applies to the EXPLAINs after it.
  const client = postgres(databaseUrl, postgresOptions(1));
  const out: string[] = [];
  const explain = async (q: Query) =>
    // deno-lint-ignore no-explicit-any
    (await client.unsafe(`EXPLAIN ${q.sql}`, q.params as any[])).map((r) =>
      String(r["QUERY PLAN"])
    );
  try {
    const planned = [];
    for (const q of queries) planned.push(indexUse(await explain(q)));
    await client.unsafe("SET enable_seqscan = off");
    for (const [i, q] of queries.entries()) {
      const from = /from "?(\w+)"?/i.exec(q.sql)?.[1] ?? "?";
      out.push(`| ${from} | ${planned[i]} | ${indexUse(await explain(q))} |`);
    }
  } finally {
    await client.end();
  }
  return out;
}

const row = (r: Latency, base?: Latency, target = "") =>
  `| ${r.name} | ${r.n} | ${fmt(r.p50, 1)} | ${fmt(r.p95, 1)} | ${
    base ? `${fmt(r.p50 / base.p50, 2)}×` : ""
  } | ${target} | ${r.errors} |`;

/** Seeds, measures and returns Markdown lines for bench/RESULTS.md. */
export async function runStatsBench(serverUrl: string): Promise<string[]> {
  return await withPostgresApp(serverUrl, async (env) => {
    const t0 = performance.now();
    const { courseId, trainerId } = await seed(env);
    const seedMs = performance.now() - t0;
    const counts = await sql<{ learners: number; steps: number }>`
      SELECT (SELECT count(*) FROM user_courses WHERE course_id = ${courseId})::int AS learners,
             (SELECT count(*) FROM user_steps)::int AS steps`.execute(env.db);
    const { cookie } = await env.sessionFor(trainerId);
    const url = `${env.url}${studioCourseStatsPath(courseId)}`;
    const first = await fetch(url, { headers: { cookie } });
    const html = await first.text();
    if (first.status !== 200) throw new Error(`stats page: ${first.status}`);

    const queries = await capturePageQueries(env.databaseUrl, trainerId, courseId);
    const file = await Deno.makeTempFile({ suffix: ".json" });
    await Deno.writeTextFile(file, JSON.stringify(queries));
    const port = freePort();
    const bare = await spawnDeno(
      new URL(import.meta.url).pathname,
      ["baseline-server", String(port), env.databaseUrl, file],
      Deno.env.toObject(),
      `http://127.0.0.1:${port}/`,
    );
    try {
      // Warm-up: JIT, plans, caches.
      await sample("warm", url, { cookie }, 10, 1);
      await sample("warm", bare.url, {}, 10, 1);
      const base1 = await sample(
        "bare Deno.serve + same SQL (postgres.js), 1 client",
        bare.url,
        {},
        60,
        1,
      );
      const page1 = await sample("stats page, trainer, 1 client", url, { cookie }, 60, 1);
      const base4 = await sample("bare Deno.serve + same SQL, 4 clients", bare.url, {}, 120, 4);
      const page4 = await sample("stats page, trainer, 4 clients", url, { cookie }, 120, 4);
      const cold = await coldCompute(env.databaseUrl, trainerId, courseId, 20);
      const plan = await plans(env.databaseUrl, queries.stats);
      return [
        "## Trainer statistics (PostgreSQL)",
        "",
        `Course of ${DAYS} days × ${STEPS} steps, ${counts.rows[0].learners} learners, ` +
        `${counts.rows[0].steps} user_steps rows (seeded in ${fmt(seedMs / 1000, 1)} s); ` +
        `GET ${studioCourseStatsPath("<id>")} signed in as the trainer ` +
        `(${fmt(html.length / 1024, 0)} KB of HTML), ${queries.stats.length} statistics queries.`,
        "",
        "| scenario | requests | p50 ms | p95 ms | p50 vs baseline | target | errors |",
        "|---|---:|---:|---:|---:|---|---:|",
        row(base1),
        row(page1, base1, "p50 ≤ 150 ms"),
        row(base4),
        row(page4, base4),
        row(cold, base1),
        "",
        "The page reuses a course's aggregates for a minute (`STATS_TTL_MS`), so most views run " +
        "only the access check and the learner list; the baseline runs every statistics query " +
        "on each request, as the page does once a minute (and the cold row in process).",
        "",
        "Query plans (EXPLAIN) of the page's statistics queries, by first table:",
        "",
        "| query on | index use (this database: one course) | seq scans off (as with many courses) |",
        "|---|---|---|",
        ...plan,
        "",
      ];
    } finally {
      await bare.stop();
      await Deno.remove(file).catch(() => {});
    }
  });
}

if (import.meta.main) {
  if (Deno.args[0] === "baseline-server") {
    await baselineServer(Number(Deno.args[1]), Deno.args[2], Deno.args[3]);
  } else {
    const server = Deno.env.get("BENCH_DATABASE_URL") ??
      "postgres://postgres@127.0.0.1:5432/postgres";
    for (const line of await runStatsBench(server)) console.log(line);
  }
}
