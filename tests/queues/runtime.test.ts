/**
 * The job runtime: validation, retries, delays, cancel, concurrency, pause,
 * retention and the admin API on both backends (`[kv]` always, `[postgres]`
 * with DATABASE_URL); dead letters, duplicate KV messages, chained KV delays,
 * KV counters and `activeAfterMs` on KV only.
 */
import { z } from "zod";
import { assert, assertEquals, assertMatch, assertRejects } from "../helpers/assert.ts";
import { defineJob, PermanentJobError } from "@/queues/define.ts";
import { InvalidJobPayloadError, UnknownJobError } from "@/queues/types.ts";
import {
  backendTest,
  counterValues,
  indexCounts,
  ManualClock,
  openBackend,
  openRuntime,
  sleep,
  until,
} from "./helpers.ts";

const DAY = 24 * 3600_000;

backendTest(
  "enqueue refuses an unknown job, a bad payload, a huge payload and a bad delay",
  async (backend) => {
    const job = defineJob({
      name: "greet",
      queue: "push",
      schema: z.object({ name: z.string().min(1) }),
      handler: () => Promise.resolve(),
    });
    await using t = await openBackend(backend, [job], { start: false });
    const unknown = await assertRejects(() => t.rt.enqueue("nope", {}), UnknownJobError);
    assertMatch(String(unknown), /Unknown job "nope"/);
    const bad = await assertRejects(
      () => t.rt.enqueue("greet", { name: 42 }),
      InvalidJobPayloadError,
    );
    assertMatch(bad.message, /Invalid payload for job "greet": name: .*expected string/);
    await assertRejects(
      () => t.rt.enqueue("greet", { name: "x".repeat(40_000) }),
      InvalidJobPayloadError,
    );
    await assertRejects(() => t.rt.enqueue("greet", { name: "a" }, { delay: -1 }), RangeError);
    // Nothing was stored by the refused calls.
    if (t.kv) assertEquals(await indexCounts(t.kv), {});
    if (t.kv) assertEquals(await counterValues(t.kv), {});
  },
);

Deno.test("defineJob refuses more than 5 retry intervals and unknown queues", () => {
  const base = { name: "x", schema: z.object({}), handler: () => Promise.resolve() };
  let threw = false;
  try {
    defineJob({ ...base, queue: "push", retry: [1, 2, 3, 4, 5, 6] });
  } catch (e) {
    threw = /at most 5 retry intervals/.test(String(e));
  }
  assert(threw, "6 retry intervals must be refused");
  threw = false;
  try {
    // @ts-expect-error: not a queue
    defineJob({ ...base, queue: "nope" });
  } catch (e) {
    threw = /unknown queue "nope"/.test(String(e));
  }
  assert(threw, "an unknown queue must be refused");
});

backendTest(
  "a failing job is retried on its schedule with the truth on its record, then fails",
  async (backend) => {
    let calls = 0;
    const job = defineJob({
      name: "flaky",
      queue: "push",
      schema: z.object({}),
      retry: [400, 30],
      handler: () => {
        calls++;
        throw new Error(`boom ${calls}`);
      },
    });
    await using t = await openBackend(backend, [job]);
    const id = await t.rt.enqueue("flaky", {});
    // After the first failure: delayed, with the next retry time and the error's stack.
    await until(async () => (await t.rt.get(id))?.state === "delayed", 3_000, "first retry");
    const mid = (await t.rt.get(id))!;
    assertEquals(mid.attempts, 1);
    assertEquals(mid.failures, 1);
    assertEquals(mid.maxAttempts, 3);
    assert(mid.nextRetryAt, "next retry time is shown");
    const wait = mid.nextRetryAt.getTime() - mid.lastError!.at.getTime();
    assertEquals(wait, 400);
    assertEquals(mid.lastError!.message, "boom 1");
    assertMatch(mid.lastError!.stack ?? "", /Error: boom 1\n\s+at /);

    await until(async () => (await t.rt.get(id))?.state === "failed", 3_000, "final failure");
    const done = (await t.rt.get(id))!;
    assertEquals(calls, 3);
    assertEquals(done.attempts, 3);
    assertEquals(done.failures, 3);
    assertEquals(done.nextRetryAt, null);
    assertEquals(done.errors.map((e) => [e.attempt, e.kind, e.message]), [
      [1, "error", "boom 1"],
      [2, "error", "boom 2"],
      [3, "error", "boom 3"],
    ]);
    const s = await t.rt.stats();
    const push = s.queues.find((q) => q.queue === "push")!;
    assertEquals(push.counts.failed, 1);
    assertEquals(push.counts.delayed, 0);
    assertEquals(push.failedLastHour, 1);
    await sleep(100);
    assertEquals(calls, 3, "no run after the last attempt");
  },
);

