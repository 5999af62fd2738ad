/**
 * The `telegram` queue against a fake Bot API with real grammy: 429 with
 * `retry_after` honoured (job retried, the whole pacer paused), 403 unlinks,
 * one message per second per chat, 30 per second in all, sent once across a
 * retried job, opt-outs and unlinking honoured for messages already queued.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { enqueueTelegram, telegramOutgoingSchema } from "@/core/telegram/outbox.ts";
import { deliverTelegram, LEASE_MS } from "@/core/telegram/deliver.ts";
import { NOTIFICATIONS, notify } from "@/core/notifications.ts";
import { setPrefs } from "@/core/notification_prefs.ts";
import { chatOf, linked, openTelegramApp } from "./helpers.ts";

const sends = (fake: { callsOf(m: string): { at: number; params: Record<string, unknown> }[] }) =>
  fake.callsOf("sendMessage");

Deno.test("429 with retry_after: the job comes back after retry_after, and the whole pacer waits too", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  fake.failNext("sendMessage", {
    error_code: 429,
    description: "Too Many Requests: retry after 2",
    retry_after: 2,
  }, { chatId: 501 });
  t.services.jobs.start();
  await enqueueTelegram(t.services, { key: "a", chatId: 501, text: "первое", purpose: "account" });
  await fake.waitFor(() => sends(fake).length === 1, 5_000, "the refused send");
  // Another chat's message queued during the pause waits for it as well.
  await enqueueTelegram(t.services, { key: "b", chatId: 502, text: "второе", purpose: "account" });
  await fake.waitFor(() => fake.messages.length === 2, 10_000, "both messages");
  const [refused, ...rest] = sends(fake);
  const first = rest.find((c) => c.params.chat_id === 501)!;
  const other = rest.find((c) => c.params.chat_id === 502)!;
  assert(first.at - refused.at >= 2_000, `retried after ${first.at - refused.at} ms`);
  assert(other.at - refused.at >= 2_000, `other chat sent ${other.at - refused.at} ms after`);
  assertEquals(sends(fake).length, 3);
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  const page = await t.services.jobs.list({ queue: "telegram", state: "done", limit: 10 });
  const job = page.jobs.find((j) => (j.payload as { key: string }).key === "a")!;
  assertEquals([job.attempts, job.failures], [2, 1]);
});

Deno.test("403 blocked by the user: the chat is unlinked from that account, the job ends without retry", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  const anna = await linked(t, "anna", 601);
  const bob = await linked(t, "bob", 602);
  fake.block(601);
  t.services.jobs.start();
  await notify(t.services, anna.id, { ...NOTIFICATIONS.trainingReminder, url: "/courses" });
  await notify(t.services, bob.id, { ...NOTIFICATIONS.trainingReminder, url: "/courses" });
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  assertEquals(await chatOf(t, anna.id), null);
  assertEquals(await chatOf(t, bob.id), 602, "another user's link stays");
  assertEquals(sends(fake).filter((c) => c.params.chat_id === 601).length, 1, "not retried");
  assertEquals(fake.messagesTo(602).length, 1);
  const failed = await t.services.jobs.list({ queue: "telegram", state: "failed", limit: 10 });
  assertEquals(failed.jobs.length, 0, "an unlinked chat is not a failed job");
});

Deno.test("per-chat rate: 5 messages to one chat take at least 4 s, with no violation", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  t.services.jobs.start();
  for (let i = 1; i <= 5; i++) {
    await enqueueTelegram(t.services, {
      key: `burst-${i}`,
      chatId: 700,
      text: `сообщение ${i}`,
      purpose: "account",
    });
  }
  await fake.waitFor(() => fake.messagesTo(700).length === 5, 15_000, "five messages");
  const at = fake.messagesTo(700).map((m) => m.at);
  assert(at[4] - at[0] >= 4_000, `took ${at[4] - at[0]} ms`);
  for (let i = 1; i < 5; i++) assert(at[i] - at[i - 1] >= 1_000, `gap ${at[i] - at[i - 1]} ms`);
  assertEquals(fake.violations, { global: 0, perChat: 0 });
});

Deno.test("one chat's backlog does not hold the queue's slots: another chat's message leaves at once", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  // More messages to one chat than the queue has slots (50): at 1 per second they take a minute.
  for (let i = 0; i < 60; i++) {
    await enqueueTelegram(t.services, {
      key: `busy-${i}`,
      chatId: 1200,
      text: `${i}`,
      purpose: "account",
    });
  }
  await enqueueTelegram(t.services, { key: "other", chatId: 1201, text: "вне очереди" });
  const t0 = Date.now();
  t.services.jobs.start();
  await fake.waitFor(() => fake.messagesTo(1201).length === 1, 15_000, "the other chat");
  assert(Date.now() - t0 < 10_000, `the other chat waited ${Date.now() - t0} ms`);
  assert(fake.messagesTo(1200).length < 15, "the busy chat is still at one per second");
  // Postponed, not failed: the busy chat's jobs keep their retries.
  const delayed = await t.services.jobs.list({ queue: "telegram", state: "delayed", limit: 100 });
  assert(delayed.jobs.length > 0, "backlogged messages wait as delayed jobs");
  assert(delayed.jobs.every((j) => j.failures === 0), "postponing is not a failure");
  assertEquals(fake.violations, { global: 0, perChat: 0 });
  await t.services.jobs.stop();
});

Deno.test("a burst to 100 chats stays within 30 messages per second", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  for (let i = 0; i < 100; i++) {
    await enqueueTelegram(t.services, {
      key: `wide-${i}`,
      chatId: 10_000 + i,
      text: `привет ${i}`,
      purpose: "account",
    });
  }
  t.services.jobs.start();
  await fake.waitFor(() => fake.messages.length === 100, 20_000, "100 messages");
  const at = fake.messages.map((m) => m.at).sort((a, b) => a - b);
  // Telegram's rule, at the receiving end: any 31 messages span more than a second.
  for (let i = 30; i < at.length; i++) {
    assert(at[i] - at[i - 30] >= 1_000, `31 messages within ${at[i] - at[i - 30]} ms`);
  }
  assertEquals(fake.violations, { global: 0, perChat: 0 });
  assertEquals(new Set(fake.messages.map((m) => m.chat_id)).size, 100);
});

Deno.test("sent once: a retried job, a duplicate job and a 5xx retry each send one message", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  const job = telegramOutgoingSchema.parse({ key: "once", chatId: 801, text: "один раз" });
  assertEquals((await deliverTelegram(t.services, job)).outcome, "sent");
  // The handler run again (the job's retry after a crash after the send): nothing more.
  assertEquals((await deliverTelegram(t.services, job)).outcome, "duplicate");
  assertEquals(fake.messagesTo(801).length, 1);

  // A 500: the claim is given back, the retry sends it once.
  fake.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" });
  const flaky = telegramOutgoingSchema.parse({ key: "flaky", chatId: 802, text: "x" });
  assertEquals((await deliverTelegram(t.services, flaky)).outcome, "retry");
  assertEquals((await deliverTelegram(t.services, flaky)).outcome, "sent");
  assertEquals((await deliverTelegram(t.services, flaky)).outcome, "duplicate");
  assertEquals(fake.messagesTo(802).length, 1);

  // A run that died mid-send holds the claim: a retry within its lease sends nothing…
  const now = Date.now();
  await t.services.kv.set(["telegram_sent", "crashed"], {
    state: "sending",
    until: now + LEASE_MS,
  });
  const crashed = telegramOutgoingSchema.parse({ key: "crashed", chatId: 803, text: "y" });
  assertEquals((await deliverTelegram(t.services, crashed, () => now + 1_000)).outcome, "retry");
  assertEquals(fake.messagesTo(803).length, 0);
  // …and after the lease it takes over (the documented at-least-once window).
  assertEquals(
    (await deliverTelegram(t.services, crashed, () => now + LEASE_MS + 1)).outcome,
    "sent",
  );
  assertEquals(fake.messagesTo(803).length, 1);

  // Two jobs with one key: the queue keeps one, and the claim would stop the other.
  await enqueueTelegram(t.services, { key: "twice", chatId: 804, text: "z" });
  await enqueueTelegram(t.services, { key: "twice", chatId: 804, text: "z" });
  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  assertEquals(fake.messagesTo(804).length, 1);
});

Deno.test("a queued notification is dropped when its category is turned off, or the chat unlinked, before it leaves", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  const anna = await linked(t, "anna", 901);
  const bob = await linked(t, "bob", 902);
  const carl = await linked(t, "carl", 903);
  for (const who of [anna, bob, carl]) {
    const r = await notify(t.services, who.id, { ...NOTIFICATIONS.trainingReminder, url: "/" });
    assert(r?.telegram, "queued for Telegram");
  }
  await setPrefs(t.services, anna.id, { "reminders.telegram": false });
  await t.services.db.updateTable("users").set({ telegram_chat_id: null })
    .where("id", "=", bob.id).execute();
  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  assertEquals(fake.messagesTo(901).length, 0, "opted out");
  assertEquals(fake.messagesTo(902).length, 0, "unlinked");
  assertEquals(fake.messagesTo(903).length, 1);
});
