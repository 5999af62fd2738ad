/**
 * A job caused by a database change goes with the change: with jobs on
 * PostgreSQL it is enqueued in the change's transaction (a rollback leaves
 * no job, and nobody sees the job before the commit); with KV,
 * `changeWithJobs` enqueues only after the commit (core/jobs_tx.ts).
 */
import { z } from "zod";
import { sql } from "kysely";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { defineJob } from "@/queues/define.ts";
import { changeWithJobs } from "@/core/jobs_tx.ts";
import type { Services } from "@/core/services.ts";
import { backendTest, openBackend } from "./helpers.ts";

const ran: string[] = [];
const note = defineJob({
  name: "maintenance",
  queue: "maintenance",
  schema: z.object({ row: z.string() }),
  handler: (p) => {
    ran.push(p.row);
    return Promise.resolve();
  },
});

backendTest(
  "changeWithJobs: a rolled-back change leaves no job, a committed one has its job",
  async (backend) => {
    await using h = await openTestDb();
    await sql`CREATE TABLE tx_rows (id text PRIMARY KEY)`.execute(h.db);
    await using t = await openBackend(backend, [note], {
      services: () => ({ db: h.db }) as Services,
      db: backend === "postgres" ? h : undefined,
    });
    const s = { db: h.db, jobs: t.rt as unknown as Services["jobs"] };
    ran.length = 0;
    await assertRejects(() =>
      changeWithJobs(s, async (trx, enqueue) => {
        await sql`INSERT INTO tx_rows VALUES ('lost')`.execute(trx);
        await enqueue("maintenance", { row: "lost" } as never);
        throw new Error("the change fails after its enqueue");
      })
    );
    await changeWithJobs(s, async (trx, enqueue) => {
      await sql`INSERT INTO tx_rows VALUES ('kept')`.execute(trx);
      await enqueue("maintenance", { row: "kept" } as never);
    });
    await t.rt.drain();
    assertEquals(ran, ["kept"]);
    const all = [
      ...(await t.rt.list({ state: "done" })).jobs,
      ...(await t.rt.list({ state: "queued" })).jobs,
    ];
    assertEquals(all.map((j) => j.payload), [{ row: "kept" }]);
  },
);

Deno.test({
  name:
    "postgres: enqueue with tx commits with the caller's transaction and is invisible before [postgres]",
  ignore: !testDatabaseUrl(),
  async fn() {
    await using t = await openBackend("postgres", [note]);
    const db = t.db!.db;
    ran.length = 0;
    // Rolled back: neither the record nor its message survives.
    let rolledBack = "";
    await assertRejects(() =>
      db.transaction().execute(async (trx) => {
        rolledBack = await t.rt.enqueue("maintenance", { row: "a" }, { tx: trx });
        assert((await t.rt.get(rolledBack)) === null, "not visible outside before the commit");
        throw new Error("rollback");
      })
    );
    assertEquals(await t.rt.get(rolledBack), null);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs`.execute(db);
    assertEquals(rows[0].n, 0, "no message left behind");
    // Committed: it runs.
    let committed = "";
    await db.transaction().execute(async (trx) => {
      committed = await t.rt.enqueue("maintenance", { row: "b" }, { tx: trx });
    });
    await t.rt.drain();
    assertEquals((await t.rt.get(committed))?.state, "done");
    assertEquals(ran, ["b"]);
  },
});
