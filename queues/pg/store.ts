/**
 * Our job records in PostgreSQL (`job_records`, migration 0027): the same
 * `JobRecord` the KV backend keeps (queues/records.ts), as JSON, with the
 * columns we select and order by. Every state change is one transaction that
 * locks the row (`update`), so two instances never both move a job; its
 * extra statements (a message, a released dedupe key) commit with it.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "@/db/schema.ts";
import { json } from "@/db/connection.ts";
import type { QueueName } from "../define.ts";
import type { JobRecord } from "../records.ts";
import type { JobState } from "../types.ts";

export type Db = Kysely<Database>;

interface Row {
  rec: JobRecord;
  heartbeat_at: number | null;
}

export interface Change {
  next: JobRecord;
  /** Runs in the same transaction, after the record is written. */
  extra?: (trx: Db) => Promise<void>;
}

function fromRow(r: Row): JobRecord {
  const rec = r.rec;
  // The heartbeat is its own column (a beat writes only it).
  if (r.heartbeat_at !== null) rec.heartbeatAt = Number(r.heartbeat_at);
  return rec;
}

export class PgStore {
  constructor(readonly db: Db) {}

  async read(id: string, exec: Db = this.db): Promise<JobRecord | null> {
    const { rows } = await sql<Row>`
      SELECT rec, heartbeat_at FROM job_records WHERE id = ${id}`.execute(exec);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /**
   * Inserts a new record; false when its dedupe key is taken (the caller
   * returns the holder's id, `dedupeHolder`).
   */
  async insert(exec: Db, rec: JobRecord): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      INSERT INTO job_records (id, name, queue, state, idx_ts, token, dedupe_slot, owner, rec)
      VALUES (${rec.id}, ${rec.name}, ${rec.queue}, ${rec.state}, ${rec.idxTs}, ${rec.token},
              ${rec.dedupeKey ?? null}, NULL, ${json(rec)})
      ON CONFLICT (name, dedupe_slot) WHERE dedupe_slot IS NOT NULL DO NOTHING
      RETURNING id`.execute(exec);
    return rows.length > 0;
  }

  async dedupeHolder(exec: Db, name: string, key: string): Promise<string | null> {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM job_records WHERE name = ${name} AND dedupe_slot = ${key}`.execute(exec);
    return rows[0]?.id ?? null;
  }

  /**
   * Reads the record with a row lock, lets `fn` decide, writes its `next`
   * (and runs its `extra`) in the same transaction. Returns the new record,
   * or null when `fn` said no or the record is gone.
   */
  async update(id: string, fn: (r: JobRecord) => Change | null): Promise<JobRecord | null> {
    return await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<Row>`
        SELECT rec, heartbeat_at FROM job_records WHERE id = ${id} FOR UPDATE`.execute(trx);
      if (!rows[0]) return null;
      const change = fn(fromRow(rows[0]));
      if (!change) return null;
      await this.write(trx, change.next);
      await change.extra?.(trx);
      return change.next;
    });
  }

  /** Writes a record (it exists). A cancelled job gives its dedupe key back. */
  private async write(trx: Db, r: JobRecord) {
    const keepsDedupe = r.dedupeKey !== undefined && r.state !== "cancelled";
    await sql`
      UPDATE job_records SET state = ${r.state}, idx_ts = ${r.idxTs}, token = ${r.token},
        owner = ${r.owner ?? null}, heartbeat_at = ${r.heartbeatAt ?? null},
        dedupe_slot = CASE WHEN ${keepsDedupe} THEN dedupe_slot END,
        rec = ${json(r)}
      WHERE id = ${r.id}`.execute(trx);
  }

  /** A beat of a running job; returns whether a cancel was asked meanwhile (null: not ours any more). */
  async beat(id: string, token: string, owner: string, now: number): Promise<boolean | null> {
    const { rows } = await sql<{ cancel: boolean | null }>`
      UPDATE job_records SET heartbeat_at = ${now}
      WHERE id = ${id} AND token = ${token} AND state = 'active' AND owner = ${owner}
      RETURNING (rec ->> 'cancelRequested')::boolean AS cancel`.execute(this.db);
    return rows[0] ? rows[0].cancel === true : null;
  }

  async remove(id: string, when: (r: JobRecord) => boolean): Promise<boolean> {
    return await this.db.transaction().execute(async (trx) => {
      const r = await this.read(id, trx);
      if (!r || !when(r)) return false;
      await sql`DELETE FROM job_records WHERE id = ${id}`.execute(trx);
      return true;
    });
  }

  /** Deletes every record of a state whose index time is before `before`. */
  async removeWhere(queue: QueueName | undefined, state: JobState, before: number) {
    const { rows } = await sql<{ n: number }>`
      WITH d AS (
        DELETE FROM job_records
        WHERE state = ${state} AND idx_ts < ${before}
          ${queue ? sql`AND queue = ${queue}` : sql``}
        RETURNING 1)
      SELECT count(*)::int AS n FROM d`.execute(this.db);
    return rows[0].n;
  }

  /** Ids of a state, oldest first. */
  async ids(queue: QueueName | undefined, state: JobState, limit = 100): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM job_records WHERE state = ${state}
        ${queue ? sql`AND queue = ${queue}` : sql``}
      ORDER BY idx_ts, id LIMIT ${limit}`.execute(this.db);
    return rows.map((r) => r.id);
  }

  /** The index time of the first record of a state (before `below`, when given). */
  async firstTs(queue: QueueName, state: JobState, below?: number): Promise<number | null> {
    const { rows } = await sql<{ ts: number }>`
      SELECT idx_ts AS ts FROM job_records WHERE queue = ${queue} AND state = ${state}
        ${below !== undefined ? sql`AND idx_ts < ${below}` : sql``}
      ORDER BY idx_ts LIMIT 1`.execute(this.db);
    return rows[0] ? Number(rows[0].ts) : null;
  }

  /** Active records whose heartbeat is older than `before` (their process probably died). */
  async staleActive(before: number): Promise<JobRecord[]> {
    const { rows } = await sql<Row>`
      SELECT rec, heartbeat_at FROM job_records
      WHERE state = 'active' AND coalesce(heartbeat_at, idx_ts) < ${before}
      LIMIT 100`.execute(this.db);
    return rows.map(fromRow);
  }
}
