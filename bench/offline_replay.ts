/**
 * `offline-replay` (bench/run.ts): 200 learner actions queued offline and
 * replayed through the real endpoint as the browser's queue does
 * (components/training/queue.ts: in order, one at a time, each with its
 * idempotency key, its time `at` and `X-Client-Sent-At`), beside the same
 * 200 actions sent online without keys by another learner. Then the whole
 * queue is replayed again (as if every answer had been lost): each must come
 * back as a stored answer and change nothing — 0 duplicates.
 *
 * Content: 40 days × 5 PRACTICE steps; the action is `complete` on each.
 */
import { stepApiPath } from "@/core/paths.ts";
import { fmt } from "./lib.ts";
import { type AppEnv, seedPracticeCourse, withPostgresApp } from "./pg_app.ts";

const DAYS = 40;
const STEPS_PER_DAY = 5;

interface Action {
  path: string;
  key: string;
  at: string;
}

async function fixture(env: AppEnv): Promise<{ paths: string[] }> {
  const course = await seedPracticeCourse(env, {
    slug: "bench-offline",
    name: "Bench offline",
    authorPrefix: "bench_offline_author_",
    days: DAYS,
    stepsPerDay: STEPS_PER_DAY,
  });
  const paths = course.days.flatMap((d) =>
    d.stepOnDayIds.map((sd) => stepApiPath(d.dayOnCourseId, sd, "complete"))
  );
  return { paths };
}

async function post(
  env: AppEnv,
  session: { cookie: string; csrf: string },
  path: string,
  offline?: Action,
): Promise<{ status: number; replayed: boolean }> {
  const headers: Record<string, string> = {
    cookie: session.cookie,
    "x-csrf-token": session.csrf,
    "content-type": "application/json",
  };
  if (offline) {
    headers["idempotency-key"] = offline.key;
    headers["x-client-sent-at"] = new Date().toISOString();
  }
  const r = await fetch(`${env.url}${path}`, {
    method: "POST",
    headers,
    body: offline ? JSON.stringify({ at: offline.at }) : "{}",
  });
  await r.body?.cancel();
  return { status: r.status, replayed: r.headers.get("idempotency-replayed") === "true" };
}

export interface OfflineReplayResult {
  actions: number;
  onlineMs: number;
  replayMs: number;
  againMs: number;
  completedOnline: number;
  completedOffline: number;
  keys: number;
  /** Second replay: answers not served from the stored key, or steps changed by it. */
  duplicates: number;
}

export async function benchOfflineReplay(env: AppEnv): Promise<OfflineReplayResult> {
  const { paths } = await fixture(env);
  const [onlineId, offlineId] = await env.createUsers("bench_offline_learner_", 2);
  const online = await env.sessionFor(onlineId);
  const offline = await env.sessionFor(offlineId);
  // The queue as the browser stored it: made over the last hour, in order.
  const start = Date.now() - 3600_000;
  const queue: Action[] = paths.map((path, i) => ({
    path,
    key: crypto.randomUUID(),
    at: new Date(start + i * 10_000).toISOString(),
  }));
  // Warm-up outside the timings (JIT, pools): a page view each.
  await (await fetch(`${env.url}/courses/bench-offline`, { headers: { cookie: online.cookie } }))
    .body?.cancel();

  let t0 = performance.now();
  for (const path of paths) {
    const r = await post(env, online, path);
    if (r.status !== 200) throw new Error(`online ${path}: ${r.status}`);
  }
  const onlineMs = performance.now() - t0;

  t0 = performance.now();
  for (const a of queue) {
    const r = await post(env, offline, a.path, a);
    if (r.status !== 200) throw new Error(`replay ${a.path}: ${r.status}`);
  }
  const replayMs = performance.now() - t0;

  const before = new Date();
  await new Promise((r) => setTimeout(r, 20));
  let duplicates = 0;
  t0 = performance.now();
  for (const a of queue) {
    const r = await post(env, offline, a.path, a);
    if (r.status !== 200 || !r.replayed) duplicates++;
  }
  const againMs = performance.now() - t0;
  const changed = await env.db.selectFrom("user_steps").select("id")
    .where("user_id", "=", offlineId).where("updated_at", ">", before).execute();
  duplicates += changed.length;

  const completed = async (userId: string) =>
    (await env.db.selectFrom("user_steps").select("id")
      .where("user_id", "=", userId).where("status", "=", "COMPLETED").execute()).length;
  const keys = (await env.db.selectFrom("idempotency_keys").select("key")
    .where("user_id", "=", offlineId).execute()).length;
  return {
    actions: paths.length,
    onlineMs,
    replayMs,
    againMs,
    completedOnline: await completed(onlineId),
    completedOffline: await completed(offlineId),
    keys,
    duplicates,
  };
}

export function offlineReplayReport(r: OfflineReplayResult): string[] {
  const per = (ms: number) => fmt(ms / r.actions, 1);
  return [
    "## Offline replay (200 queued learner actions)",
    "",
    "The browser queue's replay: in order, one request at a time, each with its idempotency key " +
    "and client time, through `POST /api/v1/training/days/…/steps/…/complete` on PostgreSQL; " +
    "beside it the same 200 actions sent online (no key) by another learner, and a second " +
    "replay of the whole queue (every answer lost) that must change nothing.",
    "",
    "| run | time to sync | per action | steps completed |",
    "|---|---:|---:|---:|",
    `| online, no key (baseline) | ${fmt(r.onlineMs)} ms | ${
      per(r.onlineMs)
    } ms | ${r.completedOnline} |`,
    `| offline queue replayed | ${fmt(r.replayMs)} ms | ${
      per(r.replayMs)
    } ms | ${r.completedOffline} |`,
    `| replayed again (stored answers) | ${fmt(r.againMs)} ms | ${per(r.againMs)} ms | — |`,
    "",
    `Keys stored: ${r.keys}; duplicates: **${r.duplicates}** (target 0); replay ÷ online: ` +
    `${fmt(r.replayMs / r.onlineMs, 2)}×.`,
    "",
  ];
}

/** The section alone: `deno run -A --unstable-kv --unstable-cron bench/offline_replay.ts`. */
export async function runOfflineReplayBench(databaseUrl: string): Promise<string[]> {
  return await withPostgresApp(databaseUrl, async (env) => {
    return offlineReplayReport(await benchOfflineReplay(env));
  });
}

if (import.meta.main) {
  const url = Deno.env.get("BENCH_DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";
  for (const l of await runOfflineReplayBench(url)) console.log(l);
}
