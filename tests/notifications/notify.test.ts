/**
 * `notify`: the in-app row in the recipient's language, one push job per
 * subscription, and — through the real job runtime — an encrypted push that
 * the browser side decrypts.
 */
import { z } from "zod";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { newId } from "@/platform/ids.ts";
import { NOTIFICATIONS, notify, sweepPushes, unreadCount, VAR_MAX } from "@/core/notifications.ts";
import { json } from "@/db/connection.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import pushJob from "@/queues/jobs/push.ts";
import { newBrowserSubscription, startPushService, verifyVapid } from "./push_service.ts";

async function subscribe(t: TestApp, userId: string, endpoint: string) {
  const b = await newBrowserSubscription();
  await t.services.db.insertInto("push_subscriptions").values({
    id: newId(),
    user_id: userId,
    endpoint,
    p256dh: b.p256dh,
    auth: b.auth,
  }).execute();
  return b;
}

async function queuedPushJobs(t: TestApp) {
  const page = await t.services.jobs.list({ queue: "push", state: "queued", limit: 100 });
  return page.jobs.map((j) => j.payload as PushJob);
}

Deno.test("notify stores the notification in the user's language and enqueues one push per subscription", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const bob = await signIn(t, "bob");
  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", bob.id)
    .execute();
  await subscribe(t, anna.id, "http://127.0.0.1:9/a1");
  await subscribe(t, anna.id, "http://127.0.0.1:9/a2");
  await subscribe(t, bob.id, "http://127.0.0.1:9/b1");

  const ru = await notify(t.services, anna.id, {
    ...NOTIFICATIONS.stepFinished,
    vars: { step: "Сидеть" },
    url: "/courses/eto-baza",
  });
  assert(ru);
  assertEquals(ru.pushes, 2);
  const en = await notify(t.services, bob.id, {
    ...NOTIFICATIONS.stepFinished,
    vars: { step: "Sit" },
    url: "/courses/eto-baza",
  });
  assertEquals(en?.pushes, 1);

  const rows = await t.services.db.selectFrom("notifications")
    .select(["id", "user_id", "kind", "title", "body", "url", "read_at"])
    .orderBy("created_at").execute();
  assertEquals(rows.map((r) => [r.user_id, r.kind, r.title, r.body, r.url, r.read_at]), [
    [
      anna.id,
      "step.finished",
      "Вы великолепны!",
      "Вы успешно прошли «Сидеть».",
      "/courses/eto-baza",
      null,
    ],
    [
      bob.id,
      "step.finished",
      "You're brilliant!",
      "You have completed “Sit”.",
      "/courses/eto-baza",
      null,
    ],
  ]);

  const jobs = await queuedPushJobs(t);
  assertEquals(jobs.length, 3);
  assertEquals(jobs.filter((j) => j.notificationId === ru.id).length, 2);
  assertEquals(new Set(jobs.map((j) => j.subscriptionId)).size, 3);
  assertEquals(await unreadCount(t.services, anna.id), 1);
});

Deno.test("notify: exam texts, a trainer's comment cut to 180 characters, no push without subscriptions", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const approved = await notify(t.services, anna.id, {
    ...NOTIFICATIONS.examApproved,
    vars: { step: "Экзамен: выдержка" },
    url: "/courses/eto-baza",
  });
  assertEquals(approved?.pushes, 0);
  const comment = "Хорошо, но ".repeat(40);
  await notify(t.services, anna.id, {
    ...NOTIFICATIONS.examReturned,
    vars: { step: "Экзамен: выдержка", comment },
    url: "/courses/eto-baza",
  });
  const [a, r] = await t.services.db.selectFrom("notifications").select(["title", "body"])
    .orderBy("created_at").execute();
  assertEquals(a.title, "«Экзамен: выдержка» зачтён ✅");
  assertEquals(a.body, "Тренер проверил ваш экзамен. Можете переходить к следующему шагу.");
  assertEquals(r.title, "«Экзамен: выдержка» требует доработки");
  const shown = r.body.slice("Комментарий тренера: ".length);
  assertEquals(shown.length, VAR_MAX);
  assert(shown.endsWith("…"));
  assert(comment.startsWith(shown.slice(0, -1)));
});

Deno.test("notify: a repeated call with the same dedupeKey stores and pushes once", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  await subscribe(t, anna.id, "http://127.0.0.1:9/a1");
  const input = {
    ...NOTIFICATIONS.stepFinished,
    vars: { step: "Место" },
    url: "/courses/eto-baza",
    dedupeKey: "user-step:123:finished",
  };
  const [a, b] = await Promise.all([
    notify(t.services, anna.id, input),
    notify(t.services, anna.id, input),
  ]);
  assertEquals([a?.duplicate, b?.duplicate].sort(), [false, true]);
  assertEquals(a?.id, b?.id);
  const c = await notify(t.services, anna.id, input);
  assertEquals(c?.duplicate, true);
  const n = await t.services.db.selectFrom("notifications").select("id").execute();
  assertEquals(n.length, 1);
  assertEquals((await queuedPushJobs(t)).length, 1);
});

