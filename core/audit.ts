/**
 * The audit log: every admin action on accounts and broadcasts, from the web
 * console and the command line alike, with who, what, about whom and when.
 * Entries are written in the transaction of the change they describe where
 * there is one, so a change is never without its entry. Reading needs the
 * ops read right (moderators see it too); nobody edits or deletes entries.
 */
import type { Kysely } from "kysely";
import type { Services } from "./services.ts";
import type { Database, JsonObject } from "@/db/schema.ts";
import { type OpsActor, requireOpsActor } from "./auth/guards.ts";
import { json } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import type { Export } from "./exports.ts";

/** What an entry can say happened. */
export const AUDIT_ACTIONS = [
  "user.create",
  "user.role",
  "user.disable",
  "user.enable",
  "user.reset_link",
  "user.delete",
  "broadcast.send",
  "broadcast.discard",
] as const;
export type AuditAction = typeof AUDIT_ACTIONS[number];

/** The name the command line and internal callers are recorded under. */
export const SYSTEM_ACTOR_NAME = "system";

export interface AuditEntry {
  id: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetUserId: string | null;
  details: JsonObject;
  createdAt: Date;
}

/** Writes one entry through `db` (pass the transaction of the change it records). */
export async function recordAudit(
  db: Kysely<Database>,
  actor: OpsActor | null,
  action: AuditAction,
  targetUserId: string | null,
  details: JsonObject = {},
): Promise<void> {
  const person = actor && !("system" in actor) ? actor : null;
  await db.insertInto("audit_log").values({
    id: newId(),
    actor_id: person?.id ?? null,
    actor_name: person?.username ?? SYSTEM_ACTOR_NAME,
    action,
    target_user_id: targetUserId,
    details: json<JsonObject>(details),
  }).execute();
}

function toEntry(r: {
  id: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_user_id: string | null;
  details: JsonObject;
  created_at: Date;
}): AuditEntry {
  return {
    id: r.id,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetUserId: r.target_user_id,
    details: r.details ?? {},
    createdAt: r.created_at,
  };
}

/** Newest first; `targetUserId` narrows to the entries about one user. */
export async function listAudit(
  s: Services,
  actor: OpsActor | null,
  opts: { targetUserId?: string; limit?: number; offset?: number } = {},
): Promise<{ entries: AuditEntry[]; total: number }> {
  requireOpsActor(actor, { write: false });
  let base = s.db.selectFrom("audit_log");
  if (opts.targetUserId) base = base.where("target_user_id", "=", opts.targetUserId);
  const [rows, count] = await Promise.all([
    base.selectAll()
      .orderBy("id", "desc")
      .limit(Math.min(opts.limit ?? 50, 500))
      .offset(opts.offset ?? 0)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { entries: rows.map(toEntry), total: Number(count.n) };
}

const BATCH = 500;

/** The whole log for `csvStream`, oldest first, in batches (keyset on the id). */
export async function auditExport(s: Services, actor: OpsActor | null): Promise<Export> {
  requireOpsActor(actor, { write: false });
  const total = Number(
    (await s.db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow()).n,
  );
  return {
    columns: ["created_at", "actor_id", "actor_name", "action", "target_user_id", "details"],
    total,
    async *rows() {
      let after = "";
      for (;;) {
        // Ids are time-ordered (UUIDv7): id order is the order of writing.
        const batch = await s.db.selectFrom("audit_log").selectAll()
          .where("id", ">", after).orderBy("id", "asc").limit(BATCH).execute();
        if (!batch.length) return;
        after = batch[batch.length - 1].id;
        yield batch.map((r) => ({
          created_at: r.created_at.toISOString(),
          actor_id: r.actor_id,
          actor_name: r.actor_name,
          action: r.action,
          target_user_id: r.target_user_id,
          details: JSON.stringify(r.details ?? {}),
        }));
        if (batch.length < BATCH) return;
      }
    },
  };
}
