/**
 * The fake Bot API server the bot, notification and bench tests rely on:
 * real grammy talks to it, it counts limit violations, and scripted
 * failures reach grammy as the errors Telegram gives.
 */
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { Api, GrammyError } from "grammy";
import { FakeTelegram } from "../helpers/fake_telegram.ts";

Deno.test("fake Bot API: grammy sends, edits and long-polls through it", async () => {
  await using fake = new FakeTelegram();
  const api = new Api(fake.token, { apiRoot: fake.url });
  const me = await api.getMe();
  assertEquals(me.username, fake.username);
  const m = await api.sendMessage(42, "привет");
  await api.editMessageText(42, m.message_id, "ещё раз");
  assertEquals(fake.messagesTo(42).map((x) => x.text), ["привет", "ещё раз"]);
  const pending = api.getUpdates({ offset: 0, timeout: 2 });
  fake.pushUpdate(fake.textUpdate(42, "/help"));
  const updates = await pending;
  assertEquals(updates.length, 1);
  assertEquals(updates[0].message?.text, "/help");
  // Confirming with the next offset forgets the update.
  assertEquals(await api.getUpdates({ offset: updates[0].update_id + 1, timeout: 0 }), []);
});

Deno.test("fake Bot API: counts messages over the per-chat and global limits", async () => {
  await using fake = new FakeTelegram({ globalPerSec: 3 });
  const api = new Api(fake.token, { apiRoot: fake.url });
  await api.sendMessage(1, "a");
  await api.sendMessage(1, "b"); // second in the same second to one chat
  await api.sendMessage(2, "c");
  await api.sendMessage(3, "d"); // fourth in a second overall
  assertEquals(fake.violations, { global: 1, perChat: 1 });
});

Deno.test("fake Bot API: scripted 429 and a blocked chat reach grammy as GrammyError", async () => {
  await using fake = new FakeTelegram({ enforceLimits: true });
  const api = new Api(fake.token, { apiRoot: fake.url });
  fake.failNext("sendMessage", {
    error_code: 429,
    description: "Too Many Requests",
    retry_after: 3,
  });
  const err = await assertRejects(() => api.sendMessage(5, "x"), GrammyError) as GrammyError;
  assertEquals(err.error_code, 429);
  assertEquals(err.parameters.retry_after, 3);
  fake.block(6);
  const blocked = await assertRejects(() => api.sendMessage(6, "x"), GrammyError) as GrammyError;
  assertEquals(blocked.error_code, 403);
  await api.sendMessage(7, "one");
  const over = await assertRejects(() => api.sendMessage(7, "two"), GrammyError) as GrammyError;
  assertEquals(over.error_code, 429);
  assertEquals(fake.messages.length, 1);
});
