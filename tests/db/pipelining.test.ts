/**
 * On PostgreSQL a transaction's BEGIN leaves with its first statement, and a
 * write-behind statement with the next one or the COMMIT (db/pipelining.ts):
 * round trips fewer, and transactions behave exactly as before. A failure
 * anywhere leaves nothing and is the error the caller sees, an empty
 * transaction commits, and concurrent ones serialise on their locks.
 */
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { databaseUrlOf, openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { openDatabase } from "@/db/connection.ts";
import { writeBehind } from "@/db/pipelining.ts";
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
  await sql`CREATE TABLE pipe_t (id int PRIMARY KEY, n int NOT NULL CHECK (n < 100))`.execute(t.db);
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

type Pipe = { pipe_t: { id: number; n: number } };

Deno.test({
  name:
    "a write-behind statement leaves with the COMMIT (or the next statement), and what follows sees it",
  ...pgOnly,
  fn: () =>
    withTable(async (_h, proxy) => {
      // One connection, so the warm-up below prepares the statements on it.
      // postgres.js asks the server for a statement's parameter types the first
      // time a connection runs it (a round trip of its own): count the second time.
      const h1 = await openDatabase({ databaseUrl: proxy.url, dataDir: "", databasePoolMax: 1 });
      try {
        const db1 = h1.db.withTables<Pipe>();
        const writeThenCommit = () =>
          db1.transaction().execute(async (trx) => {
            await sql`SELECT n FROM pipe_t WHERE id = 1 FOR UPDATE`.execute(trx);
            await writeBehind(trx.updateTable("pipe_t").set({ n: 5 }).where("id", "=", 1))
              .execute();
          });
        await writeThenCommit();
        proxy.reset();
        await writeThenCommit();
        assertEquals(proxy.batches(), [2, 2]);
        const writeThenRead = () =>
          db1.transaction().execute(async (trx) => {
            await writeBehind(trx.updateTable("pipe_t").set({ n: 6 }).where("id", "=", 1))
              .execute();
            return (await trx.selectFrom("pipe_t").select("n").executeTakeFirstOrThrow()).n;
          });
        await writeThenRead();
        proxy.reset();
        const seen = await writeThenRead();
        assertEquals(seen, 6);
        assertEquals(proxy.batches(), [3, 1]);
      } finally {
        await h1.close();
      }
    }),
});

Deno.test({
  name:
    "a failing write-behind statement fails its transaction with its own error, at the next statement or at COMMIT, and undoes the rest",
  ...pgOnly,
  fn: () =>
    withTable(async (h) => {
      const db = h.db.withTables<Pipe>();
      // Fails at COMMIT: the insert before it is undone too.
      await assertRejects(
        () =>
          db.transaction().execute(async (trx) => {
            await trx.insertInto("pipe_t").values({ id: 2, n: 1 }).execute();
            await writeBehind(trx.updateTable("pipe_t").set({ n: 500 }).where("id", "=", 1))
              .execute();
          }),
        Error,
        "check constraint",
      );
      // Fails at the next statement, whose own error ("transaction is aborted") is not the one shown.
      await assertRejects(
        () =>
          db.transaction().execute(async (trx) => {
            await writeBehind(trx.insertInto("pipe_t").values({ id: 1, n: 1 })).execute();
            await trx.selectFrom("pipe_t").selectAll().execute();
          }),
        Error,
        "duplicate key",
      );
      assertEquals(await db.selectFrom("pipe_t").selectAll().execute(), [{ id: 1, n: 0 }]);
      // Outside a transaction there is nothing to carry the error to: it is awaited as usual.
      await assertRejects(
        () => writeBehind(db.updateTable("pipe_t").set({ n: 500 }).where("id", "=", 1)).execute(),
        Error,
        "check constraint",
      );
      // The pool's connections are clean afterwards.
      await db.transaction().execute((trx) =>
        writeBehind(trx.updateTable("pipe_t").set({ n: 7 }).where("id", "=", 1)).execute()
      );
      assertEquals((await db.selectFrom("pipe_t").select("n").executeTakeFirstOrThrow()).n, 7);
    }),
});

Deno.test({
  name:
    "rolling back to a savepoint discards a write-behind statement sent after it, failed or not",
  ...pgOnly,
  fn: () =>
    withTable(async (h) => {
      const db = h.db.withTables<Pipe>();
      const trx = await db.startTransaction().execute();
      try {
        await trx.updateTable("pipe_t").set({ n: 1 }).where("id", "=", 1).execute();
        const sp = await trx.savepoint("before_bad").execute();
        await writeBehind(sp.updateTable("pipe_t").set({ n: 500 }).where("id", "=", 1))
          .execute();
        await sp.rollbackToSavepoint("before_bad").execute();
        await sp.commit().execute();
      } catch (err) {
        // Hand the connection back, so a failure fails instead of hanging the pool's close.
        await trx.rollback().execute().catch(() => {});
        throw err;
      }
      assertEquals((await db.selectFrom("pipe_t").select("n").executeTakeFirstOrThrow()).n, 1);
    }),
});
