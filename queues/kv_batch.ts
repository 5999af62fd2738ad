/**
 * Group commit and grouped reads for the job runtime.
 *
 * Deno KV's local backend runs every operation on one SQLite thread, one
 * transaction each; with many jobs in flight the runtime's own commits
 * (enqueue, active, done) queue behind each other and behind KV's dequeue.
 * Here, operations submitted while a commit is running are joined into the
 * next atomic commit (and record reads into one `getMany`), so the number of
 * KV transactions per job falls as load rises. An idle system sees no delay:
 * the first operation goes out at once.
 *
 * A joined commit fails as a whole when any of its checks fails; then each
 * operation is committed on its own, so each caller gets its own answer
 * (conflicts are rare: only admin actions race with the runtime).
 *
 * Operations may ask for a share of one queue message per commit
 * (`grouped`): the jobs started at once after their enqueue need only a
 * safety net, and one message for the whole group costs KV's queue two
 * transactions instead of two per job.
 */

export interface BatchOp {
  /**
   * Operations sharing a key (a record, a dedupe key) never share a commit:
   * both would pass their checks and the later would overwrite the earlier.
   */
  keys: string[];
  /** Rough bytes of the mutations, to stay under KV's 800 KiB per commit. */
  bytes: number;
  /** How many checks `apply` adds (KV allows 100 per commit). */
  checks: number;
  apply(a: Deno.AtomicOperation): void;
  /** An item of the commit's one shared message (see the module comment). */
  grouped?: [string, string];
}

/** Adds the one message that carries a commit's grouped items. */
export type GroupMessage = (a: Deno.AtomicOperation, items: [string, string][]) => void;

interface Pending extends BatchOp {
  resolve(r: Deno.KvCommitResult | Deno.KvCommitError): void;
  reject(e: unknown): void;
}

// KV's limits per commit: 100 checks, 1000 mutations, 800 KiB of mutations.
// A job op declares its checks (at most 2) and makes at most 8 mutations.
// On a disk each commit costs an fsync whatever its size: the bigger the better.
const MAX_OPS = 100;
const MAX_CHECKS = 100;
/** A commit that finished this recently means the runtime is busy. */
const BUSY_WINDOW_MS = 5;
/**
 * Long enough for the operations a finished commit sets off (the jobs it
 * started finish, producers enqueue again) to join the next; 3 ms measured
 * slower on a disk with jobs started at once (bench/jobs.ts).
 */
const LINGER_MS = 1;
const MAX_BYTES = 400 * 1024;

export class CommitBatcher {
  private queue: Pending[] = [];
  private active = 0;
  private lingering: ReturnType<typeof setTimeout> | undefined;
  private lastCommitAt = -Infinity;

  /** `lanes`: commits in flight at once. */
  constructor(
    private readonly kv: Deno.Kv,
    private readonly groupMessage: GroupMessage,
    private readonly lanes = 1,
  ) {}

  commit(op: BatchOp): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...op, resolve, reject });
      queueMicrotask(() => this.pump());
    });
  }

  /**
   * Idle: commit at once. Busy (a commit finished moments ago): wait a few
   * milliseconds so more operations join. One large commit costs about what
   * a small one does; measured on the shadow-record write pattern, this
   * lingering roughly doubled jobs per second (bench/jobs.ts).
   */
  private pump() {
    if (this.lingering !== undefined || this.active >= this.lanes || !this.queue.length) return;
    const busy = performance.now() - this.lastCommitAt < BUSY_WINDOW_MS;
    if (busy && this.queue.length < MAX_OPS) {
      this.lingering = setTimeout(() => {
        this.lingering = undefined;
        this.flush();
      }, LINGER_MS);
      return;
    }
    this.flush();
  }

  private flush() {
    while (this.active < this.lanes && this.queue.length) {
      const batch: Pending[] = [];
      const taken = new Set<string>();
      let bytes = 0;
      let checks = 0;
      const rest: Pending[] = [];
      for (const op of this.queue) {
        if (
          batch.length >= MAX_OPS || op.keys.some((k) => taken.has(k)) ||
          (batch.length > 0 && (bytes + op.bytes > MAX_BYTES || checks + op.checks > MAX_CHECKS))
        ) {
          rest.push(op);
          continue;
        }
        batch.push(op);
        for (const k of op.keys) taken.add(k);
        bytes += op.bytes;
        checks += op.checks;
      }
      this.queue = rest;
      this.active++;
      this.run(batch).finally(() => {
        this.active--;
        this.lastCommitAt = performance.now();
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]) {
    if (batch.length > 1) {
      try {
        const a = this.kv.atomic();
        for (const op of batch) op.apply(a);
        const items = batch.flatMap((op) => op.grouped ? [op.grouped] : []);
        if (items.length) this.groupMessage(a, items);
        const res = await a.commit();
        if (res.ok) {
          for (const op of batch) op.resolve(res);
          return;
        }
      } catch {
        // A limit or a closed KV: find out per operation below.
      }
    }
    for (const op of batch) {
      try {
        const a = this.kv.atomic();
        op.apply(a);
        if (op.grouped) this.groupMessage(a, [op.grouped]);
        op.resolve(await a.commit());
      } catch (e) {
        op.reject(e);
      }
    }
  }
}

/** Reads of single keys joined into `getMany` calls (10 keys each, KV's limit). */
export class ReadBatcher {
  private queue: {
    key: Deno.KvKey;
    resolve(e: Deno.KvEntryMaybe<unknown>): void;
    reject(e: unknown): void;
  }[] = [];
  private running = false;

  constructor(private readonly kv: Deno.Kv) {}

  get<T>(key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, resolve: resolve as (e: Deno.KvEntryMaybe<unknown>) => void, reject });
      if (!this.running) queueMicrotask(() => this.pump());
    });
  }

  private async pump() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const all = this.queue.splice(0);
        const chunks: (typeof all)[] = [];
        for (let i = 0; i < all.length; i += 10) chunks.push(all.slice(i, i + 10));
        await Promise.all(chunks.map(async (chunk) => {
          try {
            const entries = await this.kv.getMany(chunk.map((c) => c.key));
            chunk.forEach((c, i) => c.resolve(entries[i]));
          } catch (e) {
            for (const c of chunk) c.reject(e);
          }
        }));
      }
    } finally {
      this.running = false;
    }
  }
}
