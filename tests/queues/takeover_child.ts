/**
 * The process takeover.test.ts kills with SIGKILL: it enqueues one job on
 * the KV file it is given, starts running it (marked active with a
 * heartbeat), says so on stdout ("@@ running <id>") and hangs.
 */
import { z } from "zod";
import { configureLog } from "@/platform/log.ts";
import { defineJob } from "@/queues/define.ts";
import { JobRuntime } from "@/queues/runtime.ts";
import type { Services } from "@/core/services.ts";

configureLog({ level: "error" });

const hang = defineJob({
  name: "hang",
  queue: "maintenance",
  schema: z.object({}),
  retry: [],
  async handler(_p, ctx) {
    await ctx.progress(10); // active now, with a heartbeat
    console.log(`@@ running ${ctx.job.id}`);
    await new Promise(() => {});
  },
});

const kv = await Deno.openKv(Deno.env.get("CHILD_KV_PATH")!);
const rt = new JobRuntime({
  kv,
  definitions: [hang],
  services: () => ({}) as Services,
  heartbeatMs: 200,
});
rt.start();
await rt.enqueue("hang", {});
setInterval(() => {}, 60_000);
