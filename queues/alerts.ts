/**
 * What a failed attempt tells the operator, for both backends: a log line,
 * and for a job that failed for good an error report and an `ops-alert`
 * (each backend enqueues the alert with its own `enqueue`).
 */
import { log } from "@/platform/log.ts";
import { reportError } from "@/core/error_tracking.ts";
import type { Services } from "@/core/services.ts";
import { opsQueuesPath } from "@/core/paths.ts";
import type { ResolvedJob } from "./define.ts";
import type { JobRecord } from "./records.ts";
import type { EnqueueOptions, JobState } from "./types.ts";

/**
 * Logs an attempt that threw; `next`: the state it left the job in (none when
 * the record moved on meanwhile). True when the job failed for good.
 */
export async function noteFailedAttempt(
  services: () => Services,
  rec: JobRecord,
  attempt: number,
  err: unknown,
  next: JobState | undefined,
): Promise<boolean> {
  const fields = { id: rec.id, job: rec.name, attempt, err, next };
  if (next !== "failed") {
    log.warn("job attempt failed", fields);
    return false;
  }
  log.error("job failed", fields);
  // Only the last attempt goes to error tracking (core/error_tracking.ts): a retry that
  // succeeds is not an operator's problem. reportError never throws.
  await reportError(services(), {
    source: "job",
    error: err,
    context: { job: rec.name, jobId: rec.id, queue: rec.queue, attempt },
  });
  return true;
}

/**
 * A job that used up its attempts (or was refused for good, or that KV gave
 * up delivering: queues/recovery.ts) is an operator's problem: one
 * `ops-alert`, grouped per job name (queues/jobs/ops_alert.ts throttles the
 * group), enqueued with `enqueue`. Not for the alert job itself, which would loop.
 */
export async function enqueueDeadJobAlert(
  defs: ReadonlyMap<string, ResolvedJob>,
  enqueue: (name: string, payload: unknown, opts: EnqueueOptions) => Promise<string>,
  rec: JobRecord,
  err: unknown,
): Promise<void> {
  if (rec.name === "ops-alert" || !defs.has("ops-alert")) return;
  // A message to the alert chat that failed would alert about itself.
  if (rec.name === "telegram" && (rec.payload as { purpose?: string })?.purpose === "alert") return;
  const message = err instanceof Error ? err.message : String(err);
  await enqueue("ops-alert", {
    level: "critical",
    title: `Job ${rec.name} failed after all its attempts`,
    titleKey: "delivery.alert.jobDead",
    vars: { job: rec.name },
    message: `${message.slice(0, 500)} (${rec.queue}, ${rec.id})`,
    source: "jobs",
    group: `job:${rec.name}`,
    url: opsQueuesPath(rec.queue),
  }, { dedupeKey: `dead:${rec.id}` }).catch((e) =>
    log.warn("ops-alert for a dead job not enqueued", { err: e, id: rec.id })
  );
}
