/**
 * A job enqueued on a runtime that can run it starts right after its commit
 * (queues/dispatch.ts `reserve`), not when KV's queue gets round to its
 * message; the message, shared by the jobs of one commit, is then only a
 * safety net: it runs nothing again, and it is what recovers a job whose
 * process was killed between that start and the end (start_at_once_child.ts).
 */
import { z } from "zod";
import { assert, assertEquals } from "../helpers/assert.ts";
import { defineJob } from "@/queues/define.ts";
import type { JobRecord } from "@/queues/records.ts";
import {
  counterValues,
  indexCounts,
  killWhenSeen,
  openRuntime,
  recordingHang,
  sleep,
  until,
} from "./helpers.ts";

const CHILD = new URL("./start_at_once_child.ts", import.meta.url).pathname;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Enqueue → handler start, one job at a time on an idle runtime. */
async function idleStartLatency(startAtOnce: boolean, samples: number): Promise<number[]> {
  const starts = new Map<string, number>();
  const job = defineJob({
    name: "tick",
    queue: "push",
    schema: z.object({}),
    retry: [],
    handler: (_p, ctx) => {
      starts.set(ctx.job.id, performance.now());
      return Promise.resolve();
    },
  });
  await using t = await openRuntime([job], { startAtOnce });
  // Housekeeping's first pass (nothing parked) lets new jobs start at once.
  await sleep(100);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const id = await t.rt.enqueue("tick", {});
    await until(() => starts.has(id), 5_000, "the job's start");
    out.push(starts.get(id)! - t0);
    await t.rt.drain();
  }
  return out;
}

Deno.test("a job enqueued on an idle runtime starts at once, not when KV's queue delivers its message", async () => {
  const fast = median(await idleStartLatency(true, 20));
  // KV's own delivery (the message path) for comparison: tens of milliseconds.
  const viaKv = median(await idleStartLatency(false, 10));
  assert(fast < 10, `median enqueue → start ${fast.toFixed(2)} ms (KV's message: ${viaKv} ms)`);
  assert(fast * 3 < viaKv, `at once ${fast.toFixed(2)} ms vs KV's message ${viaKv.toFixed(2)} ms`);
});

Deno.test("the KV message of a job started at once runs nothing again, whether it comes during or after the run", async () => {
  const runs = new Map<string, number>();
  const job = defineJob({
    name: "work",
    queue: "push",
    schema: z.object({ ms: z.number() }),
    retry: [],
    handler: async (p, ctx) => {
      runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
      await sleep(p.ms);
    },
  });
  const messages = new Map<string, number>();
  const runningWhenMessageCame = new Set<string>();
  const finished = new Set<string>();
  await using t = await openRuntime([job], {
    // Observes KV's deliveries (throws nothing).
    faultInjection: (id) => {
      messages.set(id, (messages.get(id) ?? 0) + 1);
      if (runs.has(id) && !finished.has(id)) runningWhenMessageCame.add(id);
    },
  });
  await sleep(100);
  // Long enough for KV's message to come while it runs, and too short for that.
  const slow = await t.rt.enqueue("work", { ms: 400 });
  const quick = await Promise.all(
    Array.from({ length: 20 }, () => t.rt.enqueue("work", { ms: 0 })),
  );
  assertEquals(runs.get(slow), 1, "started before enqueue returned");
  await until(async () => (await t.rt.get(slow))?.state === "done", 5_000, "the slow job");
  finished.add(slow);
  await t.rt.drain();
  for (const id of quick) finished.add(id);
  // Every message has come (one per commit, so fewer messages than jobs is fine).
  await until(() => [slow, ...quick].every((id) => messages.has(id)), 5_000, "KV's messages");
  await sleep(50);
  await t.rt.drain();
  assert(runningWhenMessageCame.has(slow), "the slow job's message came while it ran");
  for (const id of [slow, ...quick]) {
    assertEquals(runs.get(id), 1, `job ${id} ran once`);
    const info = (await t.rt.get(id))!;
    assertEquals([info.state, info.attempts, info.stalls], ["done", 1, 0]);
  }
  assertEquals(await indexCounts(t.kv), { "push/done": 21 });
  assertEquals(await counterValues(t.kv), { "push/done": 21 });
});

Deno.test("starting at once keeps the queue's concurrency limit and its pause", async () => {
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const job = defineJob({
    name: "slow",
    queue: "reengagement",
    schema: z.object({ i: z.number() }),
    retry: [],
    handler: async (p) => {
      order.push(p.i);
      peak = Math.max(peak, ++running);
      await sleep(30);
      running--;
    },
  });
  await using t = await openRuntime([job], { concurrency: { reengagement: 2 } });
  await sleep(100);
  const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => t.rt.enqueue("slow", { i })));
  await t.rt.drain();
  assertEquals(peak, 2);
  assertEquals(order.length, 8);
  for (const id of ids) assertEquals((await t.rt.get(id))?.state, "done");

  await t.rt.pause("reengagement");
  const paused = await t.rt.enqueue("slow", { i: 100 });
  await sleep(200);
  assertEquals(order.length, 8, "a paused queue starts nothing at once");
  assert((await t.rt.get(paused))!.parked);
  await t.rt.resume("reengagement");
  await t.rt.drain();
  assertEquals(order.length, 9);
  assertEquals(await counterValues(t.kv), { "reengagement/done": 9 });
});

