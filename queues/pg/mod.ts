/**
 * The PostgreSQL job backend (JOBS_BACKEND=postgres): `createPgJobs` builds
 * it with every registered job type (or the given ones: tests).
 */
import type { Services } from "@/core/services.ts";
import { jobs as registry } from "../jobs/mod.ts";
import type { JobMapOf, ResolvedJob } from "../define.ts";
import { PgJobRuntime, type PgRuntimeOptions } from "./runtime.ts";

export { PgJobRuntime, type PgRuntimeOptions } from "./runtime.ts";

export function createPgJobs<D extends readonly ResolvedJob[] = typeof registry>(
  db: PgRuntimeOptions["db"],
  connectionString: string,
  services: () => Services,
  opts: Partial<Omit<PgRuntimeOptions, "db" | "connectionString" | "services">> & {
    definitions?: D;
  } = {},
): PgJobRuntime<JobMapOf<D>> {
  return new PgJobRuntime<JobMapOf<D>>({
    ...opts,
    db,
    connectionString,
    services,
    definitions: opts.definitions ?? registry,
  });
}
