/**
 * `ctx.once(key, fn)`: an effect and its marker (`job_effects`) in one
 * database transaction, so an effect of a job happens once even though the
 * job may be delivered more than once (see JobContext.once in define.ts).
 */
import type { Transaction } from "kysely";
import type { Services } from "@/core/services.ts";
import type { Database } from "@/db/schema.ts";
import { json } from "@/db/connection.ts";
import type { OnceResult } from "./define.ts";
import { keepResult } from "./records.ts";

/**
 * A concurrent duplicate blocks on the marker's primary key until the first
 * commits, then sees it and skips.
 */
export async function runOnce<T>(
  services: Pick<Services, "db">,
  jobId: string,
  key: string,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<OnceResult<T>> {
  return await services.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto("job_effects")
      .values({ job_id: jobId, key, result: json(null) })
      .onConflict((oc) => oc.columns(["job_id", "key"]).doNothing())
      .returning("job_id")
      .executeTakeFirst();
    if (!inserted) {
      const row = await trx.selectFrom("job_effects").select("result")
        .where("job_id", "=", jobId).where("key", "=", key).executeTakeFirstOrThrow();
      return { ran: false, value: row.result as unknown as T };
    }
    const value = await fn(trx);
    const kept = keepResult(value);
    if (kept !== undefined) {
      await trx.updateTable("job_effects").set({ result: json(kept) })
        .where("job_id", "=", jobId).where("key", "=", key).execute();
    }
    return { ran: true, value };
  });
}
