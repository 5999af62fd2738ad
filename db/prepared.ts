/**
 * A query built and compiled by kysely once per database handle; each call
 * only puts its values in the parameter list. For hot paths: building and
 * compiling a select with several joins costs more CPU than the rest of a
 * short request (bench/learn.ts measures a step completion).
 *
 * ```ts
 * const stepAt = prepared((db, p: { userId: string }) =>
 *   db.selectFrom("user_steps").selectAll().where("user_id", "=", p.userId));
 * const rows = await stepAt(s.db, { userId });
 * ```
 *
 * The builder gets placeholder values: it must pass each value of `p` to
 * kysely unchanged (as a parameter), never branch on it or transform it.
 * A placeholder that does not come back as exactly one parameter is refused
 * when the query is first compiled.
 */
import { type Compilable, CompiledQuery, type Kysely } from "kysely";
import type { Database } from "./schema.ts";

type Db = Kysely<Database>;

export type Prepared<P extends Record<string, string>, R> = (db: Db, p: P) => Promise<R[]>;

export function prepared<P extends Record<string, string>, R>(
  build: (db: Db, p: P) => Compilable<R>,
): Prepared<P, R> {
  // One compiled template per handle: handles differ in dialect and plugins.
  const cache = new WeakMap<Db, { sql: string; slots: (keyof P | { value: unknown })[] }>();
  const compile = (db: Db, keys: (keyof P)[]) => {
    const marks = Object.fromEntries(keys.map((k) => [k, `\u0000prepared:${String(k)}`])) as P;
    const compiled = build(db, marks).compile();
    const byMark = new Map<unknown, keyof P>(keys.map((k) => [marks[k], k]));
    const slots = compiled.parameters.map((v) =>
      typeof v === "string" && byMark.has(v) ? byMark.get(v)! : { value: v }
    );
    for (const k of keys) {
      if (slots.filter((s) => s === k).length !== 1) {
        throw new Error(`prepared query: "${String(k)}" must be used as exactly one parameter`);
      }
    }
    const template = { sql: compiled.sql, slots };
    cache.set(db, template);
    return template;
  };
  return async (db, p) => {
    const t = cache.get(db) ?? compile(db, Object.keys(p) as (keyof P)[]);
    const parameters = t.slots.map((s) => typeof s === "object" ? s.value : p[s]);
    const result = await db.executeQuery<R>(CompiledQuery.raw(t.sql, parameters));
    return result.rows;
  };
}
