/**
 * Operator alerts to TELEGRAM_ALERT_CHAT_ID: grouped and throttled (one
 * message per group per 10 minutes, repeats counted into the next one),
 * with a dashboard link; dead jobs and a failing readiness raise them;
 * without an alert chat they are only logged.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { ALERT_WINDOW_MS, deliverAlert } from "@/core/ops_alerts.ts";
import { enqueueTelegram, type TelegramJob } from "@/core/telegram/outbox.ts";
import { trackReadiness } from "@/core/readiness.ts";
import type { TestApp } from "../helpers/app.ts";
import { openTelegramApp } from "./helpers.ts";

const ALERT_CHAT = "-100500";

async function queuedTelegram(t: TestApp): Promise<TelegramJob[]> {
  const page = await t.services.jobs.list({ queue: "telegram", state: "queued", limit: 100 });
  return page.jobs.map((j) => j.payload as TelegramJob);
}

const alert = (title: string) => ({
  level: "warning" as const,
  title,
  message: "disk almost full",
  source: "storage",
  url: "/ops/queues",
});

Deno.test("alerts of one group within 10 minutes make one message; the next after the window counts the rest", async () => {
  await using h = await openTelegramApp({ TELEGRAM_ALERT_CHAT_ID: ALERT_CHAT });
  const { t, fake } = h;
  const now = Date.now();
  const first = await deliverAlert(t.services, alert("Disk"), "job-1", now);
  const second = await deliverAlert(t.services, alert("Disk"), "job-2", now + 60_000);
  const third = await deliverAlert(t.services, alert("Disk"), "job-3", now + 9 * 60_000);
  // Another group is not held back by this one.
  const other = await deliverAlert(t.services, alert("Queue stuck"), "job-4", now + 60_000);
  assertEquals(
    [first.outcome, second.outcome, third.outcome, other.outcome],
    ["sent", "throttled", "throttled", "sent"],
  );
  // A retried alert job finds its own window: its message again (deduplicated), not a repeat.
  assertEquals((await deliverAlert(t.services, alert("Disk"), "job-1", now + 1)).outcome, "sent");
  const later = await deliverAlert(t.services, alert("Disk"), "job-5", now + ALERT_WINDOW_MS + 1);
  assertEquals(later, { outcome: "sent", group: "storage:Disk", suppressed: 2 });

  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  const sent = fake.messagesTo(Number(ALERT_CHAT));
  // Three messages (the jobs run concurrently: order aside).
  assertEquals(sent.map((m) => m.text).sort(), [
    "⚠️ Disk\n\ndisk almost full",
    "⚠️ Disk\n\ndisk almost full\n\nЕщё таких же за последние 10\u00a0минут: 2.",
    "⚠️ Queue stuck\n\ndisk almost full",
  ]);
  const button = sent[0].reply_markup as { inline_keyboard: { text: string; url: string }[][] };
  assertEquals(button.inline_keyboard[0][0], {
    text: "Открыть панель",
    url: "https://gafus.example/ops/queues",
  });
});

Deno.test("without an alert chat an alert is only logged", async () => {
  await using h = await openTelegramApp();
  const { t, fake } = h;
  t.services.jobs.start();
  const id = await t.services.jobs.enqueue("ops-alert", alert("Disk"));
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  const job = await t.services.jobs.get(id);
  assertEquals(job?.state, "done");
  assertEquals((job?.result as { telegram: unknown }).telegram, { outcome: "not-configured" });
  assertEquals(fake.messages.length, 0);
  assertEquals(
    (await t.services.jobs.list({ queue: "telegram", state: "queued", limit: 10 })).jobs.length,
    0,
  );
});

Deno.test("a dead job raises an alert with a link to its queue, and its new error group one with a link to the group", async () => {
  await using h = await openTelegramApp({ TELEGRAM_ALERT_CHAT_ID: ALERT_CHAT });
  const { t, fake } = h;
  // A refusal that will not change: the telegram job fails at once.
  fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: can't parse" }, {
    chatId: 42,
  });
  await enqueueTelegram(t.services, { key: "bad", chatId: 42, text: "x", purpose: "account" });
  t.services.jobs.start();
  await fake.waitFor(
    () => fake.messagesTo(Number(ALERT_CHAT)).length >= 2,
    15_000,
    "two alerts",
  );
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  const sent = fake.messagesTo(Number(ALERT_CHAT));
  const urls = sent.map((m) =>
    (m.reply_markup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0][0].url
  );
  const dead = sent.find((m) =>
    m.text.includes("Задача не выполнена после всех попыток: telegram")
  );
  assert(dead, `no dead-job alert in ${JSON.stringify(sent.map((m) => m.text))}`);
  assert(dead.text.startsWith("🚨"));
  assert(urls.includes("https://gafus.example/ops/queues/telegram"), urls.join(", "));
  assert(urls.some((u) => /\/ops\/errors\/[^/]+$/.test(u)), urls.join(", "));
});

Deno.test("readiness: two failures in a row raise one alert, a third none, the next pass one 'recovered'", async () => {
  await using h = await openTelegramApp({ TELEGRAM_ALERT_CHAT_ID: ALERT_CHAT });
  const { t } = h;
  const bad = {
    ok: false,
    database: { ok: false, ms: 2000, kind: "pglite" },
    kv: { ok: true, ms: 1, kind: "deno-kv" },
  };
  const good = {
    ok: true,
    database: { ok: true, ms: 3, kind: "pglite" },
    kv: { ok: true, ms: 1, kind: "deno-kv" },
  };
  assertEquals(await trackReadiness(t.services, good, "m0"), null);
  assertEquals(await trackReadiness(t.services, bad, "m1"), null);
  assertEquals(await trackReadiness(t.services, bad, "m2"), "failing");
  assertEquals(await trackReadiness(t.services, bad, "m3"), null);
  assertEquals(await trackReadiness(t.services, good, "m4"), "recovered");
  assertEquals(await trackReadiness(t.services, good, "m5"), null);
  const alerts = (await t.services.jobs.list({ queue: "ops-alert", state: "queued", limit: 10 }))
    .jobs
    .map((j) => (j.payload as { group: string }).group);
  assertEquals(alerts.sort(), ["ready", "ready:recovered"]);
  t.services.jobs.start();
  // Each alert's Telegram message is queued by the pipeline after the alert
  // job's commit, so drain() can return between the two: wait for both.
  const deadline = Date.now() + 30_000;
  while (h.fake.messagesTo(Number(ALERT_CHAT)).length < 2 && Date.now() < deadline) {
    await t.services.jobs.drain({ timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 50));
  }
  const texts = h.fake.messagesTo(Number(ALERT_CHAT)).map((m) => m.text.split("\n")[0]);
  assertEquals(texts.sort(), [
    "ℹ️ Сервис снова готов: /ready проходит",
    "🚨 Сервис не готов: /ready не проходит",
  ]);
  assertEquals((await queuedTelegram(t)).length, 0);
});
