/**
 * Jobs caused by a change commit with it on PostgreSQL jobs (core/jobs_tx.ts):
 * an exam submission and its `exam-video-preview` job, a notification's
 * outbox mark and its delivery jobs, a password reset token and its email.
 * A failure after the enqueue inside the transaction (a trigger refusing a
 * later statement, as a real constraint or outage would) leaves neither the
 * row nor the job. On KV the job is enqueued only after the commit, so a
 * failed change leaves no job there either.
 */
import { sql } from "kysely";
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testDatabaseUrl } from "../helpers/db.ts";
import { signIn } from "../helpers/session.ts";
import { act, makeCourse, openDayAs } from "./helpers.ts";
import { examPrefix } from "@/core/training/exams.ts";
import {
  enqueuePendingDeliveries,
  NOTIFICATIONS,
  storeNotification,
} from "@/core/notifications.ts";
import { requestPasswordReset, settleResetRequests } from "@/core/auth/password_reset.ts";
import { createUser } from "@/core/users.ts";
import { setPrefs } from "@/core/notification_prefs.ts";
import type { JobName } from "@/queues/jobs/mod.ts";

type Backend = "kv" | "postgres";

function backendTest(name: string, fn: (t: TestApp, backend: Backend) => Promise<void>) {
  for (const backend of ["kv", "postgres"] as const) {
    Deno.test({
      name: `${name} [${backend}]`,
      ignore: backend === "postgres" && !testDatabaseUrl(),
      async fn() {
        await using t = await openTestApp({ JOBS_BACKEND: backend });
        assertEquals(t.services.jobs.transactional, backend === "postgres");
        await fn(t, backend);
      },
    });
  }
}

/**
 * A trigger function that refuses whatever fires it; on PostgreSQL jobs only
 * once a `job` record is visible to the statement, i.e. only after the job
 * was enqueued in the same transaction (a job enqueued after the commit
 * would not be refused, and the test would fail).
 */
async function refuser(t: TestApp, job: JobName) {
  const when = t.services.jobs.transactional
    ? sql`EXISTS (SELECT 1 FROM job_records WHERE name = ${sql.lit(job)})`
    : sql`true`;
  await sql`
    CREATE OR REPLACE FUNCTION gafus_test_refuse() RETURNS trigger AS $$
    BEGIN IF ${when} THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$
    LANGUAGE plpgsql`.execute(t.services.db);
}

/** Every statement of `kind` on `table` fails from now on (until the returned function runs). */
async function refuse(t: TestApp, table: string, kind: "UPDATE" | "INSERT", job: JobName) {
  await refuser(t, job);
  await sql.raw(`CREATE TRIGGER gafus_test_refuse BEFORE ${kind} ON ${table}
      FOR EACH ROW EXECUTE FUNCTION gafus_test_refuse()`).execute(t.services.db);
  return () => sql.raw(`DROP TRIGGER gafus_test_refuse ON ${table}`).execute(t.services.db);
}

async function jobsNamed(t: TestApp, name: JobName) {
  const all = await Promise.all(
    (["queued", "active", "done", "failed"] as const).map((state) =>
      t.services.jobs.list({ state, limit: 500 })
    ),
  );
  return all.flatMap((l) => l.jobs).filter((j) => j.name === name);
}

backendTest(
  "an exam submission and its video preview job: a failure after the enqueue leaves neither",
  async (t) => {
    const c = await makeCourse(t, {
      author: "coach_a",
      days: [{ steps: [{ type: "EXAMINATION", title: "Видеоэкзамен", requiresVideo: true }] }],
    });
    const learner = await signIn(t, "pupil");
    const [exam] = await openDayAs(t, learner, c);
    const videoKey = `${examPrefix(learner.id, exam)}clip.mp4`;
    await t.services.storage.put(videoKey, new Uint8Array([0, 0, 0, 24]), {
      contentType: "video/mp4",
    });
    // The step's update comes after the preview's enqueue in the submission's transaction.
    const allow = await refuse(t, "user_steps", "UPDATE", "exam-video-preview");
    const failed = await act(learner, exam, "exam", { videoKey });
    assertEquals(failed.status, 500, JSON.stringify(failed.json));
    const none = await t.services.db.selectFrom("exam_results").select("id")
      .where("user_step_id", "=", exam).execute();
    assertEquals(none, [], "no exam row");
    assertEquals(await jobsNamed(t, "exam-video-preview"), [], "no preview job");

    await allow();
    const sent = await act(learner, exam, "exam", { videoKey });
    assertEquals(sent.status, 200, JSON.stringify(sent.json));
    const row = await t.services.db.selectFrom("exam_results").selectAll()
      .where("user_step_id", "=", exam).executeTakeFirstOrThrow();
    const jobs = await jobsNamed(t, "exam-video-preview");
    assertEquals(jobs.map((j) => j.payload), [{ examId: row.id, videoKey }]);
  },
);