backendTest(
  "PermanentJobError fails the job at once, without the remaining retries",
  async (backend) => {
    let calls = 0;
    const job = defineJob({
      name: "gone",
      queue: "push",
      schema: z.object({}),
      retry: [10, 10, 10],
      handler: () => {
        calls++;
        throw new PermanentJobError("the user was deleted");
      },
    });
    await using t = await openBackend(backend, [job]);
    const id = await t.rt.enqueue("gone", {});
    await t.rt.drain();
    const info = (await t.rt.get(id))!;
    assertEquals([info.state, info.attempts, calls], ["failed", 1, 1]);
    assertEquals(info.lastError?.message, "the user was deleted");
  },
);

Deno.test("retries then dead letter: when KV gives up delivering a job, it becomes dead", async () => {
  const job = defineJob({
    name: "never",
    queue: "push",
    schema: z.object({}),
    handler: () => Promise.resolve(),
  });
  let deliveries = 0;
  await using t = await openRuntime([job], {
    crashBackoff: [10, 10],
    // KV's own delivery is under test: no start at once after the enqueue.
    startAtOnce: false,
    // Every delivery dies before the job starts, as a crashing process would.
    faultInjection: () => {
      deliveries++;
      throw new Error("injected delivery failure");
    },
  });
  const id = await t.rt.enqueue("never", {});
  await until(
    async () => {
      for await (const _ of t.kv.list({ prefix: ["jobs_dead", id] })) return true;
      return false;
    },
    5_000,
    "KV's dead letter",
  );
  assertEquals(deliveries, 3, "one delivery plus one per backoff step");
  assertEquals((await t.rt.get(id))?.state, "queued", "dead only once the sweep sees it");
  assertEquals((await t.rt.housekeep()).dead, 1);
  const info = (await t.rt.get(id))!;
  assertEquals(info.state, "dead");
  assertEquals(info.lastError?.kind, "dead");
  assertMatch(info.lastError!.message, /KV stopped delivering/);
  const push = (await t.rt.stats()).queues.find((q) => q.queue === "push")!;
  assertEquals([push.counts.dead, push.counts.queued], [1, 0]);
  // The dead letter is consumed: a second sweep changes nothing.
  assertEquals((await t.rt.housekeep()).dead, 0);
});

Deno.test("a duplicate delivery of one message has one effect", async () => {
  let effects = 0;
  const job = defineJob({
    name: "effect",
    queue: "push",
    schema: z.object({}),
    handler: async () => {
      effects++;
      await sleep(50);
    },
  });
  await using t = await openRuntime([job]);
  const id = await t.rt.enqueue("effect", {});
  const rec = (await t.kv.get<{ token: string }>(["jobs", id])).value!;
  const copy = { gafusJob: 1, id, token: rec.token };
  // Two more copies of the same message, delivered while the first runs.
  await Promise.all([t.kv.enqueue(copy), t.kv.enqueue(copy)]);
  await t.rt.drain();
  // And one after it finished.
  await t.kv.enqueue(copy);
  await sleep(100);
  await t.rt.drain();
  assertEquals(effects, 1);
  const info = (await t.rt.get(id))!;
  assertEquals([info.state, info.attempts], ["done", 1]);
});

