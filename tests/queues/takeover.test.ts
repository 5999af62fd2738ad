/**
 * A job that was running when its process died (kill -9) is taken over by
 * the next runtime on the same KV file at once, per the crash backoff's first
 * step, and not again when KV redelivers the dead process's message later.
 */
import { z } from "zod";
import { assert, assertEquals } from "../helpers/assert.ts";
import { defineJob } from "@/queues/define.ts";
import type { JobRecord } from "@/queues/records.ts";
import { openRuntime, sleep, until } from "./helpers.ts";

const CHILD = new URL("./takeover_child.ts", import.meta.url).pathname;

Deno.test({
  name: "a job held by a killed process runs again within seconds of the restart, once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gafus-takeover-" });
    const kvPath = `${dir}/kv.sqlite3`;
    try {
      const proc = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", CHILD],
        env: { ...Deno.env.toObject(), CHILD_KV_PATH: kvPath },
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      let m: RegExpExecArray | null = null;
      while (!(m = /@@ running (\S+)/.exec(out))) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`child ended: ${out}`);
        out += value;
      }
      const id = m[1];
      proc.kill("SIGKILL");
      await proc.status;
      reader.releaseLock();

      const kv = await Deno.openKv(kvPath);
      const before = (await kv.get<JobRecord>(["jobs", id])).value!;
      assertEquals(before.state, "active");
      const runs: number[] = [];
      const hang = defineJob({
        name: "hang",
        queue: "maintenance",
        schema: z.object({}),
        retry: [],
        handler() {
          runs.push(Date.now());
          return Promise.resolve();
        },
      });
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
