/**
 * `jobs-sweep`: runs every job type's sweeper (`defineJob({ sweep })`).
 *
 * Code that changes the database and needs a job commits first and enqueues
 * after; a crash in between leaves a row without its job. Each sweeper finds
 * such rows and enqueues them with a dedupeKey, so rows that do have a job are
 * not enqueued twice. Cron runs this every 10 minutes (queues/cron.ts).
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { log } from "@/platform/log.ts";

export default defineJob({
  name: "jobs-sweep",
  queue: "maintenance",
  schema: z.object({}).strict(),
  retry: [],
  timeoutMs: 5 * 60_000,
  async handler(_payload, ctx) {
    const results: Record<string, number | string> = {};
    let failed = 0;
    for (const def of ctx.services.jobs.definitions()) {
      if (!def.hasSweeper) continue;
      try {
        results[def.name] = await ctx.services.jobs.sweep(def.name);
      } catch (err) {
        failed++;
        results[def.name] = err instanceof Error ? err.message : String(err);
        log.error("sweeper failed", { job: def.name, err });
      }
    }
    // One broken sweeper must not stop the others; the job still shows it failed.
    if (failed) throw new Error(`${failed} sweeper(s) failed: ${JSON.stringify(results)}`);
    return results;
  },
});
