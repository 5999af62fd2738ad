/** Prepared queries (db/prepared.ts): compiled once, each call with its own values. */
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { prepared } from "@/db/prepared.ts";
import { openTestDb } from "../helpers/db.ts";

const meta = (key: string, value: unknown) => ({ key, value: JSON.stringify(value) });

Deno.test("a prepared query answers each call with that call's values, constants kept", async () => {
  await using h = await openTestDb();
  await h.db.insertInto("app_meta")
    .values([meta("p:a", 1), meta("p:b", 2), meta("q:a", 3)])
    .execute();
  // A constant ("p:%") between the two placeholders: parameter order must hold.
  const byKey = prepared((db, p: { key: string; other: string }) =>
    db.selectFrom("app_meta").select(["key", "value"])
      .where("key", "like", "p:%")
      .where((eb) => eb.or([eb("key", "=", p.key), eb("key", "=", p.other)]))
      .orderBy("key")
  );
  const keys = async (key: string, other: string) =>
    (await byKey(h.db, { key, other })).map((r) => r.key);
  assertEquals(await keys("p:a", "p:b"), ["p:a", "p:b"]);
  assertEquals(await keys("p:b", "none"), ["p:b"]);
  // "q:a" exists but fails the constant condition.
  assertEquals(await keys("q:a", "p:a"), ["p:a"]);
  // Inside a transaction too.
  await h.db.transaction().execute(async (trx) => {
    assertEquals((await byKey(trx, { key: "p:a", other: "x" })).map((r) => r.key), ["p:a"]);
  });
});

Deno.test("a prepared query is compiled once for a database and all its transactions", async () => {
  await using h = await openTestDb();
  await h.db.insertInto("app_meta").values(meta("t:a", 1)).execute();
  let builds = 0;
  const byKey = prepared((db, p: { key: string }) => {
    builds++;
    return db.selectFrom("app_meta").select("key").where("key", "=", p.key);
  });
  for (let i = 0; i < 3; i++) {
    await h.db.transaction().execute(async (trx) => {
      assertEquals((await byKey(trx, { key: "t:a" })).map((r) => r.key), ["t:a"]);
    });
  }
  assertEquals((await byKey(h.db, { key: "t:a" })).length, 1);
  assertEquals(builds, 1, "each transaction is a new handle: the cache must not miss on it");
  // A handle that compiles differently (a plugin more) gets its own.
  const withPlugin = h.db.withPlugin({
    transformQuery: (args) => args.node,
    transformResult: (args) => Promise.resolve(args.result),
  });
  assertEquals((await byKey(withPlugin, { key: "t:a" })).length, 1);
  assertEquals(builds, 2);
});

Deno.test("a prepared query may use a value twice; one it transforms or drops is refused", async () => {
  await using h = await openTestDb();
  await h.db.insertInto("app_meta").values([meta("same", "same"), meta("x", 1)]).execute();
  // The stored value is JSON: the same key twice means the row whose value is "\"same\"".
  const twice = prepared((db, p: { key: string; json: string }) =>
    db.selectFrom("app_meta").select("key").where("key", "=", p.key).where("value", "=", p.json)
      .where("key", "<>", p.json)
  );
  assertEquals((await twice(h.db, { key: "same", json: '"same"' })).map((r) => r.key), ["same"]);
  assertEquals((await twice(h.db, { key: "x", json: '"same"' })).length, 0);
  const transformed = prepared((db, p: { key: string }) =>
    db.selectFrom("app_meta").select("key").where("key", "=", p.key.toUpperCase())
  );
  await assertRejects(() => transformed(h.db, { key: "a" }), Error, "passed unchanged");
  const dropped = prepared((db, _p: { key: string }) => db.selectFrom("app_meta").select("key"));
  await assertRejects(() => dropped(h.db, { key: "a" }), Error, "passed unchanged");
});
