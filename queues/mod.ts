/**
 * Entry points of the job system: `createJobs` (services.ts at the root builds
 * `services.jobs` with it) and the public types. Job types live in
 * queues/jobs/, schedules in queues/cron.ts.
 */
import type { Services } from "@/core/services.ts";
import { jobs as registry } from "./jobs/mod.ts";
import type { JobMapOf, ResolvedJob } from "./define.ts";
import { JobRuntime, type RuntimeOptions } from "./runtime.ts";

export * from "./types.ts";
export { defineJob, PermanentJobError, QUEUE_NAMES, type QueueName, QUEUES } from "./define.ts";
export { JobRuntime } from "./runtime.ts";

/**
 * The runtime for a KV handle, with every registered job type (or the
 * given ones: tests), typed by their names and payloads.
 */
export function createJobs<D extends readonly ResolvedJob[] = typeof registry>(
  kv: Deno.Kv,
  services: () => Services,
  opts: Partial<Omit<RuntimeOptions, "kv" | "services">> & { definitions?: D } = {},
): JobRuntime<JobMapOf<D>> {
  return new JobRuntime<JobMapOf<D>>({
    ...opts,
    kv,
    services,
    definitions: opts.definitions ?? registry,
  });
}
