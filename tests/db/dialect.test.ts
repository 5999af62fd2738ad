/** The PGlite dialect: one connection, transactions never interleaved, persistence. */
import assert from "node:assert/strict";
import { AbortedTransactionError, sql } from "kysely";
import { join } from "node:path";
import { openDatabase } from "@/db/connection.ts";
import { migrateToLatest } from "@/db/migrate.ts";
import { newId } from "@/platform/ids.ts";
import { openTestDb } from "../helpers/db.ts";

const meta = (key: string, value: unknown = 1) => ({ key, value: JSON.stringify(value) });

Deno.test("pglite: a transaction is never interleaved with other queries", async () => {
  await using h = await openTestDb({ kind: "pglite" });
  const { db } = h;
  const events: string[] = [];
  let outside: Promise<number> | undefined;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("app_meta").values(meta("a")).execute();
    // Issued while the transaction is open: must wait for it, then see both rows.
    outside = db.selectFrom("app_meta").select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow()
      .then((r) => {
        events.push("outside");
        return r.n;
      });
    await new Promise((r) => setTimeout(r, 30));
    await trx.insertInto("app_meta").values(meta("b")).execute();
    events.push("tx end");
  });
  assert.equal(await outside, 2);
  assert.deepEqual(events, ["tx end", "outside"]);
});

Deno.test("pglite: rollback on error, savepoints, affected rows", async () => {
  await using h = await openTestDb({ kind: "pglite" });
  const { db } = h;
  await assert.rejects(() =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto("app_meta").values(meta("gone")).execute();
      throw new Error("boom");
    }), /boom/);
  assert.equal((await db.selectFrom("app_meta").selectAll().execute()).length, 0);

  const trx = await db.startTransaction().execute();
  await trx.insertInto("app_meta").values(meta("kept")).execute();
  const sp = await trx.savepoint("before_dup").execute();
  await assert.rejects(() => sp.insertInto("app_meta").values(meta("kept")).execute());
  await sp.rollbackToSavepoint("before_dup").execute();
  await trx.insertInto("app_meta").values(meta("also")).execute();
  await trx.commit().execute();
  assert.deepEqual(
    (await db.selectFrom("app_meta").select("key").orderBy("key").execute()).map((r) => r.key),
    ["also", "kept"],
  );

  const ins = await db.insertInto("app_meta").values([meta("x"), meta("y")]).executeTakeFirst();
  assert.equal(ins.numInsertedOrUpdatedRows, 2n);
  const del = await db.deleteFrom("app_meta").where("key", "in", ["x", "y", "nope"])
    .executeTakeFirst();
  assert.equal(del.numDeletedRows, 2n);
  const sel = await sql`select 1`.execute(db);
  assert.equal(sel.numAffectedRows, undefined);
});

Deno.test("pglite: commit after a swallowed error reports the rollback", async () => {
  await using h = await openTestDb({ kind: "pglite" });
  const { db } = h;
  await db.insertInto("app_meta").values(meta("dup")).execute();
  await assert.rejects(
    () =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto("app_meta").values(meta("lost")).execute();
        await trx.insertInto("app_meta").values(meta("dup")).execute().catch(() => {});
      }),
    AbortedTransactionError,
  );
  assert.deepEqual((await db.selectFrom("app_meta").select("key").execute()).map((r) => r.key), [
    "dup",
  ]);
});

Deno.test("pglite: transaction settings are applied", async () => {
  await using h = await openTestDb({ kind: "pglite" });
  const level = await h.db.transaction().setIsolationLevel("serializable").setAccessMode(
    "read only",
  )
    .execute(async (trx) => {
      const { rows } = await sql<{ l: string; r: string }>`
        select current_setting('transaction_isolation') as l,
               current_setting('transaction_read_only') as r`.execute(trx);
      return rows[0];
    });
  assert.deepEqual(level, { l: "serializable", r: "on" });
});

Deno.test("pglite: many concurrent transactions all commit", async () => {
  await using h = await openTestDb({ kind: "pglite" });
  await Promise.all(Array.from({ length: 20 }, (_, i) =>
    h.db.transaction().execute(async (trx) => {
      await trx.insertInto("app_meta").values(meta(`k${i}`)).execute();
      await trx.updateTable("app_meta").set({ value: JSON.stringify(i) }).where("key", "=", `k${i}`)
        .execute();
    })));
  const rows = await h.db.selectFrom("app_meta").select(["key", "value"]).execute();
  assert.equal(rows.length, 20);
});

Deno.test("pglite: data persists in DATA_DIR/pg across restarts", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gafus-pg-" });
  try {
    const cfg = { databaseUrl: undefined, dataDir, databasePoolMax: 1 };
    const id = newId();
    {
      const h = await openDatabase(cfg);
      assert.equal(h.kind, "pglite");
      await migrateToLatest(h.db);
      await h.db.insertInto("users").values({ id, username: "persist", password_hash: "x" })
        .execute();
      // A second opener of the same directory is refused while the first is open.
      await assert.rejects(() => openDatabase(cfg), /in use by another process/);
      await h.close();
      await h.close(); // idempotent
    }
    assert.ok((await Deno.stat(join(dataDir, "pg"))).isDirectory);
    {
      const h = await openDatabase(cfg);
      await h.ping();
      assert.deepEqual((await migrateToLatest(h.db)).applied, []);
      const row = await h.db.selectFrom("users").select("username").where("id", "=", id)
        .executeTakeFirst();
      assert.equal(row?.username, "persist");
      await h.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("openDatabase: memory option and ping", async () => {
  const h = await openDatabase({ dataDir: "/nonexistent", databasePoolMax: 1 }, { memory: true });
  try {
    assert.equal(h.kind, "pglite");
    assert.ok(h.pglite);
    await h.ping();
  } finally {
    await h.close();
  }
  await assert.rejects(() => h.ping());
});