backendTest(
  "a delayed job waits for its delay, shown as delayed with its start time",
  async (backend) => {
    let ranAt = 0;
    const job = defineJob({
      name: "later",
      queue: "push",
      schema: z.object({}),
      handler: () => {
        ranAt = Date.now();
        return Promise.resolve();
      },
    });
    await using t = await openBackend(backend, [job]);
    const t0 = Date.now();
    const id = await t.rt.enqueue("later", {}, { delay: 300 });
    const info = (await t.rt.get(id))!;
    assertEquals(info.state, "delayed");
    assertEquals(info.runAt.getTime() - info.createdAt.getTime(), 300);
    await t.rt.drain();
    assert(ranAt - t0 >= 300, `ran after ${ranAt - t0} ms`);
    assertEquals((await t.rt.get(id))?.state, "done");
  },
);

Deno.test("a delay longer than KV allows is chained and runs only when due (injected clock)", async () => {
  const clock = new ManualClock();
  let ranAtClock = 0;
  const job = defineJob({
    name: "far",
    queue: "push",
    schema: z.object({}),
    handler: () => {
      ranAtClock = clock.now();
      return Promise.resolve();
    },
  });
  // KV's 30-day limit scaled down to 30 ms: 45 "days" need many hops.
  await using t = await openRuntime([job], { clock, maxKvDelayMs: 30 });
  const id = await t.rt.enqueue("far", {}, { delay: 45 * DAY });
  const runAt = (await t.rt.get(id))!.runAt.getTime();
  // Real time passes (about 10 hops) but the clock does not: still waiting.
  await sleep(300);
  assertEquals((await t.rt.get(id))?.state, "delayed");
  assertEquals(ranAtClock, 0);
  clock.advance(30 * DAY);
  await sleep(150);
  assertEquals((await t.rt.get(id))?.state, "delayed", "30 of 45 days is not due");
  clock.advance(15 * DAY);
  await until(async () => (await t.rt.get(id))?.state === "done", 2_000, "the chained job");
  assert(ranAtClock >= runAt - 1_000, "not early");
});

backendTest(
  "cancel: a waiting job never runs, a running one is aborted and not retried",
  async (backend) => {
    let runs = 0;
    const job = defineJob({
      name: "cancellable",
      queue: "push",
      schema: z.object({ wait: z.boolean() }),
      retry: [10, 10],
      handler: async (p, ctx) => {
        runs++;
        if (!p.wait) return;
        await new Promise((_, reject) => {
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        });
      },
    });
    await using t = await openBackend(backend, [job]);
    const waiting = await t.rt.enqueue("cancellable", { wait: false }, {
      delay: 200,
      dedupeKey: "k",
    });
    assert(await t.rt.cancel(waiting));
    assertEquals(await t.rt.cancel(waiting), false, "cancelling twice");
    await sleep(350);
    assertEquals(runs, 0);
    assertEquals((await t.rt.get(waiting))?.state, "cancelled");
    // The dedupe key is free again.
    const again = await t.rt.enqueue("cancellable", { wait: false }, { dedupeKey: "k" });
    assert(again !== waiting);
    await t.rt.drain();
    assertEquals(runs, 1);

    const running = await t.rt.enqueue("cancellable", { wait: true });
    await until(async () => (await t.rt.get(running))?.state === "active", 2_000, "start");
    assert(await t.rt.cancel(running));
    await t.rt.drain();
    const info = (await t.rt.get(running))!;
    assertEquals([info.state, info.attempts, runs], ["cancelled", 1, 2]);
    assertEquals(await t.rt.cancel("01900000-0000-7000-8000-000000000000"), false);
  },
);

