/**
 * 0026 — the shared key-value store of several instances (db/shared_kv.ts,
 * used as `services.kv` when `JOBS_BACKEND=postgres`):
 *
 * - shared_kv: one row per key (the Deno.KvKey encoded as text), the value
 *   serialized by V8 (`value`) or a Deno.KvU64 (`u64`, so `sum()` can add in
 *   SQL), the versionstamp (`version`, from a sequence) and the expiry. An
 *   expired row counts as absent; housekeeping deletes it later.
 * - shared_kv_commit(p jsonb): one atomic commit (checks, then sets, sums and
 *   deletes) in one round trip. It takes a transaction-level advisory lock
 *   per key, in a fixed order, before reading: two commits on one key run one
 *   after the other, so a check is never stale when its writes land, across
 *   any number of processes. Returns the new version, or NULL when a check
 *   failed. Every write goes through it (plain set and delete too), since a
 *   write that skipped the lock could slip between another commit's check
 *   and its write.
 */
import { type Kysely, sql } from "kysely";

/** Advisory lock namespace (first key of the two-int form); also in db/shared_kv.ts. */
const LOCK_CLASS = 240024;

const UP = [
  `CREATE SEQUENCE shared_kv_version`,
  `CREATE TABLE shared_kv (
     key text PRIMARY KEY,
     value bytea,
     u64 numeric(20, 0) CHECK (u64 >= 0 AND u64 < 18446744073709551616),
     version bigint NOT NULL,
     expires_at timestamptz,
     CHECK ((value IS NULL) <> (u64 IS NULL))
   )`,
  `CREATE INDEX shared_kv_expires_idx ON shared_kv (expires_at) WHERE expires_at IS NOT NULL`,
  `CREATE FUNCTION shared_kv_commit(p jsonb) RETURNS bigint
   LANGUAGE plpgsql VOLATILE AS $fn$
   DECLARE
     h integer;
     v bigint;
   BEGIN
     -- Lock every key involved, in hash order (two commits never wait on each other in a circle).
     FOR h IN
       SELECT DISTINCT hashtext(k) FROM (
         SELECT c->>'k' AS k FROM jsonb_array_elements(p->'checks') c
         UNION ALL SELECT o->>'k' FROM jsonb_array_elements(p->'sets') o
         UNION ALL SELECT o->>'k' FROM jsonb_array_elements(p->'sums') o
         UNION ALL SELECT d #>> '{}' FROM jsonb_array_elements(p->'deletes') d
       ) keys ORDER BY 1
     LOOP
       PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, h);
     END LOOP;

     -- Each statement below sees what committed before it started (after the locks).
     IF EXISTS (
       SELECT 1 FROM jsonb_array_elements(p->'checks') c
       LEFT JOIN shared_kv r ON r.key = c->>'k'
         AND (r.expires_at IS NULL OR r.expires_at > clock_timestamp())
       WHERE r.version IS DISTINCT FROM (c->>'v')::bigint
     ) THEN
       RETURN NULL;
     END IF;

     IF EXISTS (
       SELECT 1 FROM jsonb_array_elements(p->'sums') o
       JOIN shared_kv r ON r.key = o->>'k'
       WHERE r.u64 IS NULL AND (r.expires_at IS NULL OR r.expires_at > clock_timestamp())
     ) THEN
       RAISE EXCEPTION 'shared_kv: sum on a value that is not a U64' USING ERRCODE = 'GKV01';
     END IF;

     v := nextval('shared_kv_version');

     DELETE FROM shared_kv
     WHERE key IN (SELECT d #>> '{}' FROM jsonb_array_elements(p->'deletes') d);

     INSERT INTO shared_kv (key, value, u64, version, expires_at)
     SELECT o->>'k', decode(o->>'b', 'base64'), (o->>'u')::numeric, v,
            clock_timestamp() + (o->>'e')::bigint * interval '1 millisecond'
     FROM jsonb_array_elements(p->'sets') o
     ON CONFLICT (key) DO UPDATE SET
       value = excluded.value, u64 = excluded.u64,
       version = excluded.version, expires_at = excluded.expires_at;

     -- A sum adds to a live U64 (absent or expired counts as 0) and, as in Deno KV, drops the expiry.
     INSERT INTO shared_kv (key, value, u64, version, expires_at)
     SELECT o->>'k', NULL, (o->>'n')::numeric, v, NULL
     FROM jsonb_array_elements(p->'sums') o
     ON CONFLICT (key) DO UPDATE SET
       u64 = CASE
         WHEN shared_kv.expires_at IS NOT NULL AND shared_kv.expires_at <= clock_timestamp()
           THEN excluded.u64
         ELSE mod(shared_kv.u64 + excluded.u64, 18446744073709551616)
       END,
       value = NULL, version = excluded.version, expires_at = NULL;

     RETURN v;
   END
   $fn$`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (
    const stmt of [
      `DROP FUNCTION shared_kv_commit(jsonb)`,
      `DROP TABLE shared_kv`,
      `DROP SEQUENCE shared_kv_version`,
    ]
  ) {
    await sql.raw(stmt).execute(db);
  }
}
