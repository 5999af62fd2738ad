/**
 * Ops tests: a job runtime with test job types on the test app's own KV
 * (swapped in as `services.jobs`), and a way to leave jobs in several
 * states at once (done, failed, queued, delayed, cancelled).
 */
import { z } from "zod";
import type { TestApp } from "../helpers/app.ts";
import { createJobs } from "@/queues/mod.ts";
import { createPgJobs } from "@/queues/pg/mod.ts";
import { defineJob, type JobMapOf } from "@/queues/define.ts";
import { jobs as registry } from "@/queues/jobs/mod.ts";
import type { Jobs } from "@/queues/types.ts";
import { configureLog } from "@/platform/log.ts";

export const okJob = defineJob({
  name: "test-ok",
  queue: "maintenance",
  schema: z.object({ n: z.number() }),
  retry: [],
  handler: async (p, ctx) => {
    await ctx.progress(50);
    return { doubled: p.n * 2 };
  },
});

export const failJob = defineJob({
  name: "test-fail",
  queue: "push",
  schema: z.object({ userId: z.string() }),
  retry: [],
  handler: (p) => Promise.reject(new Error(`push failed for user ${p.userId}`)),
});

const testDefinitions = [...registry, okJob, failJob] as const;

/** The app's jobs and the test jobs, typed by name and payload. */
export type TestJobs = Jobs<JobMapOf<typeof testDefinitions>>;

/** Replaces the app's job runtime by one that also knows the test jobs. */
export async function useTestJobs(t: TestApp): Promise<TestJobs> {
  await t.services.jobs.stop().catch(() => {});
  // The same backend as the app's (TEST_JOBS_BACKEND=postgres: jobs in the test's database);
  // on the default backend the shared store is the jobs' own Deno KV.
  const kv = t.services.kv;
  const jobs = t.services.jobs.backend === "postgres"
    ? createPgJobs(t.services.db, t.config.databaseUrl!, () => t.services, {
      definitions: testDefinitions,
      housekeepingMs: 3600_000,
      pollMs: 100,
    })
    : createJobs(
      kv instanceof Deno.Kv ? kv : (() => {
        throw new Error("useTestJobs needs the jobs' Deno KV as the shared store");
      })(),
      () => t.services,
      { definitions: testDefinitions, housekeepingMs: 3600_000 },
    );
  (t.services as { jobs: unknown }).jobs = jobs;
  return jobs;
}

export interface JobMix {
  done: string[];
  failed: string[];
  queued: string[];
  delayed: string[];
  cancelled: string[];
}

/**
 * 2 done and 3 failed jobs (run to the end), then 4 queued (2 queues), 1
 * delayed and 1 cancelled left waiting: the runtime is stopped afterwards.
 */
export async function makeJobMix(t: TestApp): Promise<JobMix> {
  const jobs = await useTestJobs(t);
  // The failures are on purpose: keep their log lines out of the test output.
  configureLog({ sink: () => {} });
  jobs.start();
  const done = [
    await jobs.enqueue("test-ok", { n: 1 }),
    await jobs.enqueue("test-ok", { n: 2 }),
  ];
  const failed = [];
  for (let i = 0; i < 3; i++) failed.push(await jobs.enqueue("test-fail", { userId: `u${i}` }));
  try {
    await jobs.drain({ timeoutMs: 10_000 });
    await jobs.stop();
  } finally {
    configureLog({ sink: null });
  }
  const queued = [
    await jobs.enqueue("test-ok", { n: 3 }),
    await jobs.enqueue("test-ok", { n: 4 }),
    await jobs.enqueue("test-fail", { userId: "q1" }),
    await jobs.enqueue("test-fail", { userId: "q2" }),
  ];
  const delayed = [await jobs.enqueue("test-ok", { n: 5 }, { delay: 3600_000 })];
  const cancelled = [await jobs.enqueue("test-ok", { n: 6 }, { delay: 3600_000 })];
  await jobs.cancel(cancelled[0]);
  return { done, failed, queued, delayed, cancelled };
}