Deno.test("counters stay equal to the records with 200 concurrent enqueues and completions", async () => {
  let done = 0;
  const job = defineJob({
    name: "count",
    queue: "push",
    schema: z.object({ i: z.number() }),
    handler: async () => {
      await sleep(Math.random() * 5);
      done++;
    },
  });
  const other = defineJob({
    name: "count-b",
    queue: "notifications",
    schema: z.object({ i: z.number() }),
    retry: [],
    handler: ({ i }) => {
      if (i % 20 === 0) throw new Error("every tenth of these");
      return Promise.resolve();
    },
  });
  await using t = await openRuntime([job, other]);
  const ids = await Promise.all(
    Array.from({ length: 200 }, (_, i) => t.rt.enqueue(i % 2 ? "count" : "count-b", { i })),
  );
  assertEquals(new Set(ids).size, 200);
  await t.rt.drain({ timeoutMs: 20_000 });
  assertEquals(done, 100);
  const counters = await counterValues(t.kv);
  assertEquals(counters, {
    "push/done": 100,
    "notifications/done": 90,
    "notifications/failed": 10,
  });
  assertEquals(await indexCounts(t.kv), counters);
  const s = await t.rt.stats();
  assertEquals(s.totals.done, 190);
  assertEquals(s.totals.failed, 10);
  assertEquals(s.totals.doneLastHour, 190);
  assertEquals(s.totals.failedLastHour, 10);
  assertEquals(s.totals.queued + s.totals.active + s.totals.delayed, 0);
});

backendTest(
  "a queue never runs more jobs at once than its concurrency; the rest wait",
  async (backend) => {
    let now = 0;
    let max = 0;
    let maxActiveSeen = 0;
    const job = defineJob({
      name: "slow",
      queue: "reengagement",
      schema: z.object({}),
      handler: async () => {
        now++;
        max = Math.max(max, now);
        await sleep(15);
        now--;
      },
    });
    // Written active at once, so the records can be sampled too.
    await using t = await openBackend(backend, [job], {
      concurrency: { reengagement: 3 },
      activeAfterMs: 0,
    });
    await Promise.all(Array.from({ length: 40 }, () => t.rt.enqueue("slow", {})));
    const sampler = (async () => {
      for (let i = 0; i < 30; i++) {
        const q = (await t.rt.stats()).queues.find((x) => x.queue === "reengagement")!;
        maxActiveSeen = Math.max(maxActiveSeen, q.counts.active);
        await sleep(10);
      }
    })();
    await t.rt.drain({ timeoutMs: 20_000 });
    await sampler;
    assertEquals(max, 3);
    assert(maxActiveSeen <= 3, `records showed ${maxActiveSeen} active`);
    if (t.kv) assertEquals((await counterValues(t.kv))["reengagement/done"], 40);
    // Jobs that waited outside KV (parked) all came back.
    if (t.kv) {
      for await (const _ of t.kv.list({ prefix: ["jobs_parked"] })) throw new Error("left parked");
    }
  },
);

backendTest(
  "pause stops a queue (also from another runtime on the same store); resume runs what waited",
  async (backend) => {
    let runs = 0;
    const job = defineJob({
      name: "msg",
      queue: "telegram",
      schema: z.object({}),
      handler: () => {
        runs++;
        return Promise.resolve();
      },
    });
    const other = defineJob({
      name: "other",
      queue: "push",
      schema: z.object({}),
      handler: () => Promise.resolve(),
    });
    await using t = await openBackend(backend, [job, other]);
    // An admin process (no listener) on the same KV pauses the queue.
    await using admin = await openBackend(backend, [job, other], {
      kv: t.kv,
      db: t.db,
      start: false,
    });
    await admin.rt.pause("telegram");
    // The worker learns it through its KV watch; on PostgreSQL at its next read
    // of the flag (every second): read it now instead of racing that timer and
    // the worker's own start-up (a fixed 50 ms failed once under CI load).
    if (t.kv) await sleep(50);
    else await t.rt.housekeep();
    const ids = await Promise.all(Array.from({ length: 5 }, () => t.rt.enqueue("msg", {})));
    const unaffected = await t.rt.enqueue("other", {});
    await sleep(300);
    assertEquals(runs, 0);
    assertEquals((await t.rt.get(unaffected))?.state, "done", "other queues keep running");
    const tg = (await t.rt.stats()).queues.find((q) => q.queue === "telegram")!;
    assertEquals([tg.paused, tg.counts.queued, tg.counts.active], [true, 5, 0]);
    assert(tg.latencyMs >= 250, `latency ${tg.latencyMs}`);
    // KV parks the jobs of a paused queue outside its queue; PostgreSQL leaves them queued.
    if (t.kv) assert((await t.rt.get(ids[0]))!.parked);
    assert(await t.rt.isPaused("telegram"));

    await admin.rt.resume("telegram");
    await t.rt.drain();
    assertEquals(runs, 5);
    for (const id of ids) assertEquals((await t.rt.get(id))?.state, "done");
    assertEquals(await t.rt.isPaused("telegram"), false);
  },
);

