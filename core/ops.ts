/**
 * The ops console's data: the overview (process, database, KV, storage,
 * ffmpeg, queues, errors), the queue actions with their permission checks,
 * and the `/metrics` scrape.
 *
 * Every function takes the acting user: admins act, moderators only look
 * (`requireOps`), and the command line acts as `SYSTEM`.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { timingSafeEqual } from "node:crypto";
import { errorGroupCounts, newErrorGroupsSince } from "./error_tracking.ts";
import { type OpsActor, requireOpsActor } from "./auth/guards.ts";
import { NotFoundError } from "./auth/guards.ts";
import { log } from "@/platform/log.ts";
import { metrics, Registry } from "@/platform/metrics.ts";
import { isQueueName, type QueueName } from "@/queues/define.ts";
import {
  JOB_STATES,
  type JobInfo,
  type JobPage,
  type JobState,
  type JobStats,
} from "@/queues/types.ts";
import { AppError } from "./app_error.ts";

// ---------------------------------------------------------------- queues

export const queueNameSchema = z.string().refine(isQueueName, { error: "ops.validation.queue" })
  .transform((q) => q as QueueName);
export const jobStateSchema = z.enum(JOB_STATES, { error: "ops.validation.state" });

/** States whose jobs can be retried in bulk. */
export const RETRYABLE_STATES = ["failed", "dead", "cancelled"] as const satisfies JobState[];
/** States that can be cleaned (everything but running jobs). */
export const CLEANABLE_STATES = JOB_STATES.filter((s) => s !== "active");

export const listJobsSchema = z.object({
  queue: queueNameSchema.optional(),
  state: jobStateSchema,
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});

export async function queueStats(services: Services, actor: OpsActor | null): Promise<JobStats> {
  requireOpsActor(actor, { write: false });
  return await services.jobs.stats();
}

export async function listJobs(
  services: Services,
  actor: OpsActor | null,
  opts: z.input<typeof listJobsSchema>,
): Promise<JobPage> {
  requireOpsActor(actor, { write: false });
  const o = listJobsSchema.parse(opts);
  return await services.jobs.list(o);
}

const jobIdSchema = z.string().min(1).max(200);

export async function getJob(
  services: Services,
  actor: OpsActor | null,
  id: string,
): Promise<JobInfo> {
  requireOpsActor(actor, { write: false });
  const parsed = jobIdSchema.safeParse(id);
  const job = parsed.success ? await services.jobs.get(parsed.data) : null;
  if (!job) throw new NotFoundError();
  return job;
}

export type JobAction = "retry" | "remove";

/** Retries or deletes one job (ADMIN). False when the job is in a state that does not allow it. */
export async function jobAction(
  services: Services,
  actor: OpsActor | null,
  id: string,
  action: JobAction,
): Promise<boolean> {
  const by = requireOpsActor(actor, { write: true });
  const job = await getJob(services, actor, id);
  const jobs = services.jobs;
  const ok = action === "retry" ? await jobs.retry(job.id) : await jobs.remove(job.id);
  log.info(`job ${action}`, { jobId: job.id, queue: job.queue, ok, by: by ?? "system" });
  return ok;
}

export const bulkActionSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("retryAll"),
    queue: queueNameSchema.optional(),
    state: z.enum(RETRYABLE_STATES, { error: "ops.validation.notRetryable" }),
  }),
  z.object({
    action: z.literal("clean"),
    queue: queueNameSchema.optional(),
    state: z.enum(CLEANABLE_STATES as [JobState, ...JobState[]], {
      error: "ops.validation.notCleanable",
    }),
  }),
  z.object({ action: z.literal("pause"), queue: queueNameSchema }),
  z.object({ action: z.literal("resume"), queue: queueNameSchema }),
], { error: "ops.validation.action" });

/** Validated in `queueAction` (a state the action does not allow is a ZodError). */
export interface BulkAction {
  action: "retryAll" | "clean" | "pause" | "resume";
  queue?: string;
  state?: string;
}

/**
 * Queue-wide actions (ADMIN): retry all jobs of a state, clean a state,
 * pause, resume. Returns how many jobs changed (1 for pause and resume).
 */
export async function queueAction(
  services: Services,
  actor: OpsActor | null,
  input: BulkAction,
): Promise<number> {
  const by = requireOpsActor(actor, { write: true });
  const a = bulkActionSchema.parse(input);
  const jobs = services.jobs;
  let n: number;
  switch (a.action) {
    case "retryAll":
      n = await jobs.retryAll(a.queue, a.state);
      break;
    case "clean":
      n = await jobs.clean(a.queue, a.state);
      break;
    case "pause":
      await jobs.pause(a.queue);
      n = 1;
      break;
    case "resume":
      await jobs.resume(a.queue);
      n = 1;
      break;
  }
  log.info(`queue ${a.action}`, { ...a, changed: n, by: by ?? "system" });
  return n;
}

