/**
 * A job that was running when its process died (kill -9) is taken over by
 * the next runtime on the same KV file at once, per the crash backoff's first
 * step, and not again when KV redelivers the dead process's message later.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import type { JobRecord } from "@/queues/records.ts";
import { killWhenSeen, openRuntime, recordingHang, sleep, until } from "./helpers.ts";

const CHILD = new URL("./takeover_child.ts", import.meta.url).pathname;

Deno.test({
  name: "a job held by a killed process runs again within seconds of the restart, once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gafus-takeover-" });
    const kvPath = `${dir}/kv.sqlite3`;
    try {
      const [, id] = await killWhenSeen(CHILD, { CHILD_KV_PATH: kvPath }, /@@ running (\S+)/);

      const kv = await Deno.openKv(kvPath);
      const before = (await kv.get<JobRecord>(["jobs", id])).value!;
      assertEquals(before.state, "active");
      const { job: hang, runs } = recordingHang();
      const restartedAt = Date.now();
      await using t = await openRuntime([hang], { kv, heartbeatMs: 200 });
      await until(async () => (await t.rt.get(id))?.state === "done", 5_000, "job done");
      const took = runs[0] - restartedAt;
      assert(took < 3_000, `ran ${took} ms after the restart (KV alone takes up to ~60 s)`);
      const info = (await t.rt.get(id))!;
      assertEquals([info.attempts, info.stalls], [2, 1]);
      assertEquals(info.errors.map((e) => e.kind), ["stalled"]);

      // KV's own redelivery of the dead process's message comes later, with its
      // old token: a no-op.
      await kv.enqueue({ gafusJob: 1, id, token: before.token });
      await sleep(300);
      await t.rt.drain();
      assertEquals(runs.length, 1, "run once");
      assertEquals((await t.rt.get(id))!.attempts, 2);
      await t.rt.stop();
      kv.close();
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