backendTest(
  "retention: done jobs go after 2 days, failed and dead after 14 (with their index, counters, dedupe key)",
  async (backend) => {
    const clock = new ManualClock();
    const ok = defineJob({
      name: "ok",
      queue: "push",
      schema: z.object({}),
      handler: () => Promise.resolve(),
    });
    const bad = defineJob({
      name: "bad",
      queue: "push",
      schema: z.object({}),
      retry: [],
      handler: () => Promise.reject(new Error("no")),
    });
    await using t = await openBackend(backend, [ok, bad], {
      clock,
      doneRetentionDays: 2,
      failedRetentionDays: 14,
    });
    const a = await t.rt.enqueue("ok", {}, { dedupeKey: "once" });
    const b = await t.rt.enqueue("bad", {});
    await t.rt.drain();
    assertEquals(await t.rt.enqueue("ok", {}, { dedupeKey: "once" }), a, "deduplicated");
    clock.advance(2 * DAY - 60_000);
    assertEquals((await t.rt.housekeep()).pruned, 0);
    clock.advance(2 * 60_000);
    assertEquals((await t.rt.housekeep()).pruned, 1);
    assertEquals(await t.rt.get(a), null);
    assertEquals((await t.rt.get(b))?.state, "failed");
    if (t.kv) assertEquals(await counterValues(t.kv), { "push/failed": 1 });
    if (t.kv) assertEquals(await indexCounts(t.kv), { "push/failed": 1 });
    const c = await t.rt.enqueue("ok", {}, { dedupeKey: "once" });
    assert(c !== a, "the dedupe key went with the pruned job");
    await t.rt.drain();
    clock.advance(12 * DAY + 60_000);
    await t.rt.housekeep();
    assertEquals(await t.rt.get(b), null);
    assertEquals(await t.rt.get(c), null);
    if (t.kv) assertEquals(await counterValues(t.kv), {});
    if (t.kv) assertEquals(await indexCounts(t.kv), {});
  },
);

backendTest(
  "a handler that overruns its timeout fails with kind timeout and sees its signal aborted",
  async (backend) => {
    let aborted = false;
    const job = defineJob({
      name: "hang",
      queue: "push",
      schema: z.object({}),
      retry: [],
      timeoutMs: 50,
      handler: (_p, ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener("abort", () => {
            aborted = true;
            reject(ctx.signal.reason);
          });
        }),
    });
    await using t = await openBackend(backend, [job]);
    const id = await t.rt.enqueue("hang", {});
    await t.rt.drain();
    const info = (await t.rt.get(id))!;
    assertEquals([info.state, info.lastError?.kind], ["failed", "timeout"]);
    assertMatch(info.lastError!.message, /timed out after 50 ms/);
    assert(aborted);
  },
);

backendTest(
  "progress, result and duration are recorded; dedupeKey returns the first job",
  async (backend) => {
    const job = defineJob({
      name: "work",
      queue: "push",
      schema: z.object({ n: z.number() }),
      handler: async ({ n }, ctx) => {
        await ctx.progress(50);
        assertEquals(ctx.job.attempt, 1);
        return { doubled: n * 2 };
      },
    });
    await using t = await openBackend(backend, [job]);
    const id = await t.rt.enqueue("work", { n: 21 }, { dedupeKey: "w" });
    assertEquals(await t.rt.enqueue("work", { n: 1 }, { dedupeKey: "w" }), id);
    await t.rt.drain();
    const info = (await t.rt.get(id))!;
    assertEquals(info.result, { doubled: 42 });
    assertEquals(info.progress, 100);
    assertEquals(info.payload, { n: 21 });
    assertEquals(info.dedupeKey, "w");
    assert(info.durationMs !== null && info.startedAt && info.finishedAt);
  },
);

