/**
 * Both drivers must hand the app the same JS types for the same query.
 * PGlite always runs; PostgreSQL too when DATABASE_URL is set, and then the
 * results of both are compared value by value.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { type DbHandle, json } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import { openTestDb, testDatabaseUrl } from "../helpers/db.ts";

const KINDS: ("pglite" | "postgres")[] = testDatabaseUrl() ? ["pglite", "postgres"] : ["pglite"];

const TS = new Date("2024-05-06T07:08:09.123Z");

/** One query covering every type we care about; returns the row. */
async function sample(h: DbHandle): Promise<Record<string, unknown>> {
  const { rows } = await sql<Record<string, unknown>>`
    select
      count(*)                                as count,
      sum(x)                                  as sum_int4,
      sum(x::int8)                            as sum_int8,
      9007199254740991::int8                  as big,
      avg(x)                                  as avg_numeric,
      12.50::numeric(10, 2)                   as money,
      42::int4                                as int4,
      7::int2                                 as int2,
      1.25::float8                            as float8,
      '2024-02-29'::date                      as date,
      '1990-01-01'::date                      as date_early,
      ${TS}::timestamptz                      as ts_param,
      '2024-05-06 10:08:09.123+03'::timestamptz as ts_literal,
      '{"a": [1, "x", null], "b": {"c": true}}'::jsonb as jsonb,
      '[1, 2]'::json                          as json,
      ${json({ q: "привет", n: [1, 2] })}     as jsonb_param,
      true                                    as bool,
      'текст'::text                           as text,
      null::text                              as nothing,
      array['2024-01-01'::date]               as date_array,
      array[1::int8, 2::int8]                 as int8_array
    from (values (1), (2), (4)) as v(x)`.execute(h.db);
  return rows[0];
}

function expectTypes(row: Record<string, unknown>) {
  assert.equal(row.count, 3);
  assert.equal(row.sum_int4, 7); // sum(int4) is int8 → number
  assert.equal(row.sum_int8, "7"); // sum(int8) is numeric → string
  assert.equal(row.big, Number.MAX_SAFE_INTEGER);
  assert.equal(typeof row.avg_numeric, "string");
  assert.match(row.avg_numeric as string, /^2\.333/);
  assert.equal(row.money, "12.50");
  assert.equal(row.int4, 42);
  assert.equal(row.int2, 7);
  assert.equal(row.float8, 1.25);
  assert.equal(row.date, "2024-02-29");
  assert.equal(row.date_early, "1990-01-01");
  assert.ok(row.ts_param instanceof Date);
  assert.equal((row.ts_param as Date).toISOString(), TS.toISOString());
  assert.ok(row.ts_literal instanceof Date);
  assert.equal((row.ts_literal as Date).toISOString(), TS.toISOString());
  assert.deepEqual(row.jsonb, { a: [1, "x", null], b: { c: true } });
  assert.deepEqual(row.json, [1, 2]);
  assert.deepEqual(row.jsonb_param, { q: "привет", n: [1, 2] });
  assert.equal(row.bool, true);
  assert.equal(row.text, "текст");
  assert.equal(row.nothing, null);
  assert.deepEqual(row.date_array, ["2024-01-01"]);
  assert.deepEqual(row.int8_array, [1, 2]);
}

/** Round trip through real columns: date, double, bigint, jsonb written three ways. */
async function roundTrip(h: DbHandle) {
  const userId = newId();
  await h.db.insertInto("users").values({
    id: userId,
    username: `u_${userId.slice(-8)}`,
    password_hash: "x",
    telegram_chat_id: 4_503_599_627_370_496, // 2^52: Telegram ids fit in 52 bits
  }).execute();
  await h.db.insertInto("pets").values({
    id: newId(),
    owner_id: userId,
    name: "Гром",
    birth_date: "2023-12-31",
    weight_kg: 12.5,
  }).execute();
  // A Date bound to a date column is stored as its UTC calendar day.
  await h.db.insertInto("pets").values({
    id: newId(),
    owner_id: userId,
    name: "Буря",
    birth_date: new Date("2022-06-01T23:30:00Z") as unknown as string,
  }).execute();
  const pets = await h.db.selectFrom("pets").select([
    "name",
    "birth_date",
    "weight_kg",
    "created_at",
  ])
    .where("owner_id", "=", userId).orderBy("name").execute();
  assert.deepEqual(pets.map((p) => [p.name, p.birth_date, p.weight_kg]), [
    ["Буря", "2022-06-01", null],
    ["Гром", "2023-12-31", 12.5],
  ]);
  assert.ok(pets[0].created_at instanceof Date);

  const user = await h.db.selectFrom("users").select(["telegram_chat_id", "session_version"])
    .where("id", "=", userId).executeTakeFirstOrThrow();
  assert.equal(user.telegram_chat_id, 4_503_599_627_370_496);
  assert.equal(user.session_version, 1);

  // jsonb: via json(), as a plain value, and as an array; all read back parsed.
  const rows = [
    { key: "via-helper", value: json({ list: [1, 2], s: 'a"b' }) },
    { key: "plain-object", value: { list: [1, 2], s: 'a"b' } },
    { key: "plain-array", value: [{ k: 1 }, "two"] },
    { key: "helper-string", value: json("just text") },
  ];
  for (const r of rows) await h.db.insertInto("app_meta").values(r).execute();
  const meta = await h.db.selectFrom("app_meta").select(["key", "value"]).orderBy("key").execute();
  assert.deepEqual(meta.map((m) => [m.key, m.value]), [
    ["helper-string", "just text"],
    ["plain-array", [{ k: 1 }, "two"]],
    ["plain-object", { list: [1, 2], s: 'a"b' }],
    ["via-helper", { list: [1, 2], s: 'a"b' }],
  ]);
  // Stored as real jsonb objects (not as JSON strings inside jsonb).
  const { rows: kinds } = await sql<{ key: string; t: string }>`
    select key, jsonb_typeof(value) as t from app_meta order by key`.execute(h.db);
  assert.deepEqual(kinds.map((k) => k.t), ["string", "array", "object", "object"]);

  // numAffectedRows is a bigint count on both drivers.
  const upd = await h.db.updateTable("pets").set({ notes: "ок" }).where("owner_id", "=", userId)
    .executeTakeFirst();
  assert.equal(upd.numUpdatedRows, 2n);
  return { pets: pets.map(({ created_at: _, ...rest }) => rest), meta };
}

const results = new Map<string, { sample: Record<string, unknown>; trip: unknown }>();

for (const kind of KINDS) {
  Deno.test(`${kind}: query results have the agreed JS types`, async () => {
    await using h = await openTestDb({ kind });
    const row = await sample(h);
    expectTypes(row);
    const trip = await roundTrip(h);
    results.set(kind, { sample: row, trip });
  });
}

if (KINDS.length === 2) {
  Deno.test("pglite and postgres return identical values for the same queries", () => {
    const a = results.get("pglite");
    const b = results.get("postgres");
    assert.ok(a && b, "both driver tests ran");
    assert.deepEqual(a.sample, b.sample);
    assert.deepEqual(a.trip, b.trip);
  });
}
