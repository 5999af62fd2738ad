/**
 * The key-value store for state every instance must see the same way: rate
 * limits, revoked sessions and token families, once-only claims (deliveries,
 * notifications, Telegram updates), the bot's polling lease, alert windows.
 * `services.kv` has this type.
 *
 * It is the part of `Deno.Kv` that core/, bot/ and http/ use (point reads,
 * writes with `expireIn`, deletes, and atomic check-and-mutate commits), so a
 * `Deno.Kv` is one as it is (the default: one process, the local KV file).
 * With `JOBS_BACKEND=postgres` it is a table in the shared PostgreSQL
 * database (db/shared_kv.ts), with the same semantics, so several instances
 * count, claim and revoke together. Nothing here lists by prefix or watches:
 * keep it that way, or add the operation to both implementations (and to
 * tests/core/shared_kv.test.ts, which runs the same cases on both).
 */

export interface SharedKvAtomic {
  /** The commit fails (`{ ok: false }`) unless each key still has this versionstamp (null: absent). */
  check(...checks: Deno.AtomicCheck[]): this;
  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): this;
  delete(key: Deno.KvKey): this;
  /** Adds to a `Deno.KvU64` (absent counts as 0, wraps at 2^64); the result does not expire. */
  sum(key: Deno.KvKey, n: bigint): this;
  commit(): Promise<Deno.KvCommitResult | Deno.KvCommitError>;
}

export interface SharedKv {
  get<T = unknown>(key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>>;
  set(
    key: Deno.KvKey,
    value: unknown,
    options?: { expireIn?: number },
  ): Promise<Deno.KvCommitResult>;
  delete(key: Deno.KvKey): Promise<void>;
  atomic(): SharedKvAtomic;
  close(): void;
}
