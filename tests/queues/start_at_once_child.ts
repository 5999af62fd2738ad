/**
 * The process start_at_once.test.ts kills with SIGKILL: it enqueues one job
 * on the KV file it is given; the job starts at once (before KV delivers its
 * message), says so on stdout ("@@ started <id> after <ms> ms, message seen:
 * false") and hangs, never written active (activeAfterMs is long).
 */
import { z } from "zod";
import { configureLog } from "@/platform/log.ts";
import { defineJob } from "@/queues/define.ts";
import { JobRuntime } from "@/queues/runtime.ts";
import type { Services } from "@/core/services.ts";

configureLog({ level: "error" });

let enqueuedAt = 0;
let messageSeen = false;
const hang = defineJob({
  name: "hang",
  queue: "maintenance",
  schema: z.object({}),
  retry: [],
  async handler(_p, ctx) {
    const ms = (performance.now() - enqueuedAt).toFixed(2);
    console.log(`@@ started ${ctx.job.id} after ${ms} ms, message seen: ${messageSeen}`);
    await new Promise(() => {});
  },
});

const kv = await Deno.openKv(Deno.env.get("CHILD_KV_PATH")!);
const rt = new JobRuntime({
  kv,
  definitions: [hang],
  services: () => ({}) as Services,
  heartbeatMs: 200,
  activeAfterMs: 60_000,
  // Observes KV's delivery of the job's message (throws nothing).
  faultInjection: () => messageSeen = true,
});
rt.start();
// Housekeeping's first pass (nothing parked) lets new jobs start at once.
await new Promise((r) => setTimeout(r, 200));
enqueuedAt = performance.now();
await rt.enqueue("hang", {});
setInterval(() => {}, 60_000);
