/**
 * Sending pushes to a push service on loopback: the message decrypts with
 * the subscription's private key to the notification, VAPID verifies with
 * the app's public key, dead subscriptions (404/410) are removed, failures
 * count up and retry, and a job delivered twice sends once.
 */
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { newId } from "@/platform/ids.ts";
import { json } from "@/db/connection.ts";
import { deliverPush } from "@/core/push/deliver.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import pushJob from "@/queues/jobs/push.ts";
import { PermanentJobError } from "@/queues/define.ts";
import type { JobContext } from "@/queues/define.ts";
import {
  type BrowserSubscription,
  newBrowserSubscription,
  type PushService,
  startPushService,
  verifyVapid,
} from "./push_service.ts";

async function addSubscription(
  t: TestApp,
  userId: string,
  endpoint: string,
  browser: BrowserSubscription,
): Promise<string> {
  const id = newId();
  await t.services.db.insertInto("push_subscriptions").values({
    id,
    user_id: userId,
    endpoint,
    p256dh: browser.p256dh,
    auth: browser.auth,
  }).execute();
  return id;
}

async function addNotification(
  t: TestApp,
  userId: string,
  fields: { kind?: string; title?: string; body?: string; createdAt?: Date } = {},
): Promise<string> {
  const id = newId();
  await t.services.db.insertInto("notifications").values({
    id,
    user_id: userId,
    kind: fields.kind ?? "step.finished",
    title: fields.title ?? "Вы великолепны!",
    body: fields.body ?? "Вы успешно прошли «Сидеть».",
    url: "/courses/eto-baza",
    data: json({}),
    ...(fields.createdAt ? { created_at: fields.createdAt } : {}),
  }).execute();
  return id;
}

const subRow = (t: TestApp, id: string) =>
  t.services.db.selectFrom("push_subscriptions").selectAll().where("id", "=", id)
    .executeTakeFirst();

interface Setup {
  t: TestApp;
  push: PushService;
  userId: string;
  browser: BrowserSubscription;
  endpoint: string;
  subId: string;
  job: PushJob;
  [Symbol.asyncDispose](): Promise<void>;
}

async function setup(): Promise<Setup> {
  const t = await openTestApp();
  const push = startPushService();
  const user = await signIn(t, "anna");
  const browser = await newBrowserSubscription();
  const endpoint = push.endpoint();
  const subId = await addSubscription(t, user.id, endpoint, browser);
  const notificationId = await addNotification(t, user.id);
  return {
    t,
    push,
    userId: user.id,
    browser,
    endpoint,
    subId,
    job: { notificationId, subscriptionId: subId, ttlSec: 3600, urgency: "high" },
    async [Symbol.asyncDispose]() {
      await push[Symbol.asyncDispose]();
      await t.close();
    },
  };
}

Deno.test("push: the message sent to the push service decrypts to the notification", async () => {
  await using s = await setup();
  const result = await deliverPush(s.t.services, s.job);
  assertEquals(result.outcome, "sent");
  assertEquals(s.push.requests.length, 1);
  const req = s.push.requests[0];

  // VAPID as a push service checks it: the app's key, aud = the service's origin.
  const vapid = s.t.services.config.secrets.vapid!;
  await verifyVapid(req.headers, {
    publicKey: vapid.publicKey,
    audience: s.push.origin,
    subject: vapid.subject,
  });
  assertEquals(req.headers.get("content-encoding"), "aes128gcm");
  assertEquals(req.headers.get("content-type"), "application/octet-stream");
  assertEquals(req.headers.get("urgency"), "high");
  assertEquals(req.headers.get("topic"), "step-finished");
  const ttl = Number(req.headers.get("ttl"));
  assert(ttl > 3500 && ttl <= 3600, `ttl ${ttl}`);

  const opened = await s.browser.decrypt(req.body);
  assertEquals(opened.recordSize, 4096);
  assertEquals(JSON.parse(opened.plaintext), {
    title: "Вы великолепны!",
    body: "Вы успешно прошли «Сидеть».",
    url: `/notifications/${s.job.notificationId}`,
    tag: s.job.notificationId,
    kind: "step.finished",
    icon: "/favicon.svg",
    lang: "ru",
  });

  const row = await subRow(s.t, s.subId);
  assert(row?.last_success_at instanceof Date, "last_success_at is recorded");
  assertEquals(row.failure_count, 0);
});

Deno.test("push: a subscription whose endpoint answers 410 or 404 is removed", async () => {
  await using s = await setup();
  const other = await newBrowserSubscription();
  const endpoint404 = s.push.endpoint("e404");
  const sub404 = await addSubscription(s.t, s.userId, endpoint404, other);
  s.push.answer(s.endpoint, 410);
  s.push.answer(endpoint404, 404);

  assertEquals((await deliverPush(s.t.services, s.job)).outcome, "gone");
  assertEquals(await subRow(s.t, s.subId), undefined);
  assertEquals(
    (await deliverPush(s.t.services, { ...s.job, subscriptionId: sub404 })).outcome,
    "gone",
  );
  assertEquals(await subRow(s.t, sub404), undefined);
  assertEquals(s.push.requests.length, 2);
});