Deno.test("a job cancelled while it waits for a slot never starts", async () => {
  const ran: number[] = [];
  const job = defineJob({
    name: "one-at-a-time",
    queue: "reengagement",
    schema: z.object({ i: z.number() }),
    retry: [],
    handler: async (p) => {
      ran.push(p.i);
      await sleep(150);
    },
  });
  await using t = await openRuntime([job], { concurrency: { reengagement: 1 } });
  await sleep(100);
  await t.rt.enqueue("one-at-a-time", { i: 1 });
  const waiting = await t.rt.enqueue("one-at-a-time", { i: 2 });
  assertEquals(ran, [1], "the second waits for the only slot");
  assert(await t.rt.cancel(waiting));
  await t.rt.drain();
  await sleep(100);
  assertEquals(ran, [1]);
  assertEquals((await t.rt.get(waiting))?.state, "cancelled");
});

Deno.test({
  name:
    "another runtime on the same KV file that gets the message holds it while the owner runs the job",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gafus-at-once-two-" });
    try {
      let runs = 0;
      const job = defineJob({
        name: "long",
        queue: "push",
        schema: z.object({}),
        retry: [],
        handler: async () => {
          runs++;
          await sleep(1_500); // written active after 100 ms, with a heartbeat every 200 ms
        },
      });
      const kvA = await Deno.openKv(`${dir}/kv.sqlite3`);
      const kvB = await Deno.openKv(`${dir}/kv.sqlite3`);
      // Runtime A runs jobs but never gets KV's messages, so B gets the job's one.
      const deaf = new Proxy(kvA, {
        get(target, prop) {
          if (prop === "listenQueue") return () => new Promise(() => {});
          const v = Reflect.get(target, prop, target);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      let messagesAtB = 0;
      await using a = await openRuntime([job], { kv: deaf, heartbeatMs: 200 });
      await using b = await openRuntime([job], {
        kv: kvB,
        heartbeatMs: 200,
        faultInjection: () => void messagesAtB++,
      });
      await sleep(100);
      const id = await a.rt.enqueue("long", {});
      await until(() => messagesAtB > 0, 5_000, "B gets the job's message");
      // Past the time a silent owner would count as dead (2 beats + 1 s): A is not silent.
      await until(async () => (await b.rt.get(id))?.state === "done", 5_000, "the job done");
      await a.rt.drain();
      await b.rt.drain();
      assertEquals(runs, 1);
      const info = (await b.rt.get(id))!;
      assertEquals([info.state, info.attempts, info.stalls], ["done", 1, 0]);
      await a.rt.stop();
      await b.rt.stop();
      kvA.close();
      kvB.close();
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name:
    "a process killed between the start at once and the end: KV's message runs the job after the restart",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gafus-at-once-" });
    const kvPath = `${dir}/kv.sqlite3`;
    try {
      const [, id, latency, seen] = await killWhenSeen(
        CHILD,
        { CHILD_KV_PATH: kvPath },
        /@@ started (\S+) after ([\d.]+) ms, message seen: (\w+)/,
      );
      const killedAt = Date.now();
      assertEquals(seen, "false", "started before KV delivered its message");
      assert(Number(latency) < 1_000, `started ${latency} ms after the enqueue`);

      const kv = await Deno.openKv(kvPath);
      const before = (await kv.get<JobRecord>(["jobs", id])).value!;
      // Not yet written active: only the message knows the job must run again.
      assertEquals([before.state, before.owner !== undefined], ["queued", true]);
      // Past the deadline of a message the dead process may have held (KV
      // renews it to now + 5 s), so the restart's queue cleanup requeues it.
      await sleep(Math.max(0, killedAt + 5_500 - Date.now()));
      const { job: hang, runs } = recordingHang();
      await using t = await openRuntime([hang], { kv, heartbeatMs: 200 });
      // KV redelivers on its own schedule: a message it counts as failed
      // (held by the dead process) may wait out a retry backoff of up to a
      // minute, so the wait is generous; what is asserted is unchanged.
      await until(async () => (await t.rt.get(id))?.state === "done", 90_000, "job done");
      await sleep(200);
      await t.rt.drain();
      assertEquals(runs.length, 1, "run once after the restart");
      const info = (await t.rt.get(id))!;
      assertEquals([info.state, info.attempts], ["done", 1]);
      await t.rt.stop();
      kv.close();
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
