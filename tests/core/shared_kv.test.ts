/**
 * The shared KV store: every case runs on Deno KV (the default `services.kv`)
 * and on the PostgreSQL store (`JOBS_BACKEND=postgres`, db/shared_kv.ts), so
 * code written against one behaves the same on the other. The database is
 * PGlite in memory, or a fresh PostgreSQL database with DATABASE_URL.
 */
import { assert, assertEquals, assertNotEquals, assertRejects } from "../helpers/assert.ts";
import { openSecondHandle, openTestDb } from "../helpers/db.ts";
import { encodeKey, PgSharedKv } from "@/db/shared_kv.ts";
import type { SharedKv } from "@/platform/shared_kv.ts";
import { sql } from "kysely";
import { Lease } from "@/bot/lease.ts";
import { claimDelivery, settleDelivery } from "@/core/delivery_claim.ts";
import { hit } from "@/core/rate_limit.ts";

interface Store {
  kv: SharedKv;
  [Symbol.asyncDispose](): Promise<void>;
}

const IMPLEMENTATIONS: Record<string, () => Promise<Store>> = {
  "deno kv": async () => {
    const kv = await Deno.openKv(":memory:");
    const close = () => {
      try {
        kv.close();
      } catch {
        // Closed by the test already.
      }
      return Promise.resolve();
    };
    return { kv, [Symbol.asyncDispose]: close };
  },
  postgres: async () => {
    const db = await openTestDb();
    const kv = new PgSharedKv(db.db, { pruneEveryMs: 0 });
    return {
      kv,
      async [Symbol.asyncDispose]() {
        kv.close();
        await db[Symbol.asyncDispose]();
      },
    };
  },
};

