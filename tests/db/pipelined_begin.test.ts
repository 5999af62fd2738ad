/**
 * On PostgreSQL a transaction's BEGIN leaves with its first statement (one
 * round trip fewer, db/pipelined_begin.ts), and transactions behave exactly
 * as before: a failure anywhere leaves nothing, an empty one commits, and
 * concurrent ones serialise on their locks.
 */
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { databaseUrlOf, openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { openDatabase } from "@/db/connection.ts";
import { countingProxy } from "@/bench/pg_count.ts";
import { sql } from "kysely";

const pgOnly = { ignore: !testDatabaseUrl(), sanitizeResources: false, sanitizeOps: false };

async function withTable(
  fn: (
    db: Awaited<ReturnType<typeof openDatabase>>,
    proxy: ReturnType<typeof countingProxy>,
  ) => Promise<void>,
) {
  await using t = await openTestDb({ migrate: false });
  await sql`CREATE TABLE pipe_t (id int PRIMARY KEY, n int NOT NULL)`.execute(t.db);
  await sql`INSERT INTO pipe_t VALUES (1, 0)`.execute(t.db);
  const proxy = countingProxy(await databaseUrlOf(t));
  const h = await openDatabase({ databaseUrl: proxy.url, dataDir: "", databasePoolMax: 4 });
  try {
    await fn(h, proxy);
  } finally {
    await h.close();
    proxy.close();
  }
}

Deno.test({
  name:
    "a transaction's BEGIN and first statement leave in one write; later statements and COMMIT each in theirs",
  ...pgOnly,
  fn: () =>
    withTable(async (h, proxy) => {
      proxy.reset();
      await h.db.transaction().execute(async (trx) => {
        await sql`SELECT n FROM pipe_t WHERE id = 1 FOR UPDATE`.execute(trx);
        await sql`UPDATE pipe_t SET n = n + 1 WHERE id = 1`.execute(trx);
      });
      assertEquals(proxy.batches(), [2, 1, 1]);
      const { rows } = await sql<{ n: number }>`SELECT n FROM pipe_t`.execute(h.db);
      assertEquals(rows[0].n, 1);
    }),
});

Deno.test({
  name:
    "a failing first statement rolls the transaction back with its own error; so does a throw after writes",
  ...pgOnly,
  fn: () =>
    withTable(async (h) => {
      await assertRejects(
        () =>
          h.db.transaction().execute(async (trx) => {
            await sql`INSERT INTO pipe_t VALUES (1, 5)`.execute(trx); // duplicate key
          }),
        Error,
        "duplicate key",
      );
      await assertRejects(
        () =>
          h.db.transaction().execute(async (trx) => {
            await sql`INSERT INTO pipe_t VALUES (2, 5)`.execute(trx);
            await sql`UPDATE pipe_t SET n = 9 WHERE id = 1`.execute(trx);
            throw new Error("changed my mind");
          }),
        Error,
        "changed my mind",
      );
      const { rows } = await sql<{ id: number; n: number }>`SELECT id, n FROM pipe_t ORDER BY id`
        .execute(h.db);
      assertEquals(rows, [{ id: 1, n: 0 }]);
      // The pool's connections are clean afterwards: a new transaction works.
      await h.db.transaction().execute((trx) =>
        sql`UPDATE pipe_t SET n = 3 WHERE id = 1`.execute(trx)
      );
      assertEquals((await sql<{ n: number }>`SELECT n FROM pipe_t`.execute(h.db)).rows[0].n, 3);
    }),
});

Deno.test({
  name:
    "a transaction that runs no statement commits; concurrent read-modify-write transactions lose no update",
  ...pgOnly,
  fn: () =>
    withTable(async (h) => {
      assertEquals(await h.db.transaction().execute(() => Promise.resolve(42)), 42);
      await Promise.all(Array.from({ length: 40 }, () =>
        h.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ n: number }>`SELECT n FROM pipe_t WHERE id = 1 FOR UPDATE`
            .execute(trx);
          await sql`UPDATE pipe_t SET n = ${rows[0].n + 1} WHERE id = 1`.execute(trx);
        })));
      assertEquals((await sql<{ n: number }>`SELECT n FROM pipe_t`.execute(h.db)).rows[0].n, 40);
    }),
});
