/**
 * The shared key-value store in PostgreSQL (`JOBS_BACKEND=postgres`): the
 * `SharedKv` of platform/shared_kv.ts on the table and the commit function of
 * migration 0026, so every instance on the database sees one store.
 *
 * Faithful to Deno KV where the app relies on it:
 * - keys: each part keeps its type (`["a", 1]`, `["a", "1"]` and `["a", 1n]`
 *   are three keys), encoded as a JSON array of tagged parts (readable in
 *   psql; not order-preserving, nothing lists by prefix);
 * - values: V8 serialization (what Deno KV itself stores: Date, Map,
 *   Uint8Array, bigint… come back as they went in; what cannot be cloned
 *   throws), Deno.KvU64 in its own column; at most 64 KiB like Deno KV;
 * - versionstamps: 20 hex digits from a sequence, new on every commit;
 * - `expireIn`: an expired entry reads as absent at once (Deno KV may still
 *   return it for a while; nothing here depends on that lag), and
 *   `prune()` deletes such rows (every few minutes by default);
 * - `atomic()`: checks and mutations in one transaction under per-key locks
 *   (see the migration); mutations of one key apply in order.
 */
import { type Kysely, sql } from "kysely";
import { Buffer } from "node:buffer";
import { deserialize, serialize } from "node:v8";
import type { Database } from "./schema.ts";
import { json, pgError } from "./connection.ts";
import { log } from "@/platform/log.ts";
import { toHex } from "@/platform/encoding.ts";
import type { SharedKv, SharedKvAtomic } from "@/platform/shared_kv.ts";

/** Deno KV's limit on one value. */
const MAX_VALUE_BYTES = 65_536;
const U64_LIMIT = 1n << 64n;
/** Raised by shared_kv_commit when sum() meets a value that is not a U64. */
const SUM_TYPE_ERROR = "GKV01";
const PRUNE_BATCH = 10_000;

/** The key as stored: a JSON array of parts, each tagged with its type. */
export function encodeKey(key: Deno.KvKey): string {
  if (!Array.isArray(key)) throw new TypeError("a KV key must be an array");
  return JSON.stringify(key.map((part: unknown) => {
    switch (typeof part) {
      case "string":
        return `s${part}`;
      case "number":
        return `n${Object.is(part, -0) ? "-0" : String(part)}`;
      case "bigint":
        return `i${part}`;
      case "boolean":
        return part ? "b1" : "b0";
    }
    if (ArrayBuffer.isView(part)) {
      return `u${toHex(new Uint8Array(part.buffer, part.byteOffset, part.byteLength))}`;
    }
    throw new TypeError("expected string, number, bigint, ArrayBufferView, boolean");
  }));
}

function formatVersion(v: number | string | bigint): string {
  return BigInt(v).toString(16).padStart(16, "0") + "0000";
}

function parseVersion(stamp: string | null): string | null {
  if (stamp === null) return null;
  if (typeof stamp !== "string" || !/^[0-9a-f]{20}$/.test(stamp)) {
    throw new TypeError("invalid versionstamp");
  }
  return BigInt(`0x${stamp.slice(0, 16)}`).toString();
}

type Encoded = { b: string; u: null } | { b: null; u: string };

function encodeValue(value: unknown): Encoded {
  if (value instanceof Deno.KvU64) return { b: null, u: value.value.toString() };
  const bytes = serialize(value);
  if (bytes.byteLength > MAX_VALUE_BYTES) {
    throw new TypeError(`Value too large (max ${MAX_VALUE_BYTES} bytes)`);
  }
  return { b: Buffer.from(bytes).toString("base64"), u: null };
}

/** What a key ends up with after the mutations of one commit, applied in order. */
type Effect =
  | { kind: "set"; value: Encoded; expireIn: number | null }
  | { kind: "delete" }
  | { kind: "sum"; n: bigint };

function sumOnto(effect: Effect | undefined, n: bigint): Effect {
  if (!effect) return { kind: "sum", n };
  if (effect.kind === "sum") return { kind: "sum", n: (effect.n + n) % U64_LIMIT };
  if (effect.kind === "delete") {
    return { kind: "set", value: { b: null, u: String(n) }, expireIn: null };
  }
  if (effect.value.u === null) {
    throw new TypeError("Failed to perform 'sum' mutation on a non-U64 value in the database");
  }
  const total = (BigInt(effect.value.u) + n) % U64_LIMIT;
  return { kind: "set", value: { b: null, u: String(total) }, expireIn: null };
}

interface Row {
  value: Uint8Array | null;
  u64: string | null;
  version: number | string;
}

export interface PgSharedKvOptions {
  /** How often expired rows are deleted (0: never; tests call `prune()`). Default 5 minutes. */
  pruneEveryMs?: number;
}

