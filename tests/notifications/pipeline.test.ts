/**
 * One path for every notification: `notify` / `storeNotification` fan out
 * to Web Push, Telegram and email by the user's per-category choices, in
 * the user's language, with a link; stored with a change, they leave only
 * after its commit, once, and a crash between commit and enqueue is
 * recovered by the sweeper. Access granted and a trainer's note shared go
 * through the same path.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import type { TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { newId } from "@/platform/ids.ts";
import {
  enqueuePendingDeliveries,
  NOTIFICATIONS,
  notify,
  storeNotification,
  sweepPushes,
} from "@/core/notifications.ts";
import { setPrefs } from "@/core/notification_prefs.ts";
import type { TelegramJob } from "@/core/telegram/outbox.ts";
import type { EmailJob } from "@/core/email/outbox.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import { grantAccess } from "@/core/studio/access.ts";
import { createNote, setEntryVisible } from "@/core/studio/notes.ts";
import { linked, openTelegramApp } from "../telegram/helpers.ts";
import { makeCourse } from "../training/helpers.ts";

async function subscribe(t: TestApp, userId: string) {
  await t.services.db.insertInto("push_subscriptions").values({
    id: newId(),
    user_id: userId,
    endpoint: `http://127.0.0.1:9/${userId}`,
    p256dh:
      "BOr8Qm5r0K0f3hI4m8wLxwV2uZ6v5rKXo5c5dT2f4v2m1oY9bX8c7dE6fA5gB4hC3iD2jE1kF0lG9mH8nI7oJ6k",
    auth: "c2VjcmV0LWF1dGgtMTIz",
  }).execute();
}

async function queued(t: TestApp) {
  const of = async (queue: "push" | "telegram" | "email") =>
    (await t.services.jobs.list({ queue, state: "queued", limit: 100 })).jobs.map((j) => j.payload);
  return {
    push: await of("push") as PushJob[],
    telegram: await of("telegram") as TelegramJob[],
    email: await of("email") as EmailJob[],
  };
}

async function withEmail(t: TestApp, userId: string, email: string) {
  await t.services.db.updateTable("users").set({ email }).where("id", "=", userId).execute();
}

Deno.test("defaults: push and Telegram, not email; the Telegram message is in the user's language with an Open button", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const bob = await linked(t, "bob", 1001, "en");
  await withEmail(t, bob.id, "bob@example.com");
  await subscribe(t, bob.id);
  const r = await notify(t.services, bob.id, {
    ...NOTIFICATIONS.examApproved,
    vars: { step: "Stay" },
    url: "/courses/eto-baza",
  });
  assert(r);
  assertEquals([r.pushes, r.telegram, r.email], [1, true, false]);
  const q = await queued(t);
  assertEquals(q.push.length, 1);
  assertEquals(q.email.length, 0);
  assertEquals(q.telegram.length, 1);
  const msg = q.telegram[0];
  assertEquals(msg.key, `notif:${r.id}`);
  assertEquals(msg.chatId, 1001);
  assertEquals(msg.userId, bob.id);
  assertEquals([msg.purpose, msg.category], ["notification", "exams"]);
  assertEquals(
    msg.text,
    "“Stay” passed ✅\n\nYour trainer has reviewed your exam. You can go on to the next step.",
  );
  assertEquals(msg.buttons, [{
    text: "Open",
    url: `https://gafus.example/notifications/${r.id}`,
  }]);
});

Deno.test("choices per category and channel: Telegram off sends nothing there, email on queues an email, push off queues no push", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const anna = await linked(t, "anna", 1002);
  await withEmail(t, anna.id, "anna@example.com");
  await subscribe(t, anna.id);
  await setPrefs(t.services, anna.id, {
    "reminders.telegram": false,
    "reminders.email": true,
    "reminders.push": false,
  });
  const r = await notify(t.services, anna.id, { ...NOTIFICATIONS.trainingReminder, url: "/" });
  assert(r);
  assertEquals([r.pushes, r.telegram, r.email], [0, false, true]);
  const q = await queued(t);
  assertEquals([q.push.length, q.telegram.length, q.email.length], [0, 0, 1]);
  const mail = q.email[0];
  assertEquals(mail.to, "anna@example.com");
  assertEquals(mail.key, `notif:${r.id}`);
  assertEquals([mail.purpose, mail.category], ["notification", "reminders"]);
  assertEquals(mail.subject, "Напоминание о тренировке 🐕");
  assertStringIncludes(mail.text, `https://gafus.example/notifications/${r.id}`);
  assertStringIncludes(mail.text, "«Напоминания» по почте");
  assertStringIncludes(mail.text, "https://gafus.example/settings#h-notifications");
  assertStringIncludes(mail.html, "Открыть");
  // The in-app entry is there whatever the choices.
  const rows = await t.services.db.selectFrom("notifications").select("id")
    .where("user_id", "=", anna.id).execute();
  assertEquals(rows.length, 1);
  // Another category keeps its defaults.
  const other = await notify(t.services, anna.id, {
    ...NOTIFICATIONS.examApproved,
    vars: { step: "x" },
  });
  assertEquals([other!.pushes, other!.telegram, other!.email], [1, true, false]);
});

Deno.test("a campaign message carries its unsubscribe link on Telegram and email", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const anna = await linked(t, "anna", 1003);
  await withEmail(t, anna.id, "anna@example.com");
  await setPrefs(t.services, anna.id, { "news.email": true });
  const unsubscribeUrl = "https://gafus.example/unsubscribe/signed-token";
  const r = await notify(t.services, anna.id, {
    kind: "reengagement.level1",
    titleKey: "notifications.trainingReminder.title",
    bodyKey: "notifications.trainingReminder.body",
    unsubscribeUrl,
  });
  const q = await queued(t);
  assertEquals(q.telegram[0].purpose, "campaign");
  assertEquals(q.telegram[0].category, "news");
  assertStringIncludes(q.telegram[0].text, `Отписаться от таких сообщений: ${unsubscribeUrl}`);
  assertEquals(q.email[0].unsubscribeUrl, unsubscribeUrl);
  assertEquals(q.email[0].purpose, "campaign");
  assertStringIncludes(q.email[0].text, unsubscribeUrl);
  assert(r);
});

Deno.test("stored with a change: nothing leaves before the commit, nothing after a rollback, and the sweeper recovers a crash after the commit once", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const anna = await linked(t, "anna", 1004);
  await withEmail(t, anna.id, "anna@example.com");
  await subscribe(t, anna.id);
  await setPrefs(t.services, anna.id, { "exams.email": true });

  // Rolled back: no row, no delivery.
  await t.services.db.transaction().execute(async (trx) => {
    await storeNotification(t.services, trx, anna.id, {
      ...NOTIFICATIONS.examApproved,
      vars: { step: "Сидеть" },
    });
    throw new Error("the change failed");
  }).catch(() => {});
  // Committed, but the process "died" before enqueueing: still pending, nothing queued (KV jobs).
  let id = "";
  await t.services.db.transaction().execute(async (trx) => {
    id = (await storeNotification(t.services, trx, anna.id, {
      ...NOTIFICATIONS.examApproved,
      vars: { step: "Лежать" },
    }))!;
    const inside = await queued(t);
    assertEquals(inside.push.length + inside.telegram.length + inside.email.length, 0);
  });
  let q = await queued(t);
  const pending = await t.services.db.selectFrom("notifications")
    .select(["id", "delivery_pending"]).execute();
  if (t.services.jobs.transactional) {
    // Jobs on PostgreSQL: the deliveries committed with the change, so there is no such crash.
    assertEquals(q.email.map((m) => m.key), [`notif:${id}`]);
    assertEquals(pending, [{ id, delivery_pending: false }]);
  } else {
    assertEquals(q.push.length + q.telegram.length + q.email.length, 0);
    assertEquals(pending, [{ id, delivery_pending: true }]);
  }

  // The sweeper: every channel, once.
  await sweepPushes(t.services);
  await sweepPushes(t.services);
  await enqueuePendingDeliveries(t.services, { userId: anna.id });
  q = await queued(t);
  assertEquals(q.push.map((p) => p.notificationId), [id]);
  assertEquals(q.telegram.map((m) => m.key), [`notif:${id}`]);
  assertEquals(q.email.map((m) => m.key), [`notif:${id}`]);
  const after = await t.services.db.selectFrom("notifications").select("delivery_pending")
    .executeTakeFirstOrThrow();
  assertEquals(after.delivery_pending, false);
});

Deno.test("access granted and a trainer's note shared reach the learner's Telegram through the same path; other learners get nothing", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const closed = await makeCourse(t, {
    author: "coach_a",
    access: "PRIVATE",
    days: [{ steps: [{ type: "THEORY" }] }],
  });
  const coach = await signIn(t, "coach_a");
  const ivan = await linked(t, "ivan", 1101);
  const maria = await linked(t, "maria", 1102);
  await linked(t, "stranger", 1103);

  assert(await grantAccess(t.services, coach, closed.courseId, { userId: ivan.id }));
  assert(await grantAccess(t.services, coach, closed.courseId, { userId: maria.id }));
  let q = await queued(t);
  assertEquals(q.telegram.map((m) => [m.chatId, m.category]), [[1101, "courses"], [
    1102,
    "courses",
  ]]);

  // A note about ivan only: the visible entry tells ivan, not maria.
  const noteId = await createNote(t.services, coach, {
    title: "Поводок",
    tags: "",
    learners: "ivan",
    body: "Работаем над вниманием.",
    visible: "on",
  });
  q = await queued(t);
  const notes = q.telegram.filter((m) => m.text.startsWith("Заметка тренера"));
  assertEquals(notes.map((m) => m.chatId), [1101]);
  assertStringIncludes(notes[0].text, "«Поводок»");
  // A hidden entry made visible later tells again; making it visible twice does not.
  const entry = await t.services.db.selectFrom("learner_note_entries").select("id")
    .where("note_id", "=", noteId).executeTakeFirstOrThrow();
  await setEntryVisible(t.services, coach, noteId, { entryId: entry.id, visible: "" });
  await setEntryVisible(t.services, coach, noteId, { entryId: entry.id, visible: "on" });
  await setEntryVisible(t.services, coach, noteId, { entryId: entry.id, visible: "on" });
  q = await queued(t);
  assertEquals(q.telegram.filter((m) => m.text.startsWith("Заметка тренера")).length, 2);
  assertEquals(q.telegram.filter((m) => m.chatId === 1103).length, 0);
});
