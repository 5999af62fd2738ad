/**
 * Linking a Telegram chat to an account: the one-time deep-link token from
 * /settings, `/start <token>` with valid, expired, reused and foreign
 * tokens, a chat that belongs to another account, moving a link, `/stop`,
 * and the settings section's Connect / Unlink forms.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openBotApp, urlButtons } from "../helpers/bot.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { consumeLinkToken, issueLinkToken, LINK_TTL_MS } from "@/core/telegram/link.ts";
import { sha256Hex } from "@/platform/encoding.ts";
import { startBot } from "@/bot/runtime.ts";
import { FakeTelegram } from "../helpers/fake_telegram.ts";

async function chatOf(
  t: { services: { db: import("kysely").Kysely<import("@/db/schema.ts").Database> } },
  id: string,
) {
  const row = await t.services.db.selectFrom("users").select("telegram_chat_id")
    .where("id", "=", id).executeTakeFirstOrThrow();
  return row.telegram_chat_id === null ? null : Number(row.telegram_chat_id);
}

Deno.test("a valid token links the chat and confirms in the account's language; only its hash is stored", async () => {
  await using b = await openBotApp();
  const anna = await signIn(b.t, "anna_link");
  await b.t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", anna.id)
    .execute();
  const issued = await issueLinkToken(b.t.services, await b.sessionUser(anna.id));
  assertEquals(issued.url, `https://t.me/${b.fake.username}?start=${issued.token}`);
  assertEquals(issued.token.length, 43);
  const rows = await b.t.services.db.selectFrom("telegram_link_tokens").selectAll()
    .where("user_id", "=", anna.id).execute();
  assertEquals(rows.length, 1);
  assertEquals(rows[0].token_hash, await sha256Hex(issued.token));
  assertEquals(JSON.stringify(rows).includes(issued.token), false);

  // The Telegram client is Russian, the account English: the account wins.
  const replies = await b.say(1001, `/start ${issued.token}`, "ru");
  assertEquals(replies.length, 1);
  assertStringIncludes(replies[0].text, "linked to the account anna_link");
  assertEquals(await chatOf(b.t, anna.id), 1001);
});

Deno.test("an expired token and a reused token are refused with how to get a new one", async () => {
  await using b = await openBotApp();
  const user = await signIn(b.t, "olga_link");
  const su = await b.sessionUser(user.id);
  const past = new Date(Date.now() - LINK_TTL_MS - 1000);
  const old = await issueLinkToken(b.t.services, su, past);
  const expired = await b.say(2001, `/start ${old.token}`);
  assertStringIncludes(expired[0].text, "Ссылка устарела");
  assertEquals(urlButtons(expired[0])[0].url, "https://gafus.test/settings#h-telegram");
  assertEquals(await chatOf(b.t, user.id), null);

  const fresh = await issueLinkToken(b.t.services, su);
  assertStringIncludes((await b.say(2001, `/start ${fresh.token}`))[0].text, "Готово");
  // The same link a second time (another chat, or the same one): used.
  const again = await b.say(2002, `/start ${fresh.token}`, "en");
  assertStringIncludes(again[0].text, "already used");
  assertEquals(await chatOf(b.t, user.id), 2001);
  // A made-up token.
  const bogus = await b.say(2003, "/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "en");
  assertStringIncludes(bogus[0].text, "did not work");
});

Deno.test("issuing a new link spends the older open one", async () => {
  await using b = await openBotApp();
  const user = await signIn(b.t, "ivan_link");
  const su = await b.sessionUser(user.id);
  const first = await issueLinkToken(b.t.services, su);
  const second = await issueLinkToken(b.t.services, su);
  assertEquals(await consumeLinkToken(b.t.services, { token: first.token, chatId: 5 }), {
    ok: false,
    reason: "used",
  });
  assert((await consumeLinkToken(b.t.services, { token: second.token, chatId: 5 })).ok);
});

Deno.test("a chat linked to another account is refused politely (/stop first); the link then still works", async () => {
  await using b = await openBotApp();
  const a = await signIn(b.t, "owner_a");
  const c = await signIn(b.t, "other_c");
  await b.link(a.id, 3001);
  const { token } = await issueLinkToken(b.t.services, await b.sessionUser(c.id));
  const refused = await b.say(3001, `/start ${token}`);
  assertStringIncludes(refused[0].text, "/stop");
  assertEquals(await chatOf(b.t, a.id), 3001);
  assertEquals(await chatOf(b.t, c.id), null);

  const stop = await b.say(3001, "/stop");
  assertStringIncludes(stop[0].text, "Чат отвязан");
  assertEquals(await chatOf(b.t, a.id), null);
  assertStringIncludes((await b.say(3001, `/start ${token}`))[0].text, "other_c");
  assertEquals(await chatOf(b.t, c.id), 3001);
  // /stop in a chat that is not linked says so.
  assertStringIncludes((await b.say(3999, "/stop", "en"))[0].text, "not linked");
});

Deno.test("linking an account from a second chat moves the link there", async () => {
  await using b = await openBotApp();
  const u = await signIn(b.t, "mover");
  await b.link(u.id, 4001);
  await b.link(u.id, 4002);
  assertEquals(await chatOf(b.t, u.id), 4002);
  // The first chat no longer reaches the account.
  assertStringIncludes((await b.say(4001, "/progress", "en"))[0].text, "linked to your account");
});

Deno.test("/start without a token explains how to connect and offers the site's settings", async () => {
  await using b = await openBotApp();
  const ru = await b.say(5001, "/start", "ru");
  assertStringIncludes(ru[0].text, "Подключить Telegram");
  assertEquals(urlButtons(ru[0]), [{
    text: "Открыть настройки",
    url: "https://gafus.test/settings#h-telegram",
  }]);
  const en = await b.say(5002, "/start", "en");
  assertStringIncludes(en[0].text, "Connect Telegram");
  assertEquals(urlButtons(en[0])[0].text, "Open settings");
  const u = await signIn(b.t, "greeted");
  await b.link(u.id, 5003);
  assertStringIncludes((await b.say(5003, "/start"))[0].text, "Здравствуйте, greeted");
});

Deno.test("settings: Connect shows the deep link as a button (no JS), Unlink unlinks only one's own chat", async () => {
  await using b = await openBotApp();
  const a = await signIn(b.t, "settings_a");
  const c = await signIn(b.t, "settings_c");
  const before = await (await a.fetch("/settings")).text();
  assertStringIncludes(before, 'id="h-telegram"');
  assertStringIncludes(before, "Подключить Telegram");
  assertStringIncludes(before, 'action="/settings/telegram"');

  const res = await a.post("/settings/telegram", { _action: "connect" });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("cache-control"), "no-store");
  const html = await res.text();
  const m = html.match(/href="https:\/\/t\.me\/gafus_test_bot\?start=([A-Za-z0-9_-]{43})"/);
  assert(m, "the deep link button");
  assertStringIncludes(html, `/start ${m[1]}`);
  assertStringIncludes((await b.say(6001, `/start ${m[1]}`))[0].text, "settings_a");

  const linked = await (await a.fetch("/settings")).text();
  assertStringIncludes(linked, "Telegram подключён");
  assertStringIncludes(linked, "Отвязать Telegram");

  // Another user's Unlink acts on their own account only.
  await b.link(c.id, 6002);
  const other = await c.post("/settings/telegram", { _action: "unlink" });
  assertEquals(other.status, 303);
  assertEquals(await chatOf(b.t, a.id), 6001);
  assertEquals(await chatOf(b.t, c.id), null);

  const un = await a.post("/settings/telegram", { _action: "unlink" });
  assertEquals(un.status, 303);
  assertEquals(un.headers.get("location"), "/settings?done=telegramUnlinked#h-telegram");
  assertEquals(await chatOf(b.t, a.id), null);
  const after = await (await a.fetch("/settings?done=telegramUnlinked")).text();
  assertStringIncludes(after, "Telegram отвязан.");
  // The chat is told it is not linked any more.
  assertStringIncludes((await b.say(6001, "/next"))[0].text, "связан с аккаунтом");
});

Deno.test("settings: Connect needs a session and CSRF; issuing links is rate limited", async () => {
  await using b = await openBotApp();
  const a = await signIn(b.t, "limited_a");
  const anon = await b.t.fetch("/settings/telegram", {
    method: "POST",
    body: new URLSearchParams({ _action: "connect" }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  assert(anon.status === 403 || anon.status === 303 || anon.status === 401, `got ${anon.status}`);
  assertEquals(await b.t.services.db.selectFrom("telegram_link_tokens").select("id").execute(), []);
  for (let i = 0; i < 5; i++) {
    assertEquals((await a.post("/settings/telegram", { _action: "connect" })).status, 200);
  }
  const sixth = await a.post("/settings/telegram", { _action: "connect" });
  assertEquals(sixth.status, 429);
  assert(sixth.headers.get("retry-after"));
  assertMatch(await sixth.text(), /Слишком много попыток/);
});

Deno.test("without a bot token: no bot starts, no network, and settings say Telegram is off", async () => {
  await using t = await openTestApp();
  assertEquals(t.config.telegram, undefined);
  assertEquals(startBot(t.services), null);
  const u = await signIn(t, "no_bot");
  const html = await (await u.fetch("/settings")).text();
  assertStringIncludes(html, "Бот Telegram на этом сайте не подключён.");
  assertEquals(html.includes("Подключить Telegram"), false);
  const res = await u.post("/settings/telegram", { _action: "connect" });
  assertEquals(res.status, 409);
  // The webhook does not exist without a bot.
  assertEquals(
    (await t.fetch("/api/telegram/webhook", { method: "POST", body: "{}" })).status,
    404,
  );
});

Deno.test("without a configured username the deep link asks getMe; Telegram down is a clear 503", async () => {
  await using fake = new FakeTelegram({
    // A token of its own: usernames are remembered per token in this process.
    token: "777777:TEST-asked-token-abcdefghijklmnopq",
    username: "asked_bot",
  });
  const env = fake.env();
  delete (env as Record<string, string | undefined>).TELEGRAM_BOT_USERNAME;
  await using t = await openTestApp({
    ...env,
    TELEGRAM_BOT_TOKEN: "654321:TEST-other-token-abcdefghijklmnopq",
  });
  const u = await signIn(t, "asker");
  // The token differs from the fake's: getMe is refused, as when Telegram is unreachable.
  const down = await u.post("/settings/telegram", { _action: "connect" });
  assertEquals(down.status, 503);
  assertStringIncludes(await down.text(), "Telegram сейчас не отвечает");

  await using t2 = await openTestApp(env);
  const u2 = await signIn(t2, "asker2");
  const ok = await u2.post("/settings/telegram", { _action: "connect" });
  assertEquals(ok.status, 200);
  const okHtml = await ok.text();
  assertStringIncludes(okHtml, "https://t.me/asked_bot?start=");
  // Asked once (the refused token above never reached it), then remembered.
  assertEquals(fake.callsOf("getMe").length, 1);
  assertEquals((await u2.post("/settings/telegram", { _action: "connect" })).status, 200);
  assertEquals(fake.callsOf("getMe").length, 1);
});