export class PgSharedKv implements SharedKv {
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly db: Kysely<Database>, opts: PgSharedKvOptions = {}) {
    const every = opts.pruneEveryMs ?? 5 * 60_000;
    if (every > 0) {
      const timer = setInterval(() => {
        this.prune().catch((err) => log.warn("shared kv: pruning expired entries failed", { err }));
      }, every);
      // Housekeeping must not keep a stopping process alive.
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  #open(): void {
    if (this.#closed) throw new Deno.errors.BadResource("the shared KV store is closed");
  }

  async get<T = unknown>(key: Deno.KvKey): Promise<Deno.KvEntryMaybe<T>> {
    this.#open();
    const k = encodeKey(key);
    const { rows } = await sql<Row>`
      SELECT value, u64::text AS u64, version FROM shared_kv
      WHERE key = ${k} AND (expires_at IS NULL OR expires_at > clock_timestamp())`
      .execute(this.db);
    const row = rows[0];
    if (!row) return { key, value: null, versionstamp: null };
    const value = row.u64 !== null ? new Deno.KvU64(BigInt(row.u64)) : deserialize(row.value!);
    return { key, value: value as T, versionstamp: formatVersion(row.version) };
  }

  async set(
    key: Deno.KvKey,
    value: unknown,
    options?: { expireIn?: number },
  ): Promise<Deno.KvCommitResult> {
    const res = await this.atomic().set(key, value, options).commit();
    if (!res.ok) throw new Error("shared kv: an unconditional set failed");
    return res;
  }

  async delete(key: Deno.KvKey): Promise<void> {
    await this.atomic().delete(key).commit();
  }

  atomic(): SharedKvAtomic {
    return new PgAtomic(this.db, () => this.#open());
  }

  /** Deletes expired rows (up to a batch); returns how many. */
  async prune(): Promise<number> {
    this.#open();
    const { rows } = await sql<{ n: number }>`
      WITH gone AS (
        DELETE FROM shared_kv WHERE key IN (
          SELECT key FROM shared_kv WHERE expires_at <= clock_timestamp() LIMIT ${PRUNE_BATCH}
        ) RETURNING 1
      ) SELECT count(*) AS n FROM gone`.execute(this.db);
    return Number(rows[0].n);
  }

  /** Stops housekeeping; later calls throw like a closed Deno.Kv. The database stays open. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }
}

class PgAtomic implements SharedKvAtomic {
  #checks: { k: string; v: string | null }[] = [];
  #effects = new Map<string, Effect>();

  constructor(private readonly db: Kysely<Database>, private readonly ensureOpen: () => void) {}

  check(...checks: Deno.AtomicCheck[]): this {
    for (const c of checks) {
      this.#checks.push({ k: encodeKey(c.key), v: parseVersion(c.versionstamp) });
    }
    return this;
  }

  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): this {
    const k = encodeKey(key);
    const expireIn = options?.expireIn;
    if (expireIn !== undefined && !(Number.isFinite(expireIn) && expireIn >= 0)) {
      throw new TypeError("expireIn must be a non-negative number of milliseconds");
    }
    this.#effects.set(k, {
      kind: "set",
      value: encodeValue(value),
      expireIn: expireIn === undefined ? null : Math.round(expireIn),
    });
    return this;
  }

  delete(key: Deno.KvKey): this {
    this.#effects.set(encodeKey(key), { kind: "delete" });
    return this;
  }

  sum(key: Deno.KvKey, n: bigint): this {
    if (typeof n !== "bigint" || n < 0n || n >= U64_LIMIT) {
      throw new RangeError("value must be a positive bigint not exceeding 2^64 - 1");
    }
    const k = encodeKey(key);
    this.#effects.set(k, sumOnto(this.#effects.get(k), n));
    return this;
  }

  async commit(): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    this.ensureOpen();
    const payload = {
      checks: this.#checks,
      sets: [] as { k: string; b: string | null; u: string | null; e: number | null }[],
      sums: [] as { k: string; n: string }[],
      deletes: [] as string[],
    };
    for (const [k, e] of this.#effects) {
      if (e.kind === "set") payload.sets.push({ k, ...e.value, e: e.expireIn });
      else if (e.kind === "sum") payload.sums.push({ k, n: String(e.n) });
      else payload.deletes.push(k);
    }
    let version: number | string | null;
    try {
      const { rows } = await sql<{ v: number | string | null }>`
        SELECT shared_kv_commit(${json(payload)}) AS v`.execute(this.db);
      version = rows[0].v;
    } catch (err) {
      if (pgError(err)?.code === SUM_TYPE_ERROR) {
        throw new TypeError("Failed to perform 'sum' mutation on a non-U64 value in the database");
      }
      throw err;
    }
    return version === null ? { ok: false } : { ok: true, versionstamp: formatVersion(version) };
  }
}
