import { assertEquals } from "../helpers/assert.ts";
import { assertRejects } from "../helpers/assert.ts";
import { clear, enforce, hit, RateLimitedError, type RateRule, refund } from "@/core/rate_limit.ts";

const rule: RateRule = { name: "test", limit: 3, windowMs: 60_000 };

Deno.test("sliding window: the limit per key, Retry-After until the estimate drops, the old window fades", async () => {
  await using kv = await Deno.openKv(":memory:");
  const t0 = 60_000 * 28_333_334 + 40_000; // 40 s into a minute window
  for (let i = 1; i <= 3; i++) {
    const r = await hit(kv, rule, "a", t0);
    assertEquals([r.allowed, r.count, r.remaining], [true, i, 3 - i]);
  }
  const refused = await hit(kv, rule, "a", t0 + 5_000);
  assertEquals(refused.allowed, false);
  // 15 s to the window's end, then a third of the next window until 3 × weight ≤ 2.
  assertEquals(refused.retryAfterSec, 35, "seconds until an attempt is allowed again");
  assertEquals((await hit(kv, rule, "b", t0)).allowed, true, "keys are separate");
  assertEquals(
    (await hit(kv, { ...rule, name: "other" }, "a", t0)).allowed,
    true,
    "rules are separate",
  );
  const justAfter = await hit(kv, rule, "a", t0 + 21_000);
  assertEquals(
    [justAfter.allowed, justAfter.retryAfterSec],
    [false, 19],
    "a burst at a window's end still counts right after it",
  );
  const next = await hit(kv, rule, "a", t0 + 40_000);
  assertEquals([next.allowed, next.count], [true, 3], "two thirds of the old window left: 2 + 1");
  const later = await hit(kv, rule, "a", t0 + 110_000);
  assertEquals(
    [later.allowed, later.count],
    [true, 1],
    "the old window's one attempt is over a minute old: it no longer counts",
  );
  const err = await assertRejects(
    async () => {
      for (let i = 0; i < 4; i++) await enforce(kv, rule, "c", t0);
    },
    RateLimitedError,
  ) as RateLimitedError;
  assertEquals(err.status, 429);
  assertEquals(err.retryAfterSec, 40);
});

Deno.test("sliding window: attempts at a window's start hold back no longer than the window (3 an hour: an hour)", async () => {
  await using kv = await Deno.openKv(":memory:");
  const t1 = 60_000 * 28_333_336 + 1_000; // 1 s into a minute window
  for (let i = 0; i < 3; i++) assertEquals((await hit(kv, rule, "d", t1)).allowed, true);
  const refused = await hit(kv, rule, "d", t1 + 1_000);
  assertEquals(refused.allowed, false);
  assertEquals(refused.retryAfterSec, 59, "until the attempts are a window old");
  assertEquals((await hit(kv, rule, "d", t1 + 59_000)).allowed, false, "not before");
  assertEquals((await hit(kv, rule, "d", t1 + 60_000)).allowed, true, "a window later");
});

Deno.test("sliding window: twice the limit never passes around a window boundary", async () => {
  await using kv = await Deno.openKv(":memory:");
  const boundary = 60_000 * 28_333_335;
  let allowed = 0;
  // Attempts every 100 ms from 5 s before a boundary to 5 s after it.
  for (let t = boundary - 5_000; t < boundary + 5_000; t += 100) {
    if ((await hit(kv, rule, "burst", t)).allowed) allowed++;
  }
  assertEquals(allowed, 3);
});

Deno.test("concurrent attempts never let more than the limit through", async () => {
  await using kv = await Deno.openKv(":memory:");
  const r = { name: "burst", limit: 10, windowMs: 60_000 };
  const now = Date.now();
  const results = await Promise.all(Array.from({ length: 40 }, () => hit(kv, r, "ip", now)));
  assertEquals(results.filter((x) => x.allowed).length, 10);
  const stored = await kv.get<{ n: number }>(["rate", "burst", "ip", now - (now % 60_000)]);
  assertEquals(stored.value?.n, 10, "refused attempts are not counted");
});

Deno.test("refund gives one attempt back in the window it was counted; clear forgets the key", async () => {
  await using kv = await Deno.openKv(":memory:");
  const t0 = 60_000 * 28_333_334 + 10_000;
  for (let i = 0; i < 3; i++) await hit(kv, rule, "a", t0);
  assertEquals((await hit(kv, rule, "a", t0)).allowed, false);
  await refund(kv, rule, "a", t0);
  const again = await hit(kv, rule, "a", t0 + 1_000);
  assertEquals([again.allowed, again.count], [true, 3], "the refunded attempt is free again");
  await clear(kv, rule, "a", t0 + 2_000);
  assertEquals((await hit(kv, rule, "a", t0 + 3_000)).count, 1, "a cleared key starts from zero");
  for (let i = 0; i < 2; i++) await hit(kv, rule, "a", t0 + 3_000);
  await clear(kv, rule, "a", t0 + 60_000);
  assertEquals(
    (await hit(kv, rule, "a", t0 + 61_000)).count,
    1,
    "clearing in the next window forgets the previous one too",
  );
  await refund(kv, rule, "never-seen", t0);
  assertEquals((await hit(kv, rule, "never-seen", t0)).count, 1, "refunding nothing stays at zero");
});
