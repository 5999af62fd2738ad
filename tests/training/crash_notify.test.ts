/**
 * Crash between a timer's completion and its notification (kill -9 seen in
 * production): the completion and the notification commit in one
 * transaction, and the pushes leave from that row (the outbox), so a child
 * process that dies right after the commit leaves the notification stored
 * with its push pending, and the retried job sends exactly one push.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { databaseUrlOf, openTestDb, testDatabaseUrl } from "../helpers/db.ts";
import { type Config, loadConfig } from "@/platform/config.ts";
import { configureLog } from "@/platform/log.ts";
import { openDatabase } from "@/db/connection.ts";
import type { Services } from "@/core/services.ts";
import { openServices } from "@/services.ts";
import { buildApp } from "@/server.ts";
import { newId } from "@/platform/ids.ts";
import type { TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import stepFinished from "@/queues/jobs/step_finished.ts";
import type { JobContext } from "@/queues/define.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import { act, age, makeCourse, openDayAs, stepRow } from "./helpers.ts";

const CHILD = new URL("./crash_notify_child.ts", import.meta.url).pathname;

/** The app on a database the child can open too (PGlite on disk, or a PostgreSQL database). */
async function openApp(config: Config): Promise<TestApp> {
  const handle = await openDatabase(config);
  const services = await openServices(config, { handle, memory: true });
  const app = await buildApp(services);
  const close = async () => {
    await services.close();
    await handle.close();
  };
  return {
    config,
    services,
    app,
    dbHandle: handle,
    fetch: async (path, init) =>
      await app.fetch(new Request(new URL(path, "http://localhost:8000"), init)),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function jobCtx(services: Services, id: string): JobContext {
  return {
    services,
    job: { id, name: "step-finished", queue: "notifications", attempt: 2, maxAttempts: 4 },
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    once: () => Promise.reject(new Error("not used")),
  };
}

Deno.test({
  name:
    "a process killed right after a timer's completion commits: the retried job gives one notification and one push",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    configureLog({ level: "error" });
    const dir = await Deno.makeTempDir({ prefix: "gafus-crash-notify-" });
    // On a server: an empty database of the test helper's (dropped when the
    // test ends), which the child opens too.
    await using server = testDatabaseUrl() ? await openTestDb({ migrate: false }) : null;
    const databaseUrl = server ? await databaseUrlOf(server) : "";
    const config = await loadConfig({
      GAFUS_ENV: "test",
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
      LOG_REQUESTS: "false",
    });
    try {
      let t = await openApp(config);
      const c = await makeCourse(t, {
        days: [{ steps: [{ type: "TRAINING", title: "Лежать", durationSec: 60 }] }],
      });
      const learner = await signIn(t, "olga");
      const [timer] = await openDayAs(t, learner, c);
      await t.services.db.insertInto("push_subscriptions").values({
        id: newId(),
        user_id: learner.id,
        endpoint: "http://127.0.0.1:9/phone",
        p256dh:
          "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth: "tBHItJI5svbpez7KI4CCXg",
      }).execute();
      assertEquals((await act(learner, timer, "start")).status, 200);
      const jobId = (await stepRow(t, timer)).notification_job_id!;
      await age(t, timer, 60_000);
      await t.close(); // PGlite serves one process: the child's turn

      const child = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--unstable-kv", CHILD],
        env: {
          ...Deno.env.toObject(),
          CHILD_DATA_DIR: dir,
          CHILD_DATABASE_URL: databaseUrl,
          USER_STEP_ID: timer,
          JOB_ID: jobId,
          GAFUS_CRASH_AT: "step-finished:committed",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const out = new TextDecoder().decode(child.stdout) + new TextDecoder().decode(child.stderr);
      assertEquals(child.code, 137, `the child dies at the crash point:\n${out}`);
      assert(!out.includes("@@ returned"), out);

      t = await openApp(config);
      try {
        const s = t.services;
        // The completion and its notification committed together; the push waits in the outbox.
        assertEquals((await stepRow(t, timer)).status, "COMPLETED");
        const stored = await s.db.selectFrom("notifications").select(["kind", "delivery_pending"])
          .where("user_id", "=", learner.id).execute();
        assertEquals(stored, [{ kind: "step.finished", delivery_pending: true }]);

        // KV delivers the job again (twice, even): the step is done; the push goes once.
        for (let i = 0; i < 2; i++) {
          const r = await stepFinished.handler({ userStepId: timer }, jobCtx(s, jobId));
          assertEquals(r, { completed: false });
        }
        const after = await s.db.selectFrom("notifications").select(["id", "delivery_pending"])
          .where("user_id", "=", learner.id).execute();
        assertEquals(after.length, 1, "one notification");
        assertEquals(after[0].delivery_pending, false);
        const pushes = await s.jobs.list({ queue: "push", state: "queued", limit: 100 });
        assertEquals(
          pushes.jobs.map((j) => (j.payload as PushJob).notificationId),
          [after[0].id],
          "one push",
        );
      } finally {
        await t.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
