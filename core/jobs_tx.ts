/**
 * A database change and the job it causes, committed together where the job
 * backend allows it (docs/jobs-on-postgres.md):
 *
 * - jobs on PostgreSQL: the job is enqueued in the change's transaction, so
 *   either both exist or neither (no window after a crash);
 * - jobs on Deno KV: KV and the database cannot commit together, so the job
 *   is enqueued right after the commit (never before: a job could run before
 *   its row is visible), and the job type's sweeper covers a crash in between.
 *
 * ```ts
 * await changeWithJobs(s, async (trx, enqueue) => {
 *   await trx.updateTable("broadcasts").set({ status: "sending" })…;
 *   await enqueue("broadcast", { broadcastId: id });
 * });
 * ```
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "@/db/schema.ts";
import type { JobMap, JobName } from "@/queues/jobs/mod.ts";
import type { EnqueueOptions } from "@/queues/types.ts";
import type { Services } from "./services.ts";

/** Enqueues a job with the change (PostgreSQL) or after its commit (KV). */
export type EnqueueWithChange = <N extends JobName>(
  name: N,
  payload: JobMap[N],
  opts?: Omit<EnqueueOptions, "tx">,
) => Promise<void>;

/** Enqueues at once, outside any change (sweepers, enqueue-only callers). */
export function enqueueNow(s: Pick<Services, "jobs">): EnqueueWithChange {
  return async (name, payload, opts) => void await s.jobs.enqueue(name, payload, opts);
}

export async function changeWithJobs<T>(
  s: Pick<Services, "db" | "jobs">,
  fn: (trx: Transaction<Database>, enqueue: EnqueueWithChange) => Promise<T>,
): Promise<T> {
  const jobs = jobsWithChange(s);
  const result = await s.db.transaction().execute((trx) => fn(trx, jobs.in(trx)));
  await jobs.committed();
  return result;
}

/**
 * The same for a transaction opened elsewhere (mutateStep): `in(trx)` is the
 * enqueue to use inside it, `committed()` runs after its commit (on KV it
 * enqueues what was asked for; on PostgreSQL there is nothing left to do).
 */
export function jobsWithChange(s: Pick<Services, "jobs">): {
  in(trx: Kysely<Database>): EnqueueWithChange;
  committed(): Promise<void>;
} {
  const later: (() => Promise<unknown>)[] = [];
  return {
    in: (trx) => async (name, payload, opts) => {
      if (s.jobs.transactional) await s.jobs.enqueue(name, payload, { ...opts, tx: trx });
      else later.push(() => s.jobs.enqueue(name, payload, opts));
    },
    async committed() {
      for (const enqueue of later.splice(0)) await enqueue();
    },
  };
}
