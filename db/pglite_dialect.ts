/**
 * A small kysely dialect for PGlite (PostgreSQL compiled to WASM, in process).
 *
 * PGlite is one database session. The driver exposes it as a single
 * connection guarded by a FIFO async mutex: kysely holds the mutex from
 * `acquireConnection` to `releaseConnection`, so a transaction (or a
 * `db.connection()` block) is never interleaved with queries from elsewhere
 * in the app — they wait their turn.
 *
 * A consequence to remember: inside `db.transaction().execute(async (trx) => …)`
 * use `trx`, never the outer `db`. On PostgreSQL the outer `db` would quietly
 * run outside the transaction; here it waits for the mutex the transaction
 * holds, forever. The driver logs a warning when a caller has waited 10 s.
 *
 * Transactions go through `pglite.transaction()`, so PGlite knows it is inside
 * one (it skips the file-system sync after each statement until COMMIT), and
 * code that uses the PGlite instance directly is serialised as well.
 */
import {
  AbortedTransactionError,
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { log } from "@/platform/log.ts";

export interface PGliteDialectConfig {
  /** A PGlite instance (ready or not yet ready). */
  pglite: PGlite;
  /** Close the PGlite instance when kysely is destroyed (default true). */
  closeOnDestroy?: boolean;
}

export class PGliteDialect implements Dialect {
  readonly #config: PGliteDialectConfig;

  constructor(config: PGliteDialectConfig) {
    this.#config = config;
  }

  createAdapter(): DialectAdapter {
    return new PGliteAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

/**
 * PostgreSQL SQL, but one session: the migration lock is the connection
 * itself (the migrator holds the single connection for the whole run), so no
 * advisory lock is needed.
 */
class PGliteAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

/** How long a caller may wait for the connection before we log a warning. */
const SLOW_WAIT_MS = 10_000;

/** FIFO async mutex. */
export class Mutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  get locked(): boolean {
    return this.#locked;
  }

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        log.warn("pglite: waited 10 s for the database connection", {
          hint: "a query on the outer `db` inside db.transaction()? use `trx` there",
          waiting: this.#waiters.length,
        });
      }, SLOW_WAIT_MS);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next(); // hand the lock over directly: no window for a newcomer
    else this.#locked = false;
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #closeOnDestroy: boolean;
  readonly #mutex = new Mutex();
  #connection?: PGliteConnection;

  constructor(config: PGliteDialectConfig) {
    this.#pglite = config.pglite;
    this.#closeOnDestroy = config.closeOnDestroy ?? true;
  }

  async init(): Promise<void> {
    if (this.#pglite.closed) throw new Error("the PGlite instance is already closed");
    await this.#pglite.waitReady;
    this.#connection = new PGliteConnection(this.#pglite);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection!;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // A connection released in the middle of a transaction would leave
    // PGlite inside it; kysely always commits or rolls back first.
    const c = connection as PGliteConnection;
    if (c.inTransaction) await c.rollback().catch(() => {});
    this.#mutex.unlock();
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    await (connection as PGliteConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).rollback();
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }

  async destroy(): Promise<void> {
    // Let whoever holds the connection finish first.
    await this.#mutex.lock();
    try {
      if (this.#closeOnDestroy && !this.#pglite.closed) await this.#pglite.close();
    } finally {
      this.#mutex.unlock();
    }
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const DML = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (reason: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Thrown into PGlite's transaction callback to make it roll back. */
class RollbackSignal extends Error {
  constructor() {
    super("rollback");
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  #tx?: Transaction;
  /** Settles when PGlite's transaction() call has committed or rolled back. */
  #txDone?: Promise<void>;
  /** Resolve = commit, reject = roll back. */
  #txEnd?: Deferred;
  /** The last statement in the transaction failed: PostgreSQL now refuses all but ROLLBACK. */
  #txFailed = false;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  get inTransaction(): boolean {
    return this.#tx !== undefined;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.#tx ?? this.#pglite;
    try {
      const result = await target.query<R>(compiledQuery.sql, [...compiledQuery.parameters], {
        rowMode: "object",
      });
      if (this.#tx) this.#txFailed = false;
      const command = result.command?.toUpperCase();
      return {
        rows: result.rows ?? [],
        numAffectedRows: command && DML.has(command)
          ? BigInt(result.affectedRows ?? result.rowCount ?? 0)
          : undefined,
      };
    } catch (error) {
      if (this.#tx) this.#txFailed = true;
      throw error;
    }
  }

  // deno-lint-ignore require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming queries is not supported by the PGlite dialect");
  }

  async begin(settings: TransactionSettings): Promise<void> {
    if (this.#tx) throw new Error("a transaction is already open on this connection");
    const started = deferred();
    const end = deferred();
    this.#txEnd = end;
    this.#txFailed = false;
    const done = this.#pglite.transaction(async (tx) => {
      this.#tx = tx;
      started.resolve();
      await end.promise;
    });
    // Nobody may be awaiting `done` when it rejects (rollback is awaited later).
    done.catch(() => {});
    this.#txDone = done;
    try {
      await Promise.race([started.promise, done]);
      if (settings.isolationLevel || settings.accessMode) {
        const parts = [];
        if (settings.isolationLevel) parts.push(`isolation level ${settings.isolationLevel}`);
        if (settings.accessMode) parts.push(settings.accessMode);
        await this.executeQuery(CompiledQuery.raw(`set transaction ${parts.join(" ")}`));
      }
    } catch (error) {
      if (this.#tx) await this.rollback().catch(() => {});
      else this.#clear(); // BEGIN itself failed
      throw error;
    }
  }

  async commit(): Promise<void> {
    if (!this.#tx) throw new Error("no transaction is open on this connection");
    if (this.#txFailed) {
      // PostgreSQL would answer COMMIT with ROLLBACK here; say so like the
      // postgres dialects do instead of pretending it committed.
      await this.rollback();
      throw new AbortedTransactionError();
    }
    const done = this.#txDone!;
    this.#txEnd!.resolve();
    try {
      await done;
    } finally {
      this.#clear();
    }
  }

  async rollback(): Promise<void> {
    if (!this.#tx) return;
    const done = this.#txDone!;
    this.#txEnd!.reject(new RollbackSignal());
    try {
      await done;
    } catch (error) {
      if (!(error instanceof RollbackSignal)) throw error;
    } finally {
      this.#clear();
    }
  }

  #clear() {
    this.#tx = undefined;
    this.#txDone = undefined;
    this.#txEnd = undefined;
    this.#txFailed = false;
  }
}
