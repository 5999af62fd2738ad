/**
 * PostgreSQL jobs: a job whose process died (kill -9) mid-run is taken over
 * by another runtime on the same database within a few missed heartbeats,
 * runs there once, and shows the stall on its record. (The KV equivalents
 * are takeover.test.ts and crash.test.ts.) Needs DATABASE_URL.
 */
import { z } from "zod";
import { assert, assertEquals } from "../helpers/assert.ts";
import { defineJob } from "@/queues/define.ts";
import { openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { killWhenSeen, openBackend, recordingHang, sleep, until, urlOf } from "./helpers.ts";

const CHILD = new URL("./pg_takeover_child.ts", import.meta.url).pathname;

Deno.test({
  name:
    "postgres: a job held by a killed process is taken over by another runtime, once [postgres]",
  ignore: !testDatabaseUrl(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using h = await openTestDb({ kind: "postgres" });
    const [, id] = await killWhenSeen(
      CHILD,
      { CHILD_DATABASE_URL: await urlOf(h) },
      /@@ running (\S+)/,
    );

    const { job: hang, runs } = recordingHang();
    const killedAt = Date.now();
    await using t = await openBackend("postgres", [hang], { db: h, heartbeatMs: 200 });
    const before = (await t.rt.get(id))!;
    assertEquals(before.state, "active");
    await until(async () => (await t.rt.get(id))?.state === "done", 10_000, "job done");
    const took = runs[0] - killedAt;
    assert(took < 5_000, `ran ${took} ms after the kill`);
    const info = (await t.rt.get(id))!;
    assertEquals([info.attempts, info.stalls], [2, 1]);
    assertEquals(info.errors.map((e) => e.kind), ["stalled"]);
    await sleep(500);
    await t.rt.drain();
    assertEquals(runs.length, 1, "run once");
  },
});

Deno.test({
  name:
    "postgres: stop() hands a job that outlives the grace period back to queued, for another instance [postgres]",
  ignore: !testDatabaseUrl(),
  async fn() {
    await using h = await openTestDb({ kind: "postgres" });
    let started = 0;
    const slow = defineJob({
      name: "slow",
      queue: "maintenance",
      schema: z.object({}),
      retry: [],
      handler: async (_p, ctx) => {
        started++;
        if (started > 1) return; // the second instance's run
        await new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))
        );
      },
    });
    const a = await openBackend("postgres", [slow], { db: h });
    const id = await a.rt.enqueue("slow", {});
    await until(async () => (await a.rt.get(id))?.state === "active", 5_000, "active");
    await a.rt.stop({ graceMs: 100 });
    const back = (await a.rt.get(id))!;
    assertEquals([back.state, back.stalls, back.failures], ["queued", 1, 0]);
    await using b = await openBackend("postgres", [slow], { db: h });
    await b.rt.drain();
    const done = (await b.rt.get(id))!;
    assertEquals([done.state, done.attempts, started], ["done", 2, 2]);
    await a[Symbol.asyncDispose]();
  },
});
