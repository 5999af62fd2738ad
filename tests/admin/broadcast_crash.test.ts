/**
 * A broadcast whose process dies mid-send (kill -9 in a child process)
 * finishes later without a second copy to anyone: a batch is one
 * transaction (the cursor, each recipient's record and notification), so a
 * death inside it leaves nothing of it, and a death after its commit leaves
 * the deliveries in the outbox. The job is lost with the process (KV in
 * memory here); the `broadcast` sweeper finds the stalled broadcast and the
 * new job resumes at the cursor.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { databaseUrlOf, openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { type Config, loadConfig } from "@/platform/config.ts";
import { configureLog } from "@/platform/log.ts";
import { openDatabase } from "@/db/connection.ts";
import type { Services } from "@/core/services.ts";
import { openServices } from "@/services.ts";
import { createUser } from "@/core/users.ts";
import { SYSTEM } from "@/core/auth/guards.ts";
import {
  BROADCAST_KIND,
  confirmBroadcast,
  createBroadcast,
  runBroadcast,
  STALL_MS,
  sweepBroadcasts,
} from "@/core/broadcasts.ts";

const CHILD = new URL("./broadcast_crash_child.ts", import.meta.url).pathname;
const LEARNERS = 5;

async function open(config: Config) {
  const handle = await openDatabase(config);
  const s = await openServices(config, { handle, memory: true });
  return {
    s,
    close: async () => {
      await s.close();
      await handle.close();
    },
  };
}

/**
 * A PGlite directory, or an empty database of its own on the server (the
 * test helper's, dropped when the test ends): both processes open it.
 */
async function sharedConfig(dir: string) {
  const server = testDatabaseUrl() ? await openTestDb({ migrate: false }) : null;
  const config = await loadConfig({
    GAFUS_ENV: "test",
    DATA_DIR: dir,
    DATABASE_URL: server ? await databaseUrlOf(server) : "",
    LOG_REQUESTS: "false",
  });
  return {
    config,
    async [Symbol.asyncDispose]() {
      await server?.[Symbol.asyncDispose]();
    },
  };
}

async function copies(s: Services) {
  const rows = await s.db.selectFrom("notifications")
    .select(["user_id", "delivery_pending"])
    .where("kind", "=", BROADCAST_KIND).execute();
  const perUser = new Map<string, number>();
  for (const r of rows) perUser.set(r.user_id, (perUser.get(r.user_id) ?? 0) + 1);
  return { rows, perUser };
}

async function progress(s: Services, id: string) {
  return await s.db.selectFrom("broadcasts").select(["status", "sent", "total"])
    .where("id", "=", id).executeTakeFirstOrThrow();
}

for (
  const [point, reachedBeforeDeath] of [
    // Dies inside the second batch's transaction, after one recipient's notification.
    ["broadcast:in-batch", 2],
    // Dies right after the second batch commits, before its deliveries are enqueued.
    ["broadcast:committed", 4],
  ] as const
) {
  Deno.test({
    name:
      `a process killed mid-broadcast (${point}): the sweeper resumes it and each learner gets one copy`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      configureLog({ level: "error" });
      const dir = await Deno.makeTempDir({ prefix: "gafus-bcrash-" });
      try {
        await using shared = await sharedConfig(dir);
        const config = shared.config;
        let app = await open(config);
        const learners: string[] = [];
        for (let i = 0; i < LEARNERS; i++) {
          const u = await createUser(app.s, { username: `bcrash_${i}`, password: "Secret123" });
          learners.push(u.id);
        }
        const id = await createBroadcast(app.s, SYSTEM, {
          titleRu: "Новости",
          bodyRu: "Новый курс в каталоге.",
          segment: "all",
        });
        await confirmBroadcast(app.s, SYSTEM, id);
        // The first batch goes out; then the process stops (the job is lost with its KV).
        const stop = new AbortController();
        await runBroadcast(app.s, id, {
          batch: 2,
          signal: stop.signal,
          progress: () => Promise.resolve(stop.abort()),
        }).catch(() => {});
        assertEquals((await progress(app.s, id)).sent, 2);
        await app.close(); // PGlite serves one process: the child's turn

        const child = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--unstable-kv", CHILD],
          env: {
            ...Deno.env.toObject(),
            CHILD_DATA_DIR: dir,
            CHILD_DATABASE_URL: config.databaseUrl ?? "",
            BROADCAST_ID: id,
            GAFUS_CRASH_AT: point,
          },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const out = new TextDecoder().decode(child.stdout) +
          new TextDecoder().decode(child.stderr);
        assertEquals(child.code, 137, `the child dies at the crash point:\n${out}`);
        assert(!out.includes("@@ returned"), out);

        app = await open(config);
        try {
          const s = app.s;
          const before = await copies(s);
          assertEquals(before.rows.length, reachedBeforeDeath, "what committed before the death");
          assertEquals((await progress(s, id)).sent, reachedBeforeDeath);
          assertEquals(
            before.rows.filter((r) => r.delivery_pending).length,
            reachedBeforeDeath - 2,
            "a committed batch whose deliveries were not enqueued waits in the outbox",
          );

          // Fresh progress: not stalled yet, nothing enqueued.
          assertEquals(await s.jobs.sweep("broadcast"), 0);
          // A few minutes later the sweeper (cron's jobs-sweep) starts it again.
          assertEquals(await sweepBroadcasts(s, Date.now() + STALL_MS + 1_000), 1);
          s.jobs.start();
          await s.jobs.drain({ timeoutMs: 30_000 });
          await s.jobs.sweep("push"); // the outbox's sweeper

          const after = await copies(s);
          for (const u of learners) assertEquals(after.perUser.get(u), 1, `one copy for ${u}`);
          assertEquals(after.rows.length, LEARNERS);
          assertEquals(after.rows.filter((r) => r.delivery_pending).length, 0);
          assertEquals(await progress(s, id), { status: "done", sent: LEARNERS, total: LEARNERS });
          const records = await s.db.selectFrom("broadcast_recipients")
            .select((eb) => eb.fn.countAll<number>().as("n")).where("broadcast_id", "=", id)
            .executeTakeFirstOrThrow();
          assertEquals(Number(records.n), LEARNERS);
          // Done: later sweeps leave it alone.
          assertEquals(await sweepBroadcasts(s, Date.now() + 10 * STALL_MS), 0);
        } finally {
          await app.close();
        }
      } finally {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  });
}
