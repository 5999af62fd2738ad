/**
 * A kysely driver wrapper that sends a transaction's BEGIN together with its
 * first statement instead of waiting for BEGIN's answer first: one round
 * trip (and one socket write on each side) fewer per transaction.
 *
 * postgres.js pipelines the queries of a connection and writes what was
 * queued in one turn of the event loop at once, so BEGIN (issued, not
 * awaited) and the statement the transaction's code issues next leave in
 * one write. Their answers come back in order; BEGIN's is awaited before the
 * statement's result is handed over, so its error, should it have one, is
 * the one the caller sees, and kysely rolls back as it would have.
 *
 * BEGIN cannot fail on its own on a healthy connection (it takes no locks
 * and checks nothing); on a broken one the statement behind it fails too.
 */
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

class PipelinedConnection implements DatabaseConnection {
  /** BEGIN sent and not yet awaited (at most one: nothing else runs in between). */
  begin: Promise<void> | undefined = undefined;

  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(
    query: CompiledQuery,
    options?: AbortableOperationOptions,
  ): Promise<QueryResult<R>> {
    const begin = this.begin;
    if (!begin) return await this.inner.executeQuery<R>(query, options);
    this.begin = undefined;
    // Issued before BEGIN's answer is awaited: both go out in one write.
    const result = this.inner.executeQuery<R>(query, options);
    try {
      await begin;
    } catch (err) {
      result.catch(() => {});
      throw err;
    }
    return await result;
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

  /** Awaits a BEGIN no statement followed yet (before COMMIT, ROLLBACK, a savepoint). */
  async settle(): Promise<void> {
    const begin = this.begin;
    this.begin = undefined;
    if (begin) await begin;
  }
}

class PipelinedBeginDriver implements Driver {
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
    c.begin = begin;
    return Promise.resolve();
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as PipelinedConnection;
    await c.settle();
    await this.inner.commitTransaction(c.inner);
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as PipelinedConnection;
    // A failed BEGIN left no transaction; the ROLLBACK then only warns.
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
    await c.settle();
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

/** `dialect` with BEGIN pipelined with each transaction's first statement. */
export function withPipelinedBegin(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new PipelinedBeginDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