function both(name: string, fn: (kv: SharedKv) => Promise<void>) {
  for (const [impl, open] of Object.entries(IMPLEMENTATIONS)) {
    Deno.test(`shared kv (${impl}): ${name}`, async () => {
      await using store = await open();
      await fn(store.kv);
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

both("an absent key reads as null with no versionstamp", async (kv) => {
  assertEquals(await kv.get(["nothing", 1]), {
    key: ["nothing", 1],
    value: null,
    versionstamp: null,
  });
});

both("values come back as they were stored, with a new versionstamp per write", async (kv) => {
  const value = {
    text: "привет",
    n: 1.5,
    at: new Date(86400_000),
    map: new Map([["a", 1]]),
    bytes: new Uint8Array([1, 2, 3]),
    big: 12345678901234567890n,
    list: [true, null, undefined],
  };
  const first = await kv.set(["v"], value);
  assert(first.ok);
  assertEquals(first.versionstamp.length, 20);
  const got = await kv.get<typeof value>(["v"]);
  assertEquals(got.value, value);
  assertEquals(got.versionstamp, first.versionstamp);
  const second = await kv.set(["v"], "other");
  assertNotEquals(second.versionstamp, first.versionstamp);
  assert(second.versionstamp > first.versionstamp, "versionstamps grow");
  assertEquals((await kv.get(["v"])).value, "other");

  await kv.set(["u"], new Deno.KvU64(7n));
  const u = await kv.get<Deno.KvU64>(["u"]);
  assert(u.value instanceof Deno.KvU64);
  assertEquals(u.value.value, 7n);
});

both("key parts keep their types", async (kv) => {
  await kv.set(["k", 1], "number");
  await kv.set(["k", "1"], "string");
  await kv.set(["k", 1n], "bigint");
  await kv.set(["k", true], "boolean");
  await kv.set(["k", new Uint8Array([1])], "bytes");
  await kv.set(["k", 1, "x"], "longer");
  assertEquals((await kv.get(["k", 1])).value, "number");
  assertEquals((await kv.get(["k", "1"])).value, "string");
  assertEquals((await kv.get(["k", 1n])).value, "bigint");
  assertEquals((await kv.get(["k", true])).value, "boolean");
  assertEquals((await kv.get(["k", new Uint8Array([1])])).value, "bytes");
  assertEquals((await kv.get(["k", 1, "x"])).value, "longer");
  assertEquals((await kv.get(["k"])).value, null);
});

both("delete removes the entry; deleting an absent key is fine", async (kv) => {
  await kv.set(["d"], 1);
  await kv.delete(["d"]);
  assertEquals((await kv.get(["d"])).versionstamp, null);
  await kv.delete(["never"]);
});

both("a check on 'absent' lets one commit through, the next fails", async (kv) => {
  const key = ["claim", "x"];
  const a = await kv.atomic().check({ key, versionstamp: null }).set(key, "a").commit();
  const b = await kv.atomic().check({ key, versionstamp: null }).set(key, "b").commit();
  assert(a.ok);
  assertEquals(b, { ok: false });
  assertEquals((await kv.get(key)).value, "a");
});

both("a failed check writes none of the commit's mutations", async (kv) => {
  await kv.set(["c"], 1);
  const old = await kv.get(["c"]);
  await kv.set(["c"], 2);
  await kv.set(["gone"], "stays");
  const res = await kv.atomic().check(old)
    .set(["c"], 3)
    .set(["other"], "no")
    .delete(["gone"])
    .sum(["n"], 1n)
    .commit();
  assertEquals(res, { ok: false });
  assertEquals((await kv.get(["c"])).value, 2);
  assertEquals((await kv.get(["other"])).value, null);
  assertEquals((await kv.get(["gone"])).value, "stays");
  assertEquals((await kv.get(["n"])).value, null);
  // With the current versionstamp the same commit passes, and every entry gets its stamp.
  const cur = await kv.get(["c"]);
  const ok = await kv.atomic().check(cur).set(["c"], 3).delete(["gone"]).commit();
  assert(ok.ok);
  assertEquals((await kv.get(["c"])).versionstamp, ok.versionstamp);
  assertEquals((await kv.get(["gone"])).value, null);
});

both("checks on several keys must all hold", async (kv) => {
  await kv.set(["a"], 1);
  const a = await kv.get(["a"]);
  const res = await kv.atomic().check(a, { key: ["b"], versionstamp: null }).set(["b"], 1).commit();
  assert(res.ok);
  const again = await kv.atomic().check(a, { key: ["b"], versionstamp: null }).set(["b"], 2)
    .commit();
  assertEquals(again, { ok: false });
});

both("sum adds to a KvU64, starts from an absent key, wraps at 2^64", async (kv) => {
  await kv.atomic().sum(["s"], 5n).commit();
  await kv.atomic().sum(["s"], 3n).commit();
  assertEquals((await kv.get<Deno.KvU64>(["s"])).value?.value, 8n);
  await kv.set(["max"], new Deno.KvU64(18446744073709551615n));
  await kv.atomic().sum(["max"], 2n).commit();
  assertEquals((await kv.get<Deno.KvU64>(["max"])).value?.value, 1n);
  // The reset-and-count pattern of core/ops_alerts.ts.
  await kv.set(["s"], new Deno.KvU64(0n), { expireIn: 60_000 });
  await kv.atomic().sum(["s"], 1n).commit();
  assertEquals((await kv.get<Deno.KvU64>(["s"])).value?.value, 1n);
});

both("sum on a value that is not a KvU64 throws and changes nothing", async (kv) => {
  await kv.set(["t"], "text");
  await assertRejects(() => kv.atomic().sum(["t"], 1n).set(["side"], 1).commit(), TypeError);
  assertEquals((await kv.get(["t"])).value, "text");
  assertEquals((await kv.get(["side"])).value, null);
});

both("mutations of one key in one commit apply in order", async (kv) => {
  assert((await kv.atomic().set(["o"], 1).set(["o"], 2).commit()).ok);
  assertEquals((await kv.get(["o"])).value, 2);
  assert((await kv.atomic().set(["o"], 1).delete(["o"]).commit()).ok);
  assertEquals((await kv.get(["o"])).value, null);
  assert((await kv.atomic().delete(["o"]).sum(["o"], 4n).sum(["o"], 1n).commit()).ok);
  assertEquals((await kv.get<Deno.KvU64>(["o"])).value?.value, 5n);
  assert((await kv.atomic().set(["o"], new Deno.KvU64(10n)).sum(["o"], 1n).commit()).ok);
  assertEquals((await kv.get<Deno.KvU64>(["o"])).value?.value, 11n);
});

both("values over 64 KiB and values that cannot be cloned are refused", async (kv) => {
  await assertRejects(() => kv.set(["big"], "x".repeat(70_000)), TypeError, "too large");
  await assertRejects(() => kv.set(["fn"], { f: () => 1 }));
  assertEquals((await kv.get(["big"])).value, null);
});

both("a closed store refuses calls", async (kv) => {
  kv.close();
  await assertRejects(() => kv.get(["x"]));
});

both("concurrent claims of one key: exactly one wins", async (kv) => {
  const key = ["once", 1];
  const results = await Promise.all(
    Array.from(
      { length: 40 },
      (_, i) => kv.atomic().check({ key, versionstamp: null }).set(key, i).commit(),
    ),
  );
  assertEquals(results.filter((r) => r.ok).length, 1);
});

/** The optimistic increment of core/rate_limit.ts, retried until it lands. */
async function increment(kv: SharedKv, key: Deno.KvKey): Promise<number> {
  for (let tries = 1; tries < 10_000; tries++) {
    const cur = await kv.get<number>(key);
    const res = await kv.atomic().check(cur).set(key, (cur.value ?? 0) + 1, { expireIn: 60_000 })
      .commit();
    if (res.ok) return tries;
  }
  throw new Error("increment never landed");
}

both("concurrent check-and-set increments lose none", async (kv) => {
  await Promise.all(Array.from({ length: 50 }, () => increment(kv, ["count"])));
  assertEquals((await kv.get(["count"])).value, 50);
});

// The app's own users of the store, on both.

both("the bot's polling lease has one holder at a time, across holders", async (kv) => {
  const key = ["telegram", "poll_lease", "1"];
  const [a, b] = [new Lease(kv, key, "a", 1_000), new Lease(kv, key, "b", 1_000)];
  const now = Date.now();
  const won = await Promise.all([a.acquire(now), b.acquire(now)]);
  assertEquals(won.filter(Boolean).length, 1);
  const [holder, other] = won[0] ? [a, b] : [b, a];
  assert(await holder.acquire(now + 500), "the holder renews");
  assertEquals(await other.acquire(now + 600), false);
  assert(await other.acquire(now + 1_600), "a lapsed lease is taken over");
  await other.release();
  assertEquals(await holder.holder(), null);
});

both("a delivery claim is taken once; a settled one is never sent again", async (kv) => {
  const key = ["push_sent", "n1"];
  const claims = await Promise.all([
    claimDelivery(kv, key, 60_000),
    claimDelivery(kv, key, 60_000),
  ]);
  assertEquals(claims.filter((c) => c.kind === "claimed").length, 1);
  await settleDelivery(kv, key, "sent");
  assertEquals(await claimDelivery(kv, key, 60_000), { kind: "done", state: "sent" });
});

both(
  "a rate limit refuses the attempt after the limit, counted by concurrent callers",
  async (kv) => {
    const rule = { name: "t", limit: 5, windowMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 8 }, () => hit(kv, rule, "u1")));
    assertEquals(results.filter((r) => r.allowed).length, 5);
  },
);

// ----------------------------------------------------------- PostgreSQL only

Deno.test("shared kv (postgres): two connection pools increment one key without losing one", async () => {
  await using db = await openTestDb();
  if (db.kind !== "postgres") return; // PGlite serves one connection; the cases above cover it.
  const other = await openSecondHandle(db);
  const a = new PgSharedKv(db.db, { pruneEveryMs: 0 });
  const b = new PgSharedKv(other.db, { pruneEveryMs: 0 });
  try {
    const per = 100;
    const t0 = performance.now();
    const tries = await Promise.all([
      ...Array.from({ length: per }, () => increment(a, ["rate", "x"])),
      ...Array.from({ length: per }, () => increment(b, ["rate", "x"])),
      ...Array.from({ length: per }, () => a.atomic().sum(["sum"], 1n).commit()),
      ...Array.from({ length: per }, () => b.atomic().sum(["sum"], 1n).commit()),
    ]);
    const ms = performance.now() - t0;
    assertEquals((await b.get(["rate", "x"])).value, 2 * per);
    assertEquals((await a.get<Deno.KvU64>(["sum"])).value?.value, BigInt(2 * per));
    const retries = (tries.slice(0, 2 * per) as number[]).reduce((s, n) => s + n - 1, 0);
    console.log(
      `  ${4 * per} concurrent commits from two pools in ${ms.toFixed(0)} ms ` +
        `(${retries} optimistic retries)`,
    );
  } finally {
    a.close();
    b.close();
    await other.close();
  }
});

Deno.test("shared kv (postgres): an expired entry reads as absent at once and pruning removes it", async () => {
  await using db = await openTestDb();
  const kv = new PgSharedKv(db.db, { pruneEveryMs: 0 });
  try {
    await kv.set(["short"], 1, { expireIn: 100 });
    await kv.set(["long"], 2, { expireIn: 60_000 });
    await kv.set(["forever"], 3);
    assertEquals((await kv.get(["short"])).value, 1);
    await sleep(200);
    assertEquals(await kv.get(["short"]), { key: ["short"], value: null, versionstamp: null });
    // Absent for checks too: a claim on an expired key succeeds.
    const claim = await kv.atomic().check({ key: ["short"], versionstamp: null })
      .set(["short"], "again", { expireIn: 100 }).commit();
    assert(claim.ok);
    await sleep(200);
    // A sum on an expired counter starts from zero and the result keeps no expiry.
    await kv.set(["counter"], new Deno.KvU64(9n), { expireIn: 50 });
    await sleep(100);
    await kv.atomic().sum(["counter"], 1n).commit();
    assertEquals(await kv.prune(), 1, "only the expired row goes");
    const left = await sql<{ key: string }>`SELECT key FROM shared_kv ORDER BY key`.execute(db.db);
    assertEquals(
      left.rows.map((r) => r.key),
      [["counter"], ["forever"], ["long"]].map(encodeKey),
    );
    assertEquals((await kv.get<Deno.KvU64>(["counter"])).value?.value, 1n);
  } finally {
    kv.close();
  }
});

Deno.test("shared kv (postgres): housekeeping prunes on its own timer", async () => {
  await using db = await openTestDb();
  const kv = new PgSharedKv(db.db, { pruneEveryMs: 50 });
  try {
    await kv.set(["brief"], 1, { expireIn: 10 });
    let rows = 1;
    for (let i = 0; i < 40 && rows > 0; i++) {
      await sleep(50);
      const r = await sql<{ n: number }>`SELECT count(*) AS n FROM shared_kv`.execute(db.db);
      rows = Number(r.rows[0].n);
    }
    assertEquals(rows, 0);
  } finally {
    kv.close();
  }
});