Deno.test("notify refuses links off the site and unknown keys; a missing user gives null", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  for (
    const url of [
      "//evil.example/x",
      "https://evil.example/",
      "/\\evil.example",
      "javascript:alert(1)",
    ]
  ) {
    await assertRejects(
      () => notify(t.services, anna.id, { ...NOTIFICATIONS.trainingReminder, url }),
      z.ZodError,
    );
  }
  await assertRejects(
    () =>
      notify(t.services, anna.id, {
        kind: "x",
        // @ts-expect-error: not a message key
        titleKey: "no.such.key",
        bodyKey: "notifications.trainingReminder.body",
      }),
    z.ZodError,
  );
  assertEquals(
    await notify(t.services, newId(), { ...NOTIFICATIONS.trainingReminder, url: "/courses" }),
    null,
  );
  const rows = await t.services.db.selectFrom("notifications").select("id").execute();
  assertEquals(rows.length, 0);
});

Deno.test("notify → push job → push service: delivered once per device, decrypts in the user's language", async () => {
  await using t = await openTestApp();
  await using push = startPushService();
  const bob = await signIn(t, "bob");
  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", bob.id)
    .execute();
  const phone = push.endpoint("phone");
  const laptop = push.endpoint("laptop");
  const phoneKeys = await subscribe(t, bob.id, phone);
  const laptopKeys = await subscribe(t, bob.id, laptop);

  t.services.jobs.start();
  const sent = await notify(t.services, bob.id, {
    ...NOTIFICATIONS.examApproved,
    vars: { step: "Stay" },
    url: "/courses/eto-baza",
  });
  await t.services.jobs.drain({ timeoutMs: 20_000 });

  assertEquals(push.requests.length, 2);
  const vapid = t.services.config.secrets.vapid!;
  for (const [endpoint, keys] of [[phone, phoneKeys], [laptop, laptopKeys]] as const) {
    const req = push.requests.find((r) => endpoint.endsWith(r.path));
    assert(req, `no push to ${endpoint}`);
    await verifyVapid(req.headers, {
      publicKey: vapid.publicKey,
      audience: push.origin,
      subject: vapid.subject,
    });
    const payload = JSON.parse((await keys.decrypt(req.body)).plaintext);
    assertEquals(payload.title, "“Stay” passed ✅");
    assertEquals(
      payload.body,
      "Your trainer has reviewed your exam. You can go on to the next step.",
    );
    assertEquals(payload.url, `/notifications/${sent!.id}`);
    assertEquals(payload.lang, "en");
  }
  const done = await t.services.jobs.list({ queue: "push", state: "done" });
  assertEquals(done.jobs.length, 2);
  const subs = await t.services.db.selectFrom("push_subscriptions")
    .select(["last_success_at", "failure_count"]).execute();
  assert(subs.every((s) => s.last_success_at instanceof Date && s.failure_count === 0));
});

Deno.test("the push sweeper re-enqueues pushes lost to a crash after the insert, once", async () => {
  await using t = await openTestApp();
  const anna = await signIn(t, "anna");
  const now = Date.now();
  // A device subscribed an hour ago, and one that subscribed after the notification.
  const old = newId(now - 3600_000);
  const { p256dh, auth } = await newBrowserSubscription();
  await t.services.db.insertInto("push_subscriptions").values({
    id: old,
    user_id: anna.id,
    endpoint: "http://127.0.0.1:9/old",
    p256dh,
    auth,
    created_at: new Date(now - 3600_000),
  }).execute();
  // What notify had stored when the process died, before enqueueing.
  const lost = newId(now - 5 * 60_000);
  await t.services.db.insertInto("notifications").values({
    id: lost,
    user_id: anna.id,
    kind: "exam.approved",
    title: "«Шаг» зачтён ✅",
    data: json({ push: { ttlSec: 1234, urgency: "low" } }),
    created_at: new Date(now - 5 * 60_000),
  }).execute();
  await subscribe(t, anna.id, "http://127.0.0.1:9/new");
  // Too old for the sweep window: left alone.
  await t.services.db.insertInto("notifications").values({
    id: newId(now - 2 * 3600_000),
    user_id: anna.id,
    kind: "exam.approved",
    title: "старое",
    created_at: new Date(now - 2 * 3600_000),
  }).execute();
  // A normal notify: its pushes are already enqueued.
  const normal = await notify(t.services, anna.id, {
    ...NOTIFICATIONS.trainingReminder,
    url: "/courses",
  });

  assert(pushJob.sweep, "the push job has a sweeper");
  await pushJob.sweep(t.services);
  await sweepPushes(t.services, now + 2 * 60_000);
  const jobs = await queuedPushJobs(t);
  const lostJobs = jobs.filter((j) => j.notificationId === lost);
  assertEquals(lostJobs.map((j) => j.subscriptionId), [old]);
  assertEquals(lostJobs[0], {
    notificationId: lost,
    subscriptionId: old,
    ttlSec: 1234,
    urgency: "low",
  });
  // notify's own jobs (one per device) were not enqueued a second time.
  assertEquals(jobs.filter((j) => j.notificationId === normal!.id).length, 2);
  assertEquals(jobs.length, 3);
});
