/**
 * Reads and writes of job records: the versionstamp-checked
 * read–modify–write every state change goes through (`update`), the
 * message that goes with a record (`addMessage`), deletion, and index scans.
 *
 * The hot path is kept to few KV transactions (bench/jobs.ts): commits and
 * reads issued while the runtime is busy are grouped (kv_batch.ts), and the
 * entry last read or written for a job being delivered here is kept (`hot`)
 * so the next change to it needs no read.
 */
import { CommitBatcher, ReadBatcher } from "./kv_batch.ts";
import type { QueueName } from "./define.ts";
import type { JobState } from "./types.ts";
import {
  type JobGroupMessage,
  type JobMessage,
  type JobRecord,
  K,
  recordBytes,
  writeRecord,
} from "./records.ts";

/** Tries of a versionstamp-checked commit before giving up (only admin actions race). */
export const COMMIT_RETRIES = 50;
/** Entries kept for jobs enqueued here and not delivered yet. */
const MAX_HOT = 10_000;

/** What `update` should make of a record: null leaves it alone. `extraChecks`: checks `extra` adds. */
export type Change =
  | { next: JobRecord; extra?: (a: Deno.AtomicOperation) => void; extraChecks?: number }
  | null;

export class JobStore {
  readonly commits: CommitBatcher;
  private readonly reads: ReadBatcher;
  private readonly hot = new Map<string, Deno.KvEntry<JobRecord>>();

  constructor(
    readonly kv: Deno.Kv,
    private readonly messages: { maxKvDelayMs: number; crashBackoff: number[] },
  ) {
    this.commits = new CommitBatcher(kv, (a, jobs) => this.addGroupMessage(a, jobs));
    this.reads = new ReadBatcher(kv);
  }

  /** One record, read in a group with others asked for at the same time. */
  read(id: string): Promise<Deno.KvEntryMaybe<JobRecord>> {
    return this.reads.get<JobRecord>(K.job(id));
  }

  cached(id: string): Deno.KvEntry<JobRecord> | undefined {
    return this.hot.get(id);
  }

  /** Keeps the entry of a job about to be delivered here, to save its read. */
  remember(entry: Deno.KvEntry<JobRecord>) {
    if (!this.hot.has(entry.value.id) && this.hot.size >= MAX_HOT) {
      this.hot.delete(this.hot.keys().next().value!);
    }
    this.hot.set(entry.value.id, entry);
  }

  forget(id: string) {
    this.hot.delete(id);
  }

  /**
   * Read–modify–write of one record with a versionstamp check, retried on
   * conflict. `fn` returns null to leave the record alone; the result is the
   * record written, or null when none was. The `hot` entry is tried first;
   * a stale one fails the check (or makes `fn` decline) and is then read
   * afresh.
   */
  async update(id: string, fn: (rec: JobRecord) => Change): Promise<JobRecord | null> {
    for (let i = 0; i < COMMIT_RETRIES; i++) {
      const cached = i === 0 ? this.hot.get(id) : undefined;
      const entry = cached ?? await this.read(id);
      if (!entry.value) {
        this.hot.delete(id);
        return null;
      }
      const prev = entry.value;
      const change = fn(prev);
      if (!change) {
        if (cached) continue; // maybe stale: decide again on a fresh read
        return null;
      }
      const res = await this.commits.commit({
        keys: [id],
        bytes: recordBytes(change.next),
        checks: 1 + (change.extraChecks ?? 0),
        apply: (a) => {
          a.check(entry);
          writeRecord(a, prev, change.next);
          change.extra?.(a);
        },
      });
      if (res.ok) {
        if (this.hot.has(id)) {
          this.hot.set(id, { key: entry.key, value: change.next, versionstamp: res.versionstamp });
        }
        return change.next;
      }
    }
    throw new Error(`job ${id}: KV commit kept conflicting`);
  }

  /** Adds the message that will run `rec` (its token, after `delay` ms) to a commit. */
  addMessage(a: Deno.AtomicOperation, rec: JobRecord, delay: number) {
    const msg: JobMessage = { gafusJob: 1, id: rec.id, token: rec.token };
    a.enqueue(msg, {
      delay: Math.max(0, Math.min(delay, this.messages.maxKvDelayMs)),
      keysIfUndelivered: [K.dead(rec.id, rec.token)],
      backoffSchedule: this.messages.crashBackoff,
    });
  }

  /** The one safety-net message of the jobs of a commit started here at once (records.ts). */
  private addGroupMessage(a: Deno.AtomicOperation, jobs: [string, string][]) {
    const msg: JobGroupMessage = { gafusJobs: 1, jobs };
    a.enqueue(msg, {
      keysIfUndelivered: [K.deadGroup(crypto.randomUUID())],
      backoffSchedule: this.messages.crashBackoff,
    });
  }

  /** Deletes a record that is not running (with its index, counter, parked entry, dedupe key). */
  async remove(id: string, allowed: (r: JobRecord) => boolean): Promise<boolean> {
    for (let i = 0; i < COMMIT_RETRIES; i++) {
      const entry = await this.kv.get<JobRecord>(K.job(id));
      const r = entry.value;
      if (!r || !allowed(r) || r.state === "active") return false;
      const a = this.kv.atomic().check(entry);
      writeRecord(a, r, null);
      if (r.parked) a.delete(K.parked(r.queue, r.idxTs, r.id));
      // A cancelled job gave its dedupe key up already.
      if (r.dedupeKey !== undefined && r.state !== "cancelled") {
        const dk = await this.kv.get<string>(K.dedupe(r.name, r.dedupeKey));
        if (dk.value === id) a.check(dk).delete(dk.key);
      }
      if ((await a.commit()).ok) return true;
    }
    throw new Error(`job ${id}: KV commit kept conflicting`);
  }

  /** Deletes jobs of one queue and state whose index ts is below `before`. */
  async removeWhere(q: QueueName, state: JobState, before: number): Promise<number> {
    let n = 0;
    const prefix = K.idxPrefix(q, state);
    for await (const e of this.kv.list({ start: [...prefix], end: [...prefix, before] })) {
      if (await this.remove(e.key[4] as string, (r) => r.state === state)) n++;
    }
    return n;
  }

  /** The index ts of the first job of a queue and state (below `before`), or null. */
  async firstTs(q: QueueName, state: JobState, before?: number): Promise<number | null> {
    const prefix = K.idxPrefix(q, state);
    const sel = before === undefined
      ? { prefix: [...prefix] }
      : { start: [...prefix], end: [...prefix, before] };
    for await (const e of this.kv.list(sel, { limit: 1 })) return e.key[3] as number;
    return null;
  }

  /** Ids of the first jobs of a queue and state, in index order. */
  async ids(q: QueueName, state: JobState, limit?: number): Promise<string[]> {
    const ids: string[] = [];
    for await (const e of this.kv.list({ prefix: K.idxPrefix(q, state) }, { limit })) {
      ids.push(e.key[4] as string);
    }
    return ids;
  }
}