backendTest(
  "admin API: list with pagination across queues, retry, retryAll, remove, clean",
  async (backend) => {
    let fail = true;
    const a = defineJob({
      name: "a",
      queue: "push",
      schema: z.object({ i: z.number() }),
      retry: [],
      handler: () => fail ? Promise.reject(new Error("down")) : Promise.resolve(),
    });
    const b = defineJob({
      name: "b",
      queue: "telegram",
      schema: z.object({ i: z.number() }),
      retry: [],
      handler: () => fail ? Promise.reject(new Error("down")) : Promise.resolve(),
    });
    await using t = await openBackend(backend, [a, b]);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await t.rt.enqueue(i % 2 ? "a" : "b", { i }));
    await t.rt.drain();

    // Three pages of 3, 3 and 1, newest first, no repeats.
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await t.rt.list({ state: "failed", limit: 3, cursor });
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    assertEquals(pages, 3);
    assertEquals(new Set(seen).size, 7);
    const finished = await Promise.all(seen.map(async (id) => (await t.rt.get(id))!.finishedAt!));
    for (let i = 1; i < finished.length; i++) {
      assert(
        finished[i - 1] >= finished[i],
        "newest first",
      );
    }
    assertEquals((await t.rt.list({ state: "failed", queue: "push" })).jobs.length, 3);
    const asc = (await t.rt.list({ state: "failed", queue: "push", order: "asc" })).jobs;
    assertEquals(asc.map((j) => j.id).sort(), [ids[1], ids[3], ids[5]].sort());
    for (let i = 1; i < asc.length; i++) assert(asc[i - 1].finishedAt! <= asc[i].finishedAt!);

    fail = false;
    assert(await t.rt.retry(ids[0]));
    assertEquals(await t.rt.retry(ids[0]), false, "a queued job is not retried again");
    await t.rt.drain();
    const retried = (await t.rt.get(ids[0]))!;
    assertEquals([retried.state, retried.attempts, retried.failures], ["done", 2, 0]);
    assertEquals(retried.errors.length, 1, "the old error stays in the history");

    assertEquals(await t.rt.retryAll("push", "failed"), 3);
    await t.rt.drain();
    assertEquals((await t.rt.stats()).queues.find((q) => q.queue === "push")!.counts.done, 3);

    assert(await t.rt.remove(ids[2]));
    assertEquals(await t.rt.get(ids[2]), null);
    assertEquals(await t.rt.clean("telegram", "failed"), 2);
    assertEquals(await t.rt.clean(undefined, "done"), 4);
    if (t.kv) assertEquals(await counterValues(t.kv), {});
    if (t.kv) assertEquals(await indexCounts(t.kv), {});
    assertEquals(t.rt.definitions().map((d) => d.name), ["a", "b"]);
  },
);

Deno.test("a job is written active once it has run activeAfterMs; a shorter one goes straight to done", async () => {
  const release = Promise.withResolvers<void>();
  const job = defineJob({
    name: "maybe-long",
    queue: "push",
    schema: z.object({ long: z.boolean() }),
    handler: async ({ long }) => {
      if (long) await release.promise;
    },
  });
  await using t = await openRuntime([job], { activeAfterMs: 80 });
  const quick = await t.rt.enqueue("maybe-long", { long: false });
  await t.rt.drain();
  const q = (await t.rt.get(quick))!;
  assertEquals([q.state, q.attempts, q.stalls], ["done", 1, 0]);
  assert(q.startedAt && q.durationMs !== null && q.startedAt <= q.finishedAt!);

  const long = await t.rt.enqueue("maybe-long", { long: true });
  await until(async () => (await t.rt.get(long))?.state === "active", 3_000, "active");
  const running = (await t.rt.get(long))!;
  assertEquals([running.attempts, running.stalled], [1, false]);
  assert(running.heartbeatAt);
  assertEquals((await t.rt.stats()).queues.find((x) => x.queue === "push")!.running, 1);
  release.resolve();
  await t.rt.drain();
  const done = (await t.rt.get(long))!;
  assertEquals([done.state, done.attempts], ["done", 1]);
  assert(done.durationMs! >= 80);
});
