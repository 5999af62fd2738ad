/**
 * `ready-check`: every minute (queues/cron.ts), the same checks as `/ready`;
 * two failures in a row raise one operator alert, the next pass a
 * "recovered" one (core/readiness.ts). A KV outage stops the queue itself,
 * so this watches the database; the platform's own probe of `/ready`
 * covers the rest.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { checkReadiness, trackReadiness } from "@/core/readiness.ts";

export default defineJob({
  name: "ready-check",
  // Not `maintenance`: a long maintenance run must not hold the check back.
  queue: "ops-alert",
  schema: z.object({}),
  retry: [],
  timeoutMs: 30_000,
  async handler(_payload, ctx) {
    const r = await checkReadiness(ctx.services);
    const minute = new Date().toISOString().slice(0, 16);
    const alert = await trackReadiness(ctx.services, r, minute);
    return { ok: r.ok, alert };
  },
});
