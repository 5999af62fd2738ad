/**
 * Opens the database: PostgreSQL through postgres.js when `DATABASE_URL` is
 * set, otherwise PGlite (PostgreSQL in WASM, in process) persisted in
 * `DATA_DIR/pg`, or in memory.
 *
 * Both drivers are configured to hand the app the SAME JS types for the same
 * query, so code and tests do not depend on the driver:
 *
 * | PostgreSQL type             | JS value                                      |
 * |-----------------------------|-----------------------------------------------|
 * | int2, int4, float4, float8  | number                                        |
 * | int8 / bigint, `count(*)`,  | number (beyond 2^53 precision is lost)        |
 * |   `sum(int4)`               |                                               |
 * | numeric: `avg(…)`,          | string — convert explicitly where needed      |
 * |   `sum(int8)`, `round(x,2)` |                                               |
 * | date                        | string `YYYY-MM-DD` (never a Date)            |
 * | timestamptz                 | Date                                          |
 * | json, jsonb                 | the parsed value                              |
 * | boolean                     | boolean                                       |
 *
 * Writing jsonb: use `json(value)` below. It binds the JSON text as a
 * parameter cast to jsonb, which behaves the same on both drivers. (Both are
 * configured so that a string bound to a jsonb parameter is taken as JSON
 * text and any other value is `JSON.stringify`-ed; `json()` makes the intent
 * explicit and also works where the parameter type cannot be inferred.)
 *
 * Sessions run with `TimeZone = UTC`, so `now()::date` and friends do not
 * depend on the server's configuration. Users' own time zones are applied in
 * the app (users.time_zone).
 */
import { Kysely, type RawBuilder, sql } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import { PGlite } from "@electric-sql/pglite";
import { join } from "node:path";
import type { Config } from "@/platform/config.ts";
import { log } from "@/platform/log.ts";
import type { Database } from "./schema.ts";
import { PGliteDialect } from "./pglite_dialect.ts";
import { withPipelining } from "./pipelining.ts";

export interface DbHandle {
  db: Kysely<Database>;
  kind: "pglite" | "postgres";
  /** Runs `select 1`; throws when the database is unreachable. */
  ping(): Promise<void>;
  /** Closes the pool / the PGlite instance. Safe to call twice. */
  close(): Promise<void>;
  /** The PGlite instance (embedded mode only), e.g. for pglite-socket or dumps. */
  pglite?: PGlite;
  /**
   * PostgreSQL only: runs `onMessage` for each NOTIFY on `channel`, on a
   * connection of its own (reconnected by the driver). Resolves once
   * listening, to a function that stops.
   */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
}

export interface OpenOptions {
  /** PGlite only: keep the database in memory instead of `DATA_DIR/pg`. */
  memory?: boolean;
  /**
   * PGlite only: start from a data-directory dump (`pglite.dumpDataDir()`),
   * which skips initdb. Implies `memory`. Used by the test helper.
   */
  loadDataDir?: Blob;
}

// Type OIDs (pg_type.oid) we configure explicitly.
const OID = {
  int8: 20,
  json: 114,
  date: 1082,
  jsonb: 3802,
} as const;

/** int8 → number, on both drivers. */
function parseInt8(text: string): number {
  return Number(text);
}

