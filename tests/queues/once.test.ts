/**
 * `ctx.once(key, fn)`: the effect and its marker commit together, so a job
 * that runs again (a retry after a crash-like failure, or duplicate
 * deliveries) has its effect once. PGlite, or PostgreSQL with DATABASE_URL.
 */
import { z } from "zod";
import { sql } from "kysely";
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestDb } from "../helpers/db.ts";
import { defineJob } from "@/queues/define.ts";
import { runOnce } from "@/queues/once.ts";
import type { Services } from "@/core/services.ts";
import { backendTest, openBackend, sleep } from "./helpers.ts";

async function effectCount(db: Services["db"], jobId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM test_effects WHERE job_id = ${jobId}
  `.execute(db);
  return rows[0].n;
}

backendTest(
  "ctx.once: an attempt that dies after its effect committed does not repeat it",
  async (backend) => {
    await using h = await openTestDb();
    await sql`CREATE TABLE test_effects (job_id text NOT NULL, attempt int NOT NULL)`.execute(h.db);
    const job = defineJob({
      name: "pay",
      queue: "push",
      schema: z.object({}),
      retry: [10, 10],
      handler: async (_p, ctx) => {
        const r = await ctx.once("insert", async (trx) => {
          await sql`INSERT INTO test_effects VALUES (${ctx.job.id}, ${ctx.job.attempt})`.execute(
            trx,
          );
          return { at: ctx.job.attempt };
        });
        // The first attempt fails after the effect, as a crash between the
        // effect and "done" would; the retry must not insert again.
        if (ctx.job.attempt === 1) throw new Error("crash after the effect");
        assertEquals(r, { ran: false, value: { at: 1 } });
      },
    });
    await using t = await openBackend(backend, [job], {
      services: () => ({ db: h.db }) as Services,
      db: backend === "postgres" ? h : undefined,
    });
    const id = await t.rt.enqueue("pay", {});
    await t.rt.drain();
    const info = (await t.rt.get(id))!;
    assertEquals([info.state, info.attempts], ["done", 2]);
    assertEquals(await effectCount(h.db, id), 1);
  },
);

backendTest(
  "ctx.once: an effect whose transaction failed is not marked, so the retry does it",
  async (backend) => {
    await using h = await openTestDb();
    await sql`CREATE TABLE test_effects (job_id text NOT NULL, attempt int NOT NULL)`.execute(h.db);
    const job = defineJob({
      name: "half",
      queue: "push",
      schema: z.object({}),
      retry: [10],
      handler: async (_p, ctx) => {
        await ctx.once("insert", async (trx) => {
          await sql`INSERT INTO test_effects VALUES (${ctx.job.id}, ${ctx.job.attempt})`.execute(
            trx,
          );
          // Dies inside the transaction: the insert and the marker roll back together.
          if (ctx.job.attempt === 1) throw new Error("crash inside the effect");
        });
      },
    });
    await using t = await openBackend(backend, [job], {
      services: () => ({ db: h.db }) as Services,
      db: backend === "postgres" ? h : undefined,
    });
    const id = await t.rt.enqueue("half", {});
    await t.rt.drain();
    assertEquals((await t.rt.get(id))?.state, "done");
    const { rows } = await sql<{ attempt: number }>`
    SELECT attempt FROM test_effects WHERE job_id = ${id}
  `.execute(h.db);
    assertEquals(rows, [{ attempt: 2 }]);
  },
);

Deno.test("ctx.once: concurrent duplicates of one effect commit it once", async () => {
  await using h = await openTestDb();
  await sql`CREATE TABLE test_effects (job_id text NOT NULL, attempt int NOT NULL)`.execute(h.db);
  const services = { db: h.db };
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      runOnce(services, "job-1", "k", async (trx) => {
        await sql`INSERT INTO test_effects VALUES ('job-1', ${i})`.execute(trx);
        await sleep(10);
        return i;
      })),
  );
  assertEquals(results.filter((r) => r.ran).length, 1);
  const winner = results.find((r) => r.ran)!.value;
  // The others see what the one that ran returned.
  for (const r of results) assertEquals(r.value, winner);
  assertEquals(await effectCount(h.db, "job-1"), 1);
  // Another key, or another job, is another effect.
  assert((await runOnce(services, "job-1", "other", () => Promise.resolve(1))).ran);
  assert((await runOnce(services, "job-2", "k", () => Promise.resolve(1))).ran);
});