// -------------------------------------------------------------- overview

export interface StorageUse {
  files: number;
  bytes: number;
  measuredAt: Date;
}

export interface Overview {
  startedAt: Date;
  uptimeSec: number;
  release: string;
  deno: string;
  pid: number;
  memory: Deno.MemoryUsage;
  database: {
    kind: "pglite" | "postgres";
    ok: boolean;
    version: string | null;
    sizeBytes: number | null;
    /** Sessions in pg_stat_activity (PGlite: the one in-process session). */
    connections: number | null;
  };
  kv: { path: string | null; sizeBytes: number | null };
  storage: { kind: string; use: StorageUse | null; error: boolean };
  ffmpeg: string | null;
  queues: JobStats | null;
  errors: { newToday: number; byStatus: Record<string, number> } | null;
}

async function safe<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    log.warn(`ops overview: ${what} failed`, { err });
    return null;
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return 0;
    throw err;
  }
}

/** The KV file and its SQLite write-ahead log; null for an in-memory KV. */
async function kvSize(services: Services): Promise<number | null> {
  const path = services.config.kvPath;
  try {
    await Deno.stat(path);
  } catch {
    return null;
  }
  const parts = await Promise.all([path, `${path}-wal`, `${path}-shm`].map(fileSize));
  return parts.reduce((a, b) => a + b, 0);
}

const STORAGE_KEY = "ops:storage-use";
const STORAGE_TTL_MS = 10 * 60_000;

/**
 * Files and bytes in storage. Listing a large bucket is slow, so the result
 * is cached for 10 minutes and a page waits at most `waitMs` for a fresh
 * measurement (null means "being measured").
 */