/** A value bound to a `date` parameter: strings pass through; a Date becomes its UTC day. */
function serializeDate(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

/** A value bound to a json/jsonb parameter: a string is JSON text already. */
function serializeJson(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * A jsonb value for an insert or update, identical on both drivers:
 * `db.insertInto("steps").values({ …, checklist: json(questions) })`.
 */
export function json<T>(value: T): RawBuilder<T> {
  return sql<T>`${JSON.stringify(value)}::jsonb`;
}

/** A json value a query built (`json_build_object`…): parsed by postgres.js, text elsewhere. */
export function jsonValue<T>(v: unknown): T {
  return (typeof v === "string" ? JSON.parse(v) : v) as T;
}

export async function openDatabase(
  cfg: Pick<Config, "databaseUrl" | "dataDir" | "databasePoolMax">,
  opts: OpenOptions = {},
): Promise<DbHandle> {
  if (cfg.databaseUrl) return openPostgres(cfg.databaseUrl, cfg.databasePoolMax);
  const memory = opts.memory || opts.loadDataDir !== undefined;
  return await openPglite(memory ? undefined : join(cfg.dataDir, "pg"), opts.loadDataDir);
}

/** Result parsers and parameter serializers for postgres.js (keys are names only). */
const POSTGRES_TYPES = {
  int8: { to: OID.int8, from: [OID.int8], parse: parseInt8, serialize: String },
  dateOnly: {
    to: OID.date,
    from: [OID.date],
    parse: (text: string) => text,
    serialize: serializeDate,
  },
  json: {
    to: OID.json,
    from: [OID.json, OID.jsonb],
    parse: (text: string): unknown => JSON.parse(text),
    serialize: serializeJson,
  },
} satisfies Record<string, postgres.PostgresType>;

/** The postgres.js client options both the app and the test helper use. */
export function postgresOptions(poolMax: number): postgres.Options<typeof POSTGRES_TYPES> {
  return {
    max: poolMax,
    idle_timeout: 60,
    connect_timeout: 10,
    // Startup parameters: same session settings as the PGlite side.
    connection: { TimeZone: "UTC", application_name: "gafus" },
    // postgres.js prints notices (e.g. "relation already exists, skipping") by default.
    onnotice: (notice) => log.debug("postgres notice", { message: notice.message }),
    types: POSTGRES_TYPES,
  };
}

async function openPostgres(url: string, poolMax: number): Promise<DbHandle> {
  const client = postgres(url, postgresOptions(poolMax));
  const db = new Kysely<Database>({
    dialect: withPipelining(new PostgresJSDialect({ postgres: client })),
  });
  let closed = false;
  const handle: DbHandle = {
    db,
    kind: "postgres",
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    listen: async (channel, onMessage) => {
      const { unlisten } = await client.listen(channel, onMessage);
      return unlisten;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the postgres.js pool
    },
  };
  // The pool connects lazily; connect now so a wrong URL fails at start, clearly.
  try {
    await handle.ping();
  } catch (error) {
    await handle.close().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${describeUrl(url)}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return handle;
}

/** host:port/database of a connection URL, without credentials. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** PGlite parsers/serializers matching the postgres.js configuration above. */
const PGLITE_PARSERS = {
  [OID.int8]: parseInt8,
  [OID.date]: (text: string) => text,
};
const PGLITE_SERIALIZERS = {
  [OID.date]: serializeDate,
  [OID.json]: serializeJson,
  [OID.jsonb]: serializeJson,
};

/**
 * Opens PGlite at `dir` (created if missing) or in memory when `dir` is
 * undefined. PGlite serves one process: a lock file `<dir>.lock` makes a
 * second opener (another process, or the same one twice) fail at once instead
 * of corrupting the data directory.
 */
export async function openPglite(dir?: string, loadDataDir?: Blob): Promise<DbHandle> {
  let lock: Deno.FsFile | undefined;
  if (dir) {
    await Deno.mkdir(dir, { recursive: true });
    lock = await Deno.open(`${dir}.lock`, { read: true, write: true, create: true });
    if (!(await lock.tryLock(true))) {
      lock.close();
      throw new Error(
        `${dir} is in use by another process: PGlite serves one process at a time ` +
          `(stop the other one, or set DATABASE_URL to share a PostgreSQL server)`,
      );
    }
  }
  const release = () => {
    if (!lock) return;
    try {
      lock.close(); // closing the file releases the lock
    } catch {
      // already closed
    }
    lock = undefined;
  };
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: dir,
      loadDataDir,
      parsers: PGLITE_PARSERS,
      serializers: PGLITE_SERIALIZERS,
    });
    await pglite.exec("SET TIME ZONE 'UTC'");
  } catch (error) {
    release();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  let closed = false;
  return {
    db,
    kind: "pglite",
    pglite,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await db.destroy(); // closes the PGlite instance
      } finally {
        release();
      }
    },
  };
}

/**
 * The fields of a PostgreSQL error, whichever driver raised it
 * (postgres.js names them `constraint_name`, `table_name`…; PGlite
 * `constraint`, `table`…). Undefined when `error` is not a database error.
 */
export interface PgErrorInfo {
  /** SQLSTATE, e.g. "23505" unique_violation, "23503" foreign_key_violation. */
  code: string;
  message: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
}

export function pgError(error: unknown): PgErrorInfo | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const code = e.code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const str = (...keys: string[]) => {
    for (const k of keys) if (typeof e[k] === "string") return e[k] as string;
    return undefined;
  };
  return {
    code,
    message: str("message") ?? "",
    constraint: str("constraint_name", "constraint"),
    table: str("table_name", "table"),
    column: str("column_name", "column"),
    detail: str("detail"),
  };
}

/** SQLSTATE codes the app reacts to. */
export const PG = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  exclusionViolation: "23P01",
  notNullViolation: "23502",
  restrictViolation: "23001",
} as const;

/** True for a unique violation, optionally of one constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = pgError(error);
  return !!e && e.code === PG.uniqueViolation && (!constraint || e.constraint === constraint);
}

/** True when a delete or update was refused because other rows still reference the row. */
export function isReferencedError(error: unknown): boolean {
  const e = pgError(error);
  return !!e && (e.code === PG.foreignKeyViolation || e.code === PG.restrictViolation);
}
