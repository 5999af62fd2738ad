import { assertEquals } from "../helpers/assert.ts";
import { assertRejects } from "../helpers/assert.ts";
import { clear, enforce, hit, RateLimitedError, type RateRule, refund } from "@/core/rate_limit.ts";

const rule: RateRule = { name: "test", limit: 3, windowMs: 60_000 };

Deno.test("fixed window: the limit per key, Retry-After to the window's end, then a new window", async () => {
  await using kv = await Deno.openKv(":memory:");
  const t0 = 60_000 * 28_333_334 + 40_000; // 40 s into a minute window
  for (let i = 1; i <= 3; i++) {
    const r = await hit(kv, rule, "a", t0);
    assertEquals([r.allowed, r.count, r.remaining], [true, i, 3 - i]);
  }
  const refused = await hit(kv, rule, "a", t0 + 5_000);
  assertEquals(refused.allowed, false);
  assertEquals(refused.retryAfterSec, 15, "seconds until the window ends");
  assertEquals((await hit(kv, rule, "b", t0)).allowed, true, "keys are separate");
  assertEquals(
    (await hit(kv, { ...rule, name: "other" }, "a", t0)).allowed,
    true,
    "rules are separate",
  );
  const next = await hit(kv, rule, "a", t0 + 20_000);
  assertEquals([next.allowed, next.count], [true, 1], "a new window starts from zero");
  const err = await assertRejects(
    async () => {
      for (let i = 0; i < 4; i++) await enforce(kv, rule, "c", t0);
    },
    RateLimitedError,
  ) as RateLimitedError;
  assertEquals(err.status, 429);
  assertEquals(err.retryAfterSec, 20);
});

Deno.test("concurrent attempts never let more than the limit through", async () => {
  await using kv = await Deno.openKv(":memory:");
  const r = { name: "burst", limit: 10, windowMs: 60_000 };
  const now = Date.now();
  const results = await Promise.all(Array.from({ length: 40 }, () => hit(kv, r, "ip", now)));
  assertEquals(results.filter((x) => x.allowed).length, 10);
  const stored = await kv.get<number>(["rate", "burst", "ip", now - (now % 60_000)]);
  assertEquals(stored.value, 10, "refused attempts are not counted");
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
  await refund(kv, rule, "never-seen", t0);
  assertEquals((await hit(kv, rule, "never-seen", t0)).count, 1, "refunding nothing stays at zero");
});
