/**
 * Cache invalidations between instances (db/cache_bus.ts): two caches on two
 * connection pools of one PostgreSQL database stand for two instances.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openSecondHandle, openTestDb } from "../helpers/db.ts";
import { Cache } from "@/platform/cache.ts";
import { shareCacheInvalidations } from "@/db/cache_bus.ts";

const opts = { ttlMs: 60_000, tags: ["courses"] };

Deno.test({
  name: "cache bus: a tag invalidated on one instance is dropped on the other within moments",
  ignore: !Deno.env.get("DATABASE_URL"),
  async fn() {
    await using db = await openTestDb();
    const other = await openSecondHandle(db);
    const [a, b] = [new Cache(), new Cache()];
    const stopA = await shareCacheInvalidations(db, a);
    const stopB = await shareCacheInvalidations(other, b);
    try {
      a.put("catalogue", "old A", opts);
      b.put("catalogue", "old B", opts);
      b.put("unrelated", "kept", { ttlMs: 60_000, tags: ["ops"] });
      a.invalidate("courses");
      assertEquals(a.peek("catalogue"), undefined, "dropped here at once");
      let waited = 0;
      while (b.peek("catalogue") !== undefined && waited < 3_000) {
        await new Promise((r) => setTimeout(r, 10));
        waited += 10;
      }
      assertEquals(b.peek("catalogue"), undefined, "dropped on the other instance");
      assertEquals(b.peek("unrelated"), "kept", "other tags stay");
      console.log(`  seen by the other instance after ≤ ${waited} ms`);

      // A peer's message is not passed on again (no echo between instances).
      a.put("catalogue", "new A", opts);
      b.invalidate("courses");
      await new Promise((r) => setTimeout(r, 300));
      assertEquals(a.peek("catalogue"), undefined);
      a.put("catalogue", "newer A", opts);
      await new Promise((r) => setTimeout(r, 300));
      assertEquals(a.peek("catalogue"), "newer A", "no echo came back");
    } finally {
      await stopA();
      await stopB();
      await other.close();
    }
  },
});

Deno.test("cache bus: on PGlite (one process) nothing is sent", async () => {
  const cache = new Cache();
  const stop = await shareCacheInvalidations({ db: undefined as never, listen: undefined }, cache);
  cache.put("k", 1, opts);
  cache.invalidate("courses");
  assertEquals(cache.peek("k"), undefined);
  await stop();
});