function jobContext(t: TestApp, attempt: number): JobContext {
  return {
    services: t.services,
    job: { id: newId(), name: "push", queue: "push", attempt, maxAttempts: 6 },
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    once: () => Promise.reject(new Error("not used by the push job")),
  };
}

Deno.test("push: a 500 makes the job retry and counts a failure; success resets it", async () => {
  await using s = await setup();
  s.push.answer(s.endpoint, 500);
  const err = await assertRejects(() => pushJob.handler(s.job, jobContext(s.t, 1)));
  assert(!(err instanceof PermanentJobError), "a 500 is worth retrying");
  assertEquals((await subRow(s.t, s.subId))?.failure_count, 1);
  await assertRejects(() => pushJob.handler(s.job, jobContext(s.t, 2)));
  assertEquals((await subRow(s.t, s.subId))?.failure_count, 2);
  assert(pushJob.retry.length >= 3, "the push job has a retry schedule");

  // The service recovers: the retry sends (the failed attempts did not mark it sent).
  s.push.answer(s.endpoint, 201);
  assertEquals(await pushJob.handler(s.job, jobContext(s.t, 3)), { outcome: "sent", status: 201 });
  const row = await subRow(s.t, s.subId);
  assertEquals(row?.failure_count, 0);
  assert(row?.last_success_at instanceof Date);
  assertEquals(s.push.requests.length, 3);
});

Deno.test("push: a 403 or 413 fails the job at once (retrying would not help)", async () => {
  await using s = await setup();
  s.push.answer(s.endpoint, 403);
  await assertRejects(() => pushJob.handler(s.job, jobContext(s.t, 1)), PermanentJobError);
  assertEquals((await subRow(s.t, s.subId))?.failure_count, 1);
  // The subscription stays: a 403 may be our VAPID key, not a dead device.
  assert(await subRow(s.t, s.subId));
});

Deno.test("push: a job delivered twice sends once, also when both run at the same time", async () => {
  await using s = await setup();
  assertEquals((await deliverPush(s.t.services, s.job)).outcome, "sent");
  assertEquals((await deliverPush(s.t.services, s.job)).outcome, "duplicate");
  const again = await pushJob.handler(s.job, jobContext(s.t, 1)) as { outcome: string };
  assertEquals(again.outcome, "duplicate");
  assertEquals(s.push.requests.length, 1);

  const second = await addNotification(s.t, s.userId);
  const job2 = { ...s.job, notificationId: second };
  const results = await Promise.all([
    deliverPush(s.t.services, job2),
    deliverPush(s.t.services, job2),
    deliverPush(s.t.services, job2),
  ]);
  assertEquals(results.filter((r) => r.outcome === "sent").length, 1);
  assertEquals(s.push.requests.length, 2);
});

Deno.test("push: a device taken over by another account does not get the old account's notification", async () => {
  await using s = await setup();
  const boris = await signIn(s.t, "boris");
  await s.t.services.db.updateTable("push_subscriptions").set({ user_id: boris.id })
    .where("id", "=", s.subId).execute();
  assertEquals((await deliverPush(s.t.services, s.job)).outcome, "skipped");
  assertEquals(s.push.requests.length, 0);
});

Deno.test("push: a notification older than its TTL is not sent any more", async () => {
  await using s = await setup();
  const old = await addNotification(s.t, s.userId, {
    createdAt: new Date(Date.now() - 2 * 3600_000),
  });
  const r = await deliverPush(s.t.services, { ...s.job, notificationId: old, ttlSec: 3600 });
  assertEquals(r.outcome, "expired");
  assertEquals(s.push.requests.length, 0);
});

Deno.test("push: a long Russian body is shortened to fit one encrypted record", async () => {
  await using s = await setup();
  const id = await addNotification(s.t, s.userId, {
    kind: "exam.returned",
    body: "Комментарий тренера: " + "очень подробный разбор ".repeat(80),
  });
  const r = await deliverPush(s.t.services, { ...s.job, notificationId: id, ttlSec: 86400 });
  assertEquals(r.outcome, "sent");
  const req = s.push.requests[0];
  assert(req.body.length <= 3000, `body of ${req.body.length} bytes`);
  const payload = JSON.parse((await s.browser.decrypt(req.body)).plaintext);
  assert(payload.body.startsWith("Комментарий тренера: очень"));
  assert(payload.body.endsWith("…"));
  assertEquals(req.headers.get("topic"), null);
});
