/**
 * The bot's runtime: the command menus registered at start, long polling by
 * one lease holder among instances (and the hand-over when it stops),
 * getMe retried while Telegram is unreachable, and webhook mode — the secret
 * checked on every request, each update handled once.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openBotApp } from "../helpers/bot.ts";
import { openTestApp } from "../helpers/app.ts";
import { FakeTelegram } from "../helpers/fake_telegram.ts";
import { startBot } from "@/bot/runtime.ts";
import { claimUpdate } from "@/bot/bot.ts";
import { Lease } from "@/bot/lease.ts";
import { configureLog } from "@/platform/log.ts";

const FAST = { pollTimeoutSec: 1, leaseTtlMs: 600, retryBaseMs: 50 };
const SECRET = "webhook-secret-0123456789";

Deno.test("at start: setMyCommands for the default menu, Russian and English (reminders listed)", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const bot = startBot(t.services, FAST)!;
  try {
    await bot.ready;
    const calls = fake.callsOf("setMyCommands");
    assertEquals(calls.map((c) => c.params.language_code), [undefined, "ru", "en"]);
    const names = (calls[2].params.commands as { command: string }[]).map((c) => c.command);
    assertEquals(names, ["progress", "next", "reminders", "reset", "language", "help", "stop"]);
    const en = calls[2].params.commands as { command: string; description: string }[];
    assertEquals(en.find((c) => c.command === "next")?.description, "The next step for today");
    const ru = calls[1].params.commands as { command: string; description: string }[];
    assertEquals(ru.find((c) => c.command === "next")?.description, "Следующий шаг на сегодня");
    assertEquals(calls[0].params.commands, calls[1].params.commands);
  } finally {
    await bot.stop();
  }
});

Deno.test("long polling: replies to pushed updates; stop is clean", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const bot = startBot(t.services, FAST)!;
  try {
    await bot.ready;
    fake.pushUpdate(fake.textUpdate(8001, "/help", { language_code: "en" }));
    await fake.waitFor(() => fake.messagesTo(8001).length === 1, 5000, "a reply");
    assertStringIncludes(fake.messagesTo(8001)[0].text, "What the bot can do");
    assert(bot.isPolling());
    assertEquals(fake.callsOf("deleteWebhook").length, 1);
  } finally {
    await bot.stop();
  }
  assertEquals(bot.isPolling(), false);
  // Stopping confirmed the handled update: nothing is left to fetch again.
  const polls = fake.callsOf("getUpdates").length;
  await new Promise((r) => setTimeout(r, 300));
  assertEquals(fake.callsOf("getUpdates").length, polls, "no polling after stop");
});

Deno.test("two instances: only the lease holder polls, every update is answered once; the other takes over", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const a = startBot(t.services, { ...FAST, instanceId: "a" })!;
  const b = startBot(t.services, { ...FAST, instanceId: "b" })!;
  try {
    await Promise.all([a.ready, b.ready]);
    await fake.waitFor(() => a.isPolling() || b.isPolling(), 5000, "a leader");
    for (let i = 0; i < 5; i++) {
      fake.pushUpdate(fake.textUpdate(8100 + i, "/help", { language_code: "ru" }));
    }
    await fake.waitFor(() => fake.messages.length >= 5, 5000, "five replies");
    // Never both at once, sampled over two lease periods.
    for (let i = 0; i < 12; i++) {
      assert(!(a.isPolling() && b.isPolling()), "both instances poll");
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 5; i++) assertEquals(fake.messagesTo(8100 + i).length, 1);

    const [leader, other] = a.isPolling() ? [a, b] : [b, a];
    await leader.stop();
    await fake.waitFor(() => other.isPolling(), 5000, "the other instance to take over");
    fake.pushUpdate(fake.textUpdate(8200, "/help", { language_code: "en" }));
    await fake.waitFor(() => fake.messagesTo(8200).length === 1, 5000, "a reply after hand-over");
    await new Promise((r) => setTimeout(r, 200));
    assertEquals(fake.messages.length, 6);
  } finally {
    await a.stop();
    await b.stop();
  }
});

Deno.test("Telegram unreachable: startBot returns at once, retries getMe, stops cleanly; recovers when it answers", async () => {
  // A port nobody listens on.
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (l.addr as Deno.NetAddr).port;
  l.close();
  await using fake = new FakeTelegram();
  await using t = await openTestApp(
    fake.env({ TELEGRAM_API_ROOT: `http://127.0.0.1:${deadPort}` }),
  );
  const started = performance.now();
  const dead = startBot(t.services, FAST)!;
  assert(performance.now() - started < 50, "startBot does not wait for Telegram");
  await new Promise((r) => setTimeout(r, 300));
  await dead.stop();
  await dead.ready;
  assertEquals(dead.isPolling(), false);

  // getMe failing twice, then answering: the bot comes up.
  await using t2 = await openTestApp(fake.env());
  fake.failNext("getMe", { error_code: 502, description: "Bad Gateway" }, { times: 2 });
  const bot = startBot(t2.services, FAST)!;
  try {
    await bot.ready;
    assertEquals(fake.callsOf("getMe").length, 3);
    assertEquals(fake.callsOf("setMyCommands").length, 3);
  } finally {
    await bot.stop();
  }
});

function webhookPost(
  b: Awaited<ReturnType<typeof openBotApp>>,
  update: Record<string, unknown>,
  secret: string | null,
) {
  const headers = new Headers({ "content-type": "application/json" });
  if (secret !== null) headers.set("x-telegram-bot-api-secret-token", secret);
  return b.t.fetch("/api/telegram/webhook", {
    method: "POST",
    body: JSON.stringify(update),
    headers,
  });
}

Deno.test("webhook: setWebhook with the public URL and the secret at start", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(
    fake.env({
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: "https://gafus.test",
    }),
  );
  const bot = startBot(t.services, FAST)!;
  try {
    await bot.ready;
    const [call] = fake.callsOf("setWebhook");
    assertEquals(call.params.url, "https://gafus.test/api/telegram/webhook");
    assertEquals(call.params.secret_token, SECRET);
    assertEquals(fake.callsOf("getUpdates").length, 0);
    assertEquals(bot.isPolling(), false);
  } finally {
    await bot.stop();
  }
});

Deno.test("webhook: a wrong or missing secret is 401 and nothing is handled", async () => {
  await using b = await openBotApp({ TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: SECRET });
  const update = b.fake.textUpdate(9001, "/help");
  assertEquals((await webhookPost(b, update, "wrong-secret-0123456789")).status, 401);
  assertEquals((await webhookPost(b, update, SECRET.slice(0, -1))).status, 401);
  assertEquals((await webhookPost(b, update, null)).status, 401);
  assertEquals(b.fake.messages.length, 0);
  // Not even claimed: the real delivery of that update is handled.
  const ok = await webhookPost(b, update, SECRET);
  assertEquals(ok.status, 200);
  assertEquals(b.fake.messagesTo(9001).length, 1);
});

Deno.test("webhook: the same update delivered twice is handled once; malformed bodies are 400", async () => {
  await using b = await openBotApp({ TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: SECRET });
  const update = b.fake.textUpdate(9101, "/help", { language_code: "en" });
  const [r1, r2] = await Promise.all([
    webhookPost(b, update, SECRET),
    webhookPost(b, update, SECRET),
  ]);
  assertEquals([r1.status, r2.status], [200, 200]);
  assertEquals((await webhookPost(b, update, SECRET)).status, 200);
  assertEquals(b.fake.messagesTo(9101).length, 1);
  assertStringIncludes(b.fake.messagesTo(9101)[0].text, "What the bot can do");
  assertEquals((await webhookPost(b, { hello: 1 }, SECRET)).status, 400);
});

Deno.test("the update claim is once per update id across callers", async () => {
  await using b = await openBotApp();
  const results = await Promise.all(
    Array.from({ length: 8 }, () => claimUpdate(b.t.services, 1, 424242)),
  );
  assertEquals(results.filter(Boolean).length, 1);
  assertEquals(await claimUpdate(b.t.services, 1, 424243), true);
  // In polling mode too: the same update handled twice replies once.
  const update = b.fake.textUpdate(9201, "/help");
  await b.bot.handleUpdate(update as unknown as Parameters<typeof b.bot.handleUpdate>[0]);
  await b.bot.handleUpdate(update as unknown as Parameters<typeof b.bot.handleUpdate>[0]);
  assertEquals(b.fake.messagesTo(9201).length, 1);
});

Deno.test("webhook route is 404 in polling mode", async () => {
  await using b = await openBotApp();
  const res = await webhookPost(b, b.fake.textUpdate(9301, "/help"), SECRET);
  assertEquals(res.status, 404);
  assertEquals(b.fake.messages.length, 0);
});

Deno.test("a failing update (database down) gets a polite reply in the client's language", async () => {
  await using b = await openBotApp();
  const s = b.t.services as { db: unknown };
  const real = s.db;
  // Every query fails, as with a database that does not answer.
  s.db = new Proxy({}, {
    get() {
      throw new Error("database down");
    },
  });
  const lines: string[] = [];
  configureLog({ level: "error", sink: (line) => lines.push(line) });
  try {
    const [en] = await b.say(9401, "/progress", "en");
    assertEquals(en.text, "Something went wrong. Please try again a little later.");
    const [ru] = await b.say(9402, "/help", "ru");
    assertEquals(ru.text, "Что-то пошло не так. Попробуйте ещё раз чуть позже.");
  } finally {
    s.db = real;
    configureLog({ level: "error", sink: null });
  }
  // Each failure is logged for the operator.
  assertEquals(
    lines.map((l) => JSON.parse(l).msg),
    ["telegram update failed", "telegram update failed"],
  );
});

Deno.test("lease: held is refused to others, renewed by its holder, taken over once it lapses", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const key = ["telegram", "poll_lease", "test"];
    const a = new Lease(kv, key, "a", 1000);
    const b = new Lease(kv, key, "b", 1000);
    const t0 = Date.now();
    assertEquals(await a.acquire(t0), true);
    assertEquals(await b.acquire(t0 + 500), false);
    assertEquals(await a.acquire(t0 + 900), true); // renewed until t0 + 1900
    assertEquals(await b.acquire(t0 + 1500), false);
    // a crashed: nobody renews; after the lapse b takes it, and a cannot renew any more.
    assertEquals(await b.acquire(t0 + 2000), true);
    assertEquals(await a.acquire(t0 + 2100), false);
    await a.release(); // not a's to release
    assertEquals((await kv.get<{ owner: string }>(key)).value?.owner, "b");
    await b.release();
    assertEquals(await a.acquire(t0 + 2200), true);
  } finally {
    kv.close();
  }
});

Deno.test("a poller whose lease is taken stops polling", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const bot = startBot(t.services, FAST)!;
  try {
    await bot.ready;
    await fake.waitFor(() => bot.isPolling(), 5000, "polling");
    const key = ["telegram", "poll_lease", fake.token.split(":")[0]];
    await t.services.kv.set(key, { owner: "intruder", until: Date.now() + 60_000 });
    await fake.waitFor(() => !bot.isPolling(), 5000, "polling to stop");
    fake.pushUpdate(fake.textUpdate(9501, "/help"));
    await new Promise((r) => setTimeout(r, 700));
    assertEquals(fake.messagesTo(9501).length, 0);
  } finally {
    await bot.stop();
  }
});
