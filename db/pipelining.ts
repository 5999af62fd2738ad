/**
 * A kysely driver wrapper that saves round trips inside transactions, on
 * PostgreSQL through postgres.js, which pipelines a connection's queries and
 * writes what was queued in one turn of the event loop at once:
 *
 * - **BEGIN leaves with the transaction's first statement** instead of
 *   waiting for its answer first.
 * - **A write-behind statement** (marked with `writeBehind`, for writes whose
 *   result the code does not read) is sent and not awaited: it leaves with
 *   the next statement, or with COMMIT. Its error is still the transaction's
 *   error: it is awaited before the next statement's result is handed over
 *   and before COMMIT counts as done, and a failed statement makes
 *   PostgreSQL answer COMMIT with a rollback, so nothing of it stays.
 *
 * Outside a transaction nothing changes: there is no later statement to
 * carry the error to.
 *
 * BEGIN cannot fail on its own on a healthy connection (it takes no locks
 * and checks nothing); on a broken one the statement behind it fails too.
 */
import { type Expression, sql } from "kysely";
import type {
  AbortableOperationOptions,
  CompiledQuery,
  ControlConnectionProvider,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from "kysely";

/** Ends a write-behind statement's SQL (a comment: other drivers run it as usual). */
const WRITE_BEHIND = "/* write-behind */";

/**
 * Marks a write whose result is not read, to be sent without waiting for its
 * answer inside a transaction (on PostgreSQL): `await writeBehind(update).execute()`.
 */
export function writeBehind<Q extends { modifyEnd(m: Expression<unknown>): Q }>(query: Q): Q {
  return query.modifyEnd(sql.raw(WRITE_BEHIND));
}

class PipelinedConnection implements DatabaseConnection {
  /** Inside a transaction (between BEGIN and COMMIT or ROLLBACK). */
  inTransaction = false;
  /** Sent and not yet awaited: BEGIN, then write-behind statements, in order. */
  pending: Promise<unknown> | undefined = undefined;

  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(
    query: CompiledQuery,
    options?: AbortableOperationOptions,
  ): Promise<QueryResult<R>> {
    const pending = this.pending;
    this.pending = undefined;
    // Issued before what is pending is awaited: they go out in one write.
    const result = this.inner.executeQuery<R>(query, options);
    if (this.inTransaction && query.sql.endsWith(WRITE_BEHIND)) {
      this.pending = after(pending, result);
      this.pending.catch(() => {});
      return { rows: [] };
    }
    return await after(pending, result);
  }

  /** Awaits what is pending (before ROLLBACK, a savepoint, a stream, the release). */
  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    await pending;
  }

  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize: number,
    options?: AbortableOperationOptions,
  ): AsyncIterableIterator<QueryResult<R>> {
    await this.settle();
    yield* this.inner.streamQuery<R>(query, chunkSize, options);
  }

  // Aborting a query (kysely's abort signals) is the inner driver's business.
  async cancelQuery(provider: ControlConnectionProvider): Promise<void> {
    await this.inner.cancelQuery?.(provider);
  }

  async killSession(provider: ControlConnectionProvider): Promise<void> {
    await this.inner.killSession?.(provider);
  }

  async collectSessionInfo(): Promise<void> {
    await this.inner.collectSessionInfo?.();
  }
}

class PipeliningDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(options?: AbortableOperationOptions): Promise<void> {
    return this.inner.init(options);
  }

  async acquireConnection(options?: AbortableOperationOptions): Promise<DatabaseConnection> {
    return new PipelinedConnection(await this.inner.acquireConnection(options));
  }

  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = conn as PipelinedConnection;
    const begin = this.inner.beginTransaction(c.inner, settings);
    // Awaited with the next statement; never left unhandled meanwhile.
    begin.catch(() => {});
    c.pending = after(c.pending, begin);
    c.inTransaction = true;
    return Promise.resolve();
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as PipelinedConnection;
    const pending = c.pending;
    c.pending = undefined;
    c.inTransaction = false;
    // COMMIT goes out with what is pending; after a failed statement the
    // server answers it with a rollback, and that statement's error is thrown.
    await after(pending, this.inner.commitTransaction(c.inner));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as PipelinedConnection;
    c.inTransaction = false;
    // Failed or not, what is pending is over; the ROLLBACK ends the rest
    // (after a failed BEGIN or COMMIT it only warns).
    await c.settle().catch(() => {});
    await this.inner.rollbackTransaction(c.inner);
  }

  async savepoint(
    conn: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver["savepoint"]>>[2],
  ): Promise<void> {
    const c = conn as PipelinedConnection;
    await c.settle();
    await this.inner.savepoint!(c.inner, name, compile);
  }

  async rollbackToSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver["rollbackToSavepoint"]>>[2],
  ): Promise<void> {
    const c = conn as PipelinedConnection;
    // What is pending was sent after the savepoint (creating it settled the
    // rest): rolling back discards it, failed or not.
    await c.settle().catch(() => {});
    await this.inner.rollbackToSavepoint!(c.inner, name, compile);
  }

  async releaseSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver["releaseSavepoint"]>>[2],
  ): Promise<void> {
    const c = conn as PipelinedConnection;
    await c.settle();
    await this.inner.releaseSavepoint!(c.inner, name, compile);
  }

  async releaseConnection(
    conn: DatabaseConnection,
    options?: AbortableOperationOptions,
  ): Promise<void> {
    const c = conn as PipelinedConnection;
    // Only after commit or rollback, which settled BEGIN already; never leave it unawaited.
    await c.settle().catch(() => {});
    await this.inner.releaseConnection(c.inner, options);
  }

  destroy(options?: AbortableOperationOptions): Promise<void> {
    return this.inner.destroy(options);
  }
}

/**
 * `result`'s value once `pending` has settled; `pending`'s error first (then
 * `result`'s own is dropped: it follows from the first).
 */
async function after<T>(pending: Promise<unknown> | undefined, result: Promise<T>): Promise<T> {
  if (pending) {
    try {
      await pending;
    } catch (err) {
      result.catch(() => {});
      throw err;
    }
  }
  return await result;
}

/** `dialect` with BEGIN and write-behind statements pipelined (see above). */
export function withPipelining(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new PipeliningDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
