/**
 * 0020 — idempotency keys of learner actions (core/offline/idempotency.ts).
 * A client that may send an action twice (an offline queue replaying it, a
 * retry after a lost answer) names it with an `Idempotency-Key`; the first
 * request claims the key for its user and stores its answer, a replay gets
 * that answer back and changes nothing. `request_hash` tells a replay from a
 * different request reusing the key. A claim whose answer never came (the
 * process died) has `completed_at` null and is taken over once it is stale.
 * Keys are kept a week (the maintenance job deletes older ones).
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE idempotency_keys (
     user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     key           text NOT NULL CHECK (length(key) BETWEEN 8 AND 100),
     request_hash  text NOT NULL,
     status        smallint,
     response      jsonb,
     created_at    timestamptz NOT NULL DEFAULT now(),
     locked_at     timestamptz NOT NULL DEFAULT now(),
     completed_at  timestamptz,
     PRIMARY KEY (user_id, key)
   )`,
  `CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE idempotency_keys`).execute(db);
}
