/**
 * Ordering of the studio's ordered join tables, one way for both:
 * `step_on_day` (steps within a day) and `day_on_course` (days within a
 * course). Only live links (not archived) have an order.
 *
 * Every change runs in one transaction that first locks the parent row
 * (`training_days` / `courses`) `FOR UPDATE`, so two trainers reordering the
 * same day at once are serialised: the second one sees the first one's
 * result and writes a whole valid order in turn. Positions are written in one
 * `UPDATE … FROM (VALUES …)`; the position exclusion constraint is
 * DEFERRABLE (0001_core.ts), so it is checked at the end of that statement and
 * never sees a half-done swap. Positions are renumbered 0…n-1 on every save.
 *
 * Permission checks are the caller's (`days.ts`, `courses.ts`): these
 * functions trust that the parent may be changed by the viewer.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "@/db/schema.ts";
import { AppError } from "../app_error.ts";

/** The ordered join tables, with their parent table and parent column. */
export const ORDERED = {
  step_on_day: { parent: "training_days", parentColumn: "day_id" },
  day_on_course: { parent: "courses", parentColumn: "course_id" },
} as const;
export type OrderedTable = keyof typeof ORDERED;

type Db = Kysely<Database> | Transaction<Database>;

/** The submitted order is not a permutation of the parent's live links (409). */
export class OrderConflictError extends AppError {
  constructor() {
    super(409, "order_conflict", "studio.build.order.conflict", {
      message: "the list changed meanwhile",
    });
    this.name = "OrderConflictError";
  }
}

/** Locks the parent row for the rest of the transaction. */
export async function lockParent(trx: Db, table: OrderedTable, parentId: string): Promise<void> {
  const { parent } = ORDERED[table];
  await sql`SELECT id FROM ${sql.table(parent)} WHERE id = ${parentId} FOR UPDATE`.execute(trx);
}

/** The live links of a parent, in order (ids). */
export async function liveLinks(trx: Db, table: OrderedTable, parentId: string): Promise<string[]> {
  const { parentColumn } = ORDERED[table];
  const r = await sql<{ id: string }>`
    SELECT id FROM ${sql.table(table)}
     WHERE ${sql.ref(parentColumn)} = ${parentId} AND archived_at IS NULL
     ORDER BY position, created_at, id`.execute(trx);
  return r.rows.map((x) => x.id);
}

/** Writes positions 0…n-1 for `ids`, in one statement (parent already locked). */
async function writePositions(trx: Db, table: OrderedTable, ids: readonly string[]) {
  if (!ids.length) return;
  const values = sql.join(ids.map((id, i) => sql`(${id}::text, ${i}::int)`));
  await sql`
    UPDATE ${sql.table(table)} AS l SET position = v.position, updated_at = now()
      FROM (VALUES ${values}) AS v(id, position)
     WHERE l.id = v.id AND l.position IS DISTINCT FROM v.position`.execute(trx);
}

/**
 * Saves a new order of a parent's live links, atomically. `order` must hold
 * exactly the parent's live link ids (any order); otherwise the list changed
 * meanwhile and `OrderConflictError` (409) is thrown, nothing written.
 * `expected`, when given, is the order the client saw: the live order must
 * still be exactly that (checked under the lock), so of two clients that
 * reorder the same list at once one wins and the other gets the conflict
 * instead of silently overwriting the first.
 */
export async function saveOrder(
  db: Kysely<Database>,
  table: OrderedTable,
  parentId: string,
  order: readonly string[],
  expected?: readonly string[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockParent(trx, table, parentId);
    const current = await liveLinks(trx, table, parentId);
    const wanted = new Set(order);
    if (
      wanted.size !== order.length || current.length !== order.length ||
      current.some((id) => !wanted.has(id)) ||
      (expected && (expected.length !== current.length ||
        current.some((id, i) => expected[i] !== id)))
    ) throw new OrderConflictError();
    await writePositions(trx, table, order);
  });
}

/**
 * Moves one live link a place up (-1) or down (+1), atomically; at the edge
 * it stays. Returns false when the link is not a live link of the parent.
 */
export async function moveLink(
  db: Kysely<Database>,
  table: OrderedTable,
  parentId: string,
  linkId: string,
  direction: "up" | "down",
): Promise<boolean> {
  return await db.transaction().execute(async (trx) => {
    await lockParent(trx, table, parentId);
    const ids = await liveLinks(trx, table, parentId);
    const i = ids.indexOf(linkId);
    if (i < 0) return false;
    const j = direction === "up" ? i - 1 : i + 1;
    if (j >= 0 && j < ids.length) [ids[i], ids[j]] = [ids[j], ids[i]];
    await writePositions(trx, table, ids);
    return true;
  });
}

/** Appends a link (id `linkId`) at the end of the parent's live order. */
export async function appendLink(
  db: Kysely<Database>,
  table: OrderedTable,
  parentId: string,
  childColumn: "step_id" | "day_id",
  childId: string,
  linkId: string,
): Promise<void> {
  const { parentColumn } = ORDERED[table];
  await db.transaction().execute(async (trx) => {
    await lockParent(trx, table, parentId);
    const ids = await liveLinks(trx, table, parentId);
    await writePositions(trx, table, ids);
    await sql`INSERT INTO ${sql.table(table)} (id, ${sql.ref(parentColumn)}, ${
      sql.ref(childColumn)
    }, position) VALUES (${linkId}, ${parentId}, ${childId}, ${ids.length})`.execute(trx);
  });
}

/**
 * Takes a link out of its parent's order: deleted when no learner progress
 * references it, archived otherwise (progress rows reference links with
 * RESTRICT and must stay); the rest is renumbered. `hasProgress` runs inside
 * the transaction, after the lock. Returns "deleted" | "archived", or null
 * when the link is not a live link of the parent.
 */
export async function removeLink(
  db: Kysely<Database>,
  table: OrderedTable,
  parentId: string,
  linkId: string,
  hasProgress: (trx: Transaction<Database>) => Promise<boolean>,
): Promise<"deleted" | "archived" | null> {
  return await db.transaction().execute(async (trx) => {
    await lockParent(trx, table, parentId);
    const ids = await liveLinks(trx, table, parentId);
    if (!ids.includes(linkId)) return null;
    let result: "deleted" | "archived";
    if (await hasProgress(trx)) {
      await sql`UPDATE ${sql.table(table)} SET archived_at = now() WHERE id = ${linkId}`
        .execute(trx);
      result = "archived";
    } else {
      await sql`DELETE FROM ${sql.table(table)} WHERE id = ${linkId}`.execute(trx);
      result = "deleted";
    }
    await writePositions(trx, table, ids.filter((id) => id !== linkId));
    return result;
  });
}