export async function storageUse(services: Services, waitMs = 1500): Promise<StorageUse | null> {
  const cached = services.cache.peek<StorageUse>(STORAGE_KEY);
  if (cached) return cached;
  const load = services.cache.get(
    STORAGE_KEY,
    { ttlMs: STORAGE_TTL_MS, tags: ["ops"] },
    async () => {
      const files = await services.storage.list("");
      return {
        files: files.length,
        bytes: files.reduce((a, f) => a + f.size, 0),
        measuredAt: new Date(),
      };
    },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    return await Promise.race([load, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let ffmpegVersion: { at: number; value: Promise<string | null> } | undefined;

/** `ffmpeg -version`'s first line, or null when ffmpeg is missing; asked once an hour. */
export function ffmpegInfo(path: string): Promise<string | null> {
  if (ffmpegVersion && Date.now() - ffmpegVersion.at < 3600_000) return ffmpegVersion.value;
  const value = (async () => {
    try {
      const out = await new Deno.Command(path, {
        args: ["-hide_banner", "-version"],
        stdout: "piped",
        stderr: "null",
        stdin: "null",
      }).output();
      if (!out.success) return null;
      const first = new TextDecoder().decode(out.stdout).split("\n")[0].trim();
      return first.replace(/^ffmpeg version\s+/, "").split(" Copyright")[0] || null;
    } catch {
      return null;
    }
  })();
  ffmpegVersion = { at: Date.now(), value };
  return value;
}

async function databaseInfo(services: Services): Promise<Overview["database"]> {
  const db = services.db;
  const [version, size, connections] = await Promise.all([
    safe(
      "database version",
      async () =>
        (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db))
          .rows[0].v,
    ),
    safe("database size", async () =>
      Number(
        (await sql<{ n: number | string }>`select pg_database_size(current_database()) as n`
          .execute(db)).rows[0].n,
      )),
    safe("database connections", async () =>
      Number(
        (await sql<{ n: number | string }>`
          select count(*) as n from pg_stat_activity where datname = current_database()`
          .execute(db)).rows[0].n,
      )),
  ]);
  return {
    kind: services.dbKind,
    ok: version !== null,
    version,
    sizeBytes: size,
    connections: services.dbKind === "pglite" ? (connections || 1) : connections,
  };
}

/** Start of "today" in the app's time zone (cron and reports use the same one). */
export async function startOfToday(services: Services): Promise<Date> {
  const tz = services.config.cronTimeZone;
  const r = await sql<{ d: Date }>`
    select (date_trunc('day', now() at time zone ${tz}) at time zone ${tz}) as d`
    .execute(services.db);
  return r.rows[0].d;
}

export async function overview(services: Services, actor: OpsActor | null): Promise<Overview> {
  requireOpsActor(actor, { write: false });
  const [database, kv, storage, ffmpeg, queues, errors] = await Promise.all([
    databaseInfo(services),
    safe("kv size", () => kvSize(services)),
    storageUse(services).then((use) => ({ use, error: false })).catch((err) => {
      log.warn("ops overview: storage use failed", { err });
      return { use: null, error: true };
    }),
    ffmpegInfo(services.config.ffmpegPath),
    safe("queue stats", () => services.jobs.stats()),
    safe("error counts", async () => {
      const [newToday, byStatus] = await Promise.all([
        startOfToday(services).then((d) => newErrorGroupsSince(services, d)),
        errorGroupCounts(services),
      ]);
      return { newToday, byStatus };
    }),
  ]);
  return {
    startedAt: services.startedAt,
    uptimeSec: Math.round((Date.now() - services.startedAt.getTime()) / 1000),
    release: services.config.release,
    deno: Deno.version.deno,
    pid: Deno.pid,
    memory: Deno.memoryUsage(),
    database,
    kv: { path: kv === null ? null : services.config.kvPath, sizeBytes: kv },
    storage: { kind: services.storage.kind, ...storage },
    ffmpeg,
    queues,
    errors,
  };
}

// --------------------------------------------------------------- metrics

/**
 * The `/metrics` text: what the process recorded (HTTP, job durations,
 * errors reported) plus values read now (jobs by state, error groups,
 * memory). A part that cannot be read is left out and `gafus_up` says so.
 */
export interface MetricsReader {
  user: SessionUser | null;
  /** The request's `Authorization` header. */
  authorization: string | null;
}

/** Neither the metrics token nor an ADMIN session (→ 401). */
export class MetricsAccessError extends AppError {
  constructor() {
    super(401, "unauthenticated", "error.401.text", {
      headers: { "www-authenticate": 'Bearer realm="metrics"' },
      message: "metrics need the token or an ADMIN session",
    });
    this.name = "MetricsAccessError";
  }
}

const enc = new TextEncoder();

/** Constant time for equal lengths; compares digests so the length does not leak either. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(a)),
    crypto.subtle.digest("SHA-256", enc.encode(b)),
  ]);
  return timingSafeEqual(new Uint8Array(da), new Uint8Array(db));
}

/** `Authorization: Bearer $METRICS_TOKEN`, or a signed-in ADMIN. */
export async function canReadMetrics(services: Services, reader: MetricsReader): Promise<boolean> {
  if (reader.user?.role === "ADMIN") return true;
  const token = services.config.secrets.metricsToken;
  const auth = reader.authorization;
  if (!token || !auth?.startsWith("Bearer ")) return false;
  return await sameSecret(auth.slice(7).trim(), token);
}

export async function renderMetrics(services: Services, reader: MetricsReader): Promise<string> {
  if (!await canReadMetrics(services, reader)) throw new MetricsAccessError();
  const now = new Registry();
  const up = now.gauge("gafus_up", "Whether a part answered during this scrape (1) or not (0).", [
    "part",
  ]);
  now.gauge("gafus_process_uptime_seconds", "Seconds since the process started.")
    .set(Math.round((Date.now() - services.startedAt.getTime()) / 1000));
  const mem = now.gauge("gafus_process_memory_bytes", "Process memory (Deno.memoryUsage).", [
    "kind",
  ]);
  const m = Deno.memoryUsage();
  mem.labels("rss").set(m.rss);
  mem.labels("heap_total").set(m.heapTotal);
  mem.labels("heap_used").set(m.heapUsed);
  mem.labels("external").set(m.external);

  const [stats, groups] = await Promise.all([
    safe("metrics: job stats", () => services.jobs.stats()),
    safe("metrics: error groups", () => errorGroupCounts(services)),
  ]);
  up.labels("jobs").set(stats ? 1 : 0);
  if (stats) {
    const byState = now.gauge("gafus_jobs", "Jobs by queue and state.", ["queue", "state"]);
    const latency = now.gauge(
      "gafus_queue_latency_seconds",
      "Age of the oldest job waiting to start, by queue.",
      ["queue"],
    );
    const paused = now.gauge("gafus_queue_paused", "1 when the queue is paused.", ["queue"]);
    const lastHour = now.gauge(
      "gafus_jobs_finished_last_hour",
      "Jobs that finished in the last hour, by queue and outcome.",
      ["queue", "outcome"],
    );
    for (const q of stats.queues) {
      for (const s of JOB_STATES) byState.labels(q.queue, s).set(q.counts[s] ?? 0);
      latency.labels(q.queue).set(q.latencyMs / 1000);
      paused.labels(q.queue).set(q.paused ? 1 : 0);
      lastHour.labels(q.queue, "done").set(q.doneLastHour);
      lastHour.labels(q.queue, "failed").set(q.failedLastHour);
    }
  }
  up.labels("database").set(groups ? 1 : 0);
  if (groups) {
    const g = now.gauge("gafus_error_groups", "Error groups by status.", ["status"]);
    for (const [status, n] of Object.entries(groups)) g.labels(status).set(n);
  }
  return metrics.render() + now.render();
}
