/**
 * A query built and compiled by kysely once per database (its transactions
 * share it); each call only puts its values in the parameter list. For hot
 * paths: building and compiling a select with several joins costs more CPU
 * than the rest of a short request (bench/learn.ts measures a completion).
 *
 * ```ts
 * const stepAt = prepared((db, p: { userId: string }) =>
 *   db.selectFrom("user_steps").selectAll().where("user_id", "=", p.userId));
 * const rows = await stepAt(s.db, { userId });
 * ```
 *
 * The builder gets placeholder values: it must pass each value of `p` to
 * kysely unchanged (as a parameter, once or more), never branch on it or
 * transform it. A placeholder that does not come back as a parameter of its
 * own is refused when the query is first compiled. Values may be of any type
 * the driver takes (the placeholders are strings while compiling).
 */
import { type Compilable, CompiledQuery, type Kysely } from "kysely";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export type Prepared<P extends Record<string, unknown>, R> = (db: Db, p: P) => Promise<R[]>;

/**
 * What compiles a query the same way: the dialect's adapter (one per
 * database handle, shared with its transactions) and the plugins, in order.
 * A transaction is a new handle each time, so the handle itself would miss.
 */
interface Compiler {
  adapter: object;
  plugins: readonly object[];
}

function compilerOf(db: Db): Compiler {
  const executor = db.getExecutor();
  return { adapter: executor.adapter, plugins: executor.plugins };
}

function samePlugins(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

export function prepared<P extends Record<string, unknown>, R>(
  build: (db: Db, p: P) => Compilable<R>,
): Prepared<P, R> {
  type Template = { sql: string; slots: (keyof P | { value: unknown })[] };
  // One compiled template per adapter and plugins (see `Compiler`).
  const cache = new WeakMap<object, { plugins: readonly object[]; template: Template }[]>();
  const compile = (db: Db, keys: (keyof P)[]) => {
    const marks = Object.fromEntries(keys.map((k) => [k, `\u0000prepared:${String(k)}`])) as P;
    const compiled = build(db, marks).compile();
    const byMark = new Map<unknown, keyof P>(keys.map((k) => [marks[k], k]));
    const slots = compiled.parameters.map((v) =>
      typeof v === "string" && byMark.has(v) ? byMark.get(v)! : { value: v }
    );
    for (const k of keys) {
      if (!slots.includes(k)) {
        throw new Error(`prepared query: "${String(k)}" must be passed unchanged, as a parameter`);
      }
    }
    const template: Template = { sql: compiled.sql, slots };
    const { adapter, plugins } = compilerOf(db);
    const entries = cache.get(adapter) ?? [];
    entries.push({ plugins, template });
    cache.set(adapter, entries);
    return template;
  };
  const cached = (db: Db): Template | undefined => {
    const { adapter, plugins } = compilerOf(db);
    return cache.get(adapter)?.find((e) => samePlugins(e.plugins, plugins))?.template;
  };
  return async (db, p) => {
    const t = cached(db) ?? compile(db, Object.keys(p) as (keyof P)[]);
    const parameters = t.slots.map((s) => typeof s === "object" ? s.value : p[s]);
    const result = await db.executeQuery<R>(CompiledQuery.raw(t.sql, parameters));
    return result.rows;
  };
}
