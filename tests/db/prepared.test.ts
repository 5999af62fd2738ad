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
  // Inside a transaction too (another handle: compiled again, same answer).
  await h.db.transaction().execute(async (trx) => {
    assertEquals((await byKey(trx, { key: "p:a", other: "x" })).map((r) => r.key), ["p:a"]);
  });
});

Deno.test("a prepared query whose builder does not pass a value as one parameter is refused", async () => {
  await using h = await openTestDb();
  const twice = prepared((db, p: { key: string }) =>
    db.selectFrom("app_meta").select("key").where("key", "=", p.key).where("value", "=", p.key)
  );
  await assertRejects(() => twice(h.db, { key: "a" }), Error, "exactly one parameter");
  const transformed = prepared((db, p: { key: string }) =>
    db.selectFrom("app_meta").select("key").where("key", "=", p.key.toUpperCase())
  );
  await assertRejects(() => transformed(h.db, { key: "a" }), Error, "exactly one parameter");
});
