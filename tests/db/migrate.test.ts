import assert from "node:assert/strict";
import { sql } from "kysely";
import type { DbHandle } from "@/db/connection.ts";
import { migrateTo, migrateToLatest, MigrationError, migrationStatus } from "@/db/migrate.ts";
import { TABLES } from "@/db/migrations/0001_core.ts";
import { migrations } from "@/db/migrations/mod.ts";
import { openSecondHandle, openTestDb, testDatabaseUrl } from "../helpers/db.ts";

/** Every migration, in order (the list grows with each area's migration). */
const ALL = Object.keys(migrations).sort();

const KINDS: ("pglite" | "postgres")[] = testDatabaseUrl() ? ["pglite", "postgres"] : ["pglite"];

async function tables(h: DbHandle): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(h.db);
  return rows.map((r) => r.name);
}

for (const kind of KINDS) {
  Deno.test(`${kind}: migrations run from an empty database, then are a no-op`, async () => {
    await using h = await openTestDb({ kind, migrate: false });
    assert.deepEqual(await tables(h), []);

    const first = await migrateToLatest(h.db);
    assert.deepEqual(first.applied, ALL);
    const after = await tables(h);
    for (const t of TABLES) assert.ok(after.includes(t), `table ${t} exists`);
    assert.deepEqual(await migrationStatus(h.db), { applied: ALL, pending: [] });

    const second = await migrateToLatest(h.db);
    assert.deepEqual(second.applied, []);
    assert.deepEqual(await tables(h), after);
  });

  Deno.test(`${kind}: down-migration removes the schema, and up works again`, async () => {
    await using h = await openTestDb({ kind });
    const down = await migrateTo(h.db, "none");
    assert.deepEqual(down, { direction: "Down", migrations: [...ALL].reverse() });
    // Only kysely's own bookkeeping tables remain.
    assert.deepEqual(await tables(h), ["kysely_migration", "kysely_migration_lock"]);
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from pg_proc where proname = 'gafus_touch_updated_at'`.execute(h.db);
    assert.equal(rows[0].n, 0);

    assert.deepEqual((await migrateToLatest(h.db)).applied, ALL);
    assert.ok((await tables(h)).includes("users"));
  });

  Deno.test(`${kind}: a failing migration throws a clear error and changes nothing`, async () => {
    await using h = await openTestDb({ kind, migrate: false });
    // A conflicting table makes 0001_core fail half-way through.
    await sql`create table pets (id int)`.execute(h.db);
    await assert.rejects(
      () => migrateToLatest(h.db),
      (e: unknown) => {
        assert.ok(e instanceof MigrationError);
        assert.equal(e.migration, "0001_core");
        assert.match(e.message, /migration 0001_core \(Up\) failed: .*pets/);
        return true;
      },
    );
    // The whole run was one transaction: users (created before pets) is gone again.
    const names = await tables(h);
    assert.ok(!names.includes("users"));
    assert.deepEqual((await migrationStatus(h.db)).applied, []);
  });

  Deno.test(`${kind}: concurrent migrateToLatest calls apply the migration once`, async () => {
    await using h = await openTestDb({ kind, migrate: false });
    const other = kind === "postgres" ? await openSecondHandle(h) : h;
    try {
      const results = await Promise.all([migrateToLatest(h.db), migrateToLatest(other.db)]);
      const applied = results.map((r) => r.applied).sort((a, b) => b.length - a.length);
      assert.deepEqual(applied, [ALL, []]);
    } finally {
      if (other !== h) await other.close();
    }
  });
}

Deno.test("migrateTo refuses an unknown migration name", async () => {
  await using h = await openTestDb({ kind: "pglite" });
  await assert.rejects(() => migrateTo(h.db, "9999_nope"), MigrationError);
});