backendTest(
  "a password reset token and its email: a failure after the enqueue leaves neither",
  async (t, backend) => {
    const user = await createUser(t.services, {
      username: "forgetful",
      password: "Secret123",
      email: "forgetful@example.test",
    });
    // The rate-limit hit comes before; the token is written first, then its email is enqueued:
    // on PostgreSQL a refused commit-time statement takes both back. A deferred constraint
    // trigger fires at the commit, after the enqueue.
    await refuser(t, "email");
    await sql`CREATE CONSTRAINT TRIGGER gafus_test_refuse AFTER INSERT ON password_reset_tokens
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gafus_test_refuse()`
      .execute(t.services.db);
    await requestPasswordReset(t.services, { login: "forgetful", channel: "email" }, {
      ip: "192.0.2.1",
    });
    await settleResetRequests();
    const tokens = () =>
      t.services.db.selectFrom("password_reset_tokens").select("id")
        .where("user_id", "=", user.id).execute();
    assertEquals(await tokens(), [], "no token");
    assertEquals(await jobsNamed(t, "email"), [], `no email job (${backend})`);

    await sql.raw(`DROP TRIGGER gafus_test_refuse ON password_reset_tokens`)
      .execute(t.services.db);
    await requestPasswordReset(t.services, { login: "forgetful", channel: "email" }, {
      ip: "192.0.2.1",
    });
    await settleResetRequests();
    const [token] = await tokens();
    assert(token, "a token");
    const jobs = await jobsNamed(t, "email");
    assertEquals(jobs.map((j) => (j.payload as { key: string }).key), [
      `password-reset:${token.id}`,
    ]);
  },
);

Deno.test({
  name:
    "the notification outbox on PostgreSQL jobs: the delivery jobs and the cleared mark commit together [postgres]",
  ignore: !testDatabaseUrl(),
  async fn() {
    await using t = await openTestApp({ JOBS_BACKEND: "postgres" });
    const s = t.services;
    const user = await createUser(s, {
      username: "reader",
      password: "Secret123",
      email: "reader@example.test",
    });
    await setPrefs(s, user.id, { "exams.email": true });
    const input = { ...NOTIFICATIONS.examApproved, vars: { step: "Сидеть" } };
    const id = (await storeNotification(s, s.db, user.id, input))!;
    const pending = async () =>
      (await s.db.selectFrom("notifications").select("delivery_pending")
        .where("id", "=", id).executeTakeFirstOrThrow()).delivery_pending;
    assertEquals(await pending(), true);
    // Clearing the mark comes after the email's enqueue in the outbox's transaction.
    const allow = await refuse(t, "notifications", "UPDATE", "email");
    assertEquals(await enqueuePendingDeliveries(s, { ids: [id] }), {
      pushes: 0,
      telegram: 0,
      email: 0,
    });
    assertEquals(await pending(), true, "still pending");
    assertEquals(await jobsNamed(t, "email"), [], "no email job");

    await allow();
    assertEquals((await enqueuePendingDeliveries(s, { ids: [id] })).email, 1);
    assertEquals(await pending(), false);
    const jobs = await jobsNamed(t, "email");
    assertEquals(jobs.map((j) => (j.payload as { key: string }).key), [`notif:${id}`]);

    // Stored in a change's transaction: the deliveries are enqueued in it, nothing is left pending.
    const inChange = await s.db.transaction().execute((trx) =>
      storeNotification(s, trx, user.id, input)
    );
    assertEquals(
      (await s.db.selectFrom("notifications").select("delivery_pending")
        .where("id", "=", inChange!).executeTakeFirstOrThrow()).delivery_pending,
      false,
    );
    assert(
      (await jobsNamed(t, "email")).some((j) =>
        (j.payload as { key: string }).key === `notif:${inChange}`
      ),
    );
  },
});
