/**
 * The process pg_takeover.test.ts kills with SIGKILL: a PostgreSQL job
 * runtime on the database it is given; it enqueues one job, starts running it
 * (active, with a heartbeat), says so on stdout ("@@ running <id>") and hangs.
 */
import { z } from "zod";
import { configureLog } from "@/platform/log.ts";
import { defineJob } from "@/queues/define.ts";
import { openDatabase } from "@/db/connection.ts";
import { PgJobRuntime } from "@/queues/pg/runtime.ts";
import type { Services } from "@/core/services.ts";

configureLog({ level: "error" });

const hang = defineJob({
  name: "hang",
  queue: "maintenance",
  schema: z.object({}),
  retry: [],
  async handler(_p, ctx) {
    console.log(`@@ running ${ctx.job.id}`);
    await new Promise(() => {});
  },
});

const url = Deno.env.get("CHILD_DATABASE_URL")!;
const h = await openDatabase({ databaseUrl: url, dataDir: "", databasePoolMax: 2 });
const rt = new PgJobRuntime({
  db: h.db,
  connectionString: url,
  definitions: [hang],
  services: () => ({ db: h.db }) as Services,
  heartbeatMs: 200,
});
rt.start();
await rt.enqueue("hang", {});
setInterval(() => {}, 60_000);
