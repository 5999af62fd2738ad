/**
 * The bot's /reminders with real grammy against the fake Bot API: the list
 * and its buttons in Russian and English, presses that change the stored
 * reminder and edit the message in place, an unlinked chat, the limit, and
 * a press carrying another user's reminder id (changes nothing).
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type FakeMessage, FakeTelegram } from "../helpers/fake_telegram.ts";
import { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { type BotContext, gafusContext } from "@/bot/context.ts";
import { parseReminderCallback, remindersComposer } from "@/bot/reminders.ts";
import { createReminder, listReminders } from "@/core/reminders/reminders.ts";
import { learner } from "./helpers.ts";

function makeBot(fake: FakeTelegram, t: TestApp): Bot<BotContext> {
  const bot = new Bot<BotContext>(fake.token, {
    client: { apiRoot: fake.url },
    botInfo: {
      id: 1,
      is_bot: true,
      first_name: "Gafus",
      username: fake.username,
      can_join_groups: false,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    } as UserFromGetMe,
  });
  bot.use(gafusContext(t.services));
  bot.use(remindersComposer());
  return bot;
}

async function linked(t: TestApp, name: string, chat: number, locale: "ru" | "en") {
  const id = await learner(t, name, "Europe/Moscow");
  await t.services.db.updateTable("users").set({ telegram_chat_id: chat, locale })
    .where("id", "=", id).execute();
  return id;
}

/** The callback data of every inline button of a message. */
function buttons(m: FakeMessage): { text: string; data?: string; url?: string }[] {
  const raw = typeof m.reply_markup === "string" ? JSON.parse(m.reply_markup) : m.reply_markup;
  const rows = (raw as { inline_keyboard?: Record<string, string>[][] })?.inline_keyboard ?? [];
  return rows.flat().map((b) => ({ text: b.text, data: b.callback_data, url: b.url }));
}

const last = (fake: FakeTelegram, chat: number) => fake.messagesTo(chat).at(-1)!;

function answers(fake: FakeTelegram): string[] {
  return fake.callsOf("answerCallbackQuery").map((c) => String(c.params.text ?? ""));
}

Deno.test("bot /reminders in Russian: add from a preset, shift the time, switch off, delete — in place", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const bot = makeBot(fake, t);
  const chat = 7001;
  const id = await linked(t, "bot_rem_ru", chat, "ru");

  await bot.handleUpdate(fake.textUpdate(chat, "/reminders") as never);
  const first = last(fake, chat);
  assertEquals(first.method, "sendMessage");
  assertStringIncludes(first.text, "Напоминаний пока нет");
  const presets = buttons(first).filter((b) => b.data?.startsWith("rem:a:"));
  assertEquals(presets.map((b) => b.data), [
    "rem:a:0800",
    "rem:a:1200",
    "rem:a:1800",
    "rem:a:2000",
  ]);
  assert(buttons(first).some((b) => b.url?.endsWith("/settings#reminders")), "a link to settings");

  const msg = first.message_id;
  await bot.handleUpdate(fake.callbackUpdate(chat, "rem:a:0800", msg) as never);
  let list = await listReminders(t.services, { id });
  assertEquals(list.map((r) => [r.time, r.days.length, r.enabled]), [["08:00", 7, true]]);
  const edited = last(fake, chat);
  assertEquals([edited.method, edited.message_id], ["editMessageText", msg]);
  assertStringIncludes(edited.text, "1. 08:00, каждый день — включено");
  const rid = list[0].id;

  await bot.handleUpdate(fake.callbackUpdate(chat, `rem:e:${rid}`, msg) as never);
  assertEquals(
    buttons(last(fake, chat)).map((b) => b.text).slice(0, 4),
    ["−1\u00a0ч", "−15\u00a0мин", "+15\u00a0мин", "+1\u00a0ч"],
  );
  await bot.handleUpdate(fake.callbackUpdate(chat, `rem:s:${rid}:15`, msg) as never);
  await bot.handleUpdate(fake.callbackUpdate(chat, `rem:s:${rid}:-60`, msg) as never);
  list = await listReminders(t.services, { id });
  assertEquals(list[0].time, "07:15");
  assertStringIncludes(last(fake, chat).text, "Напоминание 07:15, каждый день");

  await bot.handleUpdate(fake.callbackUpdate(chat, `rem:x:${rid}`, msg) as never);
  assertEquals((await listReminders(t.services, { id }))[0].enabled, false);
  assertStringIncludes(last(fake, chat).text, "выключено");

  await bot.handleUpdate(fake.callbackUpdate(chat, `rem:d:${rid}`, msg) as never);
  assertEquals(await listReminders(t.services, { id }), []);
  assertStringIncludes(last(fake, chat).text, "Напоминаний пока нет");
  assertEquals(answers(fake).filter(Boolean).at(-1), "Напоминание удалено");
  // Every press was answered (the client stops its spinner).
  assertEquals(fake.callsOf("answerCallbackQuery").length, 6);
  // Only the first was a new message; every press edited it.
  assertEquals(fake.messagesTo(chat).filter((m) => m.method === "sendMessage").length, 1);
});

Deno.test("bot /reminders in English, and an unlinked chat is asked to link first in its language", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const bot = makeBot(fake, t);
  const id = await linked(t, "bot_rem_en", 7002, "en");
  await createReminder(t.services, { id }, { time: "19:30", days: ["mon", "wed", "fri"] });

  await bot.handleUpdate(fake.textUpdate(7002, "/reminders") as never);
  const m = last(fake, 7002);
  assertStringIncludes(m.text, "Training reminders (time zone Europe/Moscow)");
  assertStringIncludes(m.text, "1. 19:30, Mon, Wed, Fri — on");
  assertEquals(buttons(m)[0].text, "🔔 19:30 · Mon, Wed, Fri");
  const rid = (await listReminders(t.services, { id }))[0].id;
  await bot.handleUpdate(fake.callbackUpdate(7002, `rem:t:${rid}`, m.message_id) as never);
  assertEquals((await listReminders(t.services, { id }))[0].enabled, false);
  assertStringIncludes(last(fake, 7002).text, "19:30, Mon, Wed, Fri — off");
  assertEquals(answers(fake).at(-1), "Reminder turned off.");

  await bot.handleUpdate(fake.textUpdate(7003, "/reminders", { language_code: "en" }) as never);
  assertStringIncludes(last(fake, 7003).text, "First link this chat to your account");
  await bot.handleUpdate(fake.textUpdate(7004, "/reminders", { language_code: "ru" }) as never);
  assertStringIncludes(last(fake, 7004).text, "Сначала свяжите этот чат с аккаунтом");
  // A press from an unlinked chat changes nothing and says why.
  await bot.handleUpdate(
    fake.callbackUpdate(7003, `rem:t:${rid}`, 1, { language_code: "en" }) as never,
  );
  assertEquals((await listReminders(t.services, { id }))[0].enabled, false);
  assertStringIncludes(answers(fake).at(-1)!, "First link this chat");
});

Deno.test("bot: a press carrying another user's reminder id changes nothing and shows only the presser's list", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const bot = makeBot(fake, t);
  const alice = await linked(t, "bot_rem_alice", 7010, "ru");
  await linked(t, "bot_rem_mallory", 7011, "ru");
  const r = await createReminder(t.services, { id: alice }, { time: "06:45", days: ["sat"] });
  for (const data of [`rem:t:${r.id}`, `rem:x:${r.id}`, `rem:s:${r.id}:60`, `rem:d:${r.id}`]) {
    await bot.handleUpdate(fake.callbackUpdate(7011, data, 5) as never);
    assertEquals(answers(fake).at(-1), "Этого напоминания больше нет");
  }
  await bot.handleUpdate(fake.callbackUpdate(7011, `rem:e:${r.id}`, 5) as never);
  const after = await listReminders(t.services, { id: alice });
  assertEquals(after.map((x) => [x.time, x.enabled]), [["06:45", true]]);
  assert(
    !fake.messagesTo(7011).some((m) => m.text.includes("06:45")),
    "Alice's reminder not shown",
  );
});

Deno.test("bot: the sixth reminder is refused with the limit message; malformed button data is ignored", async () => {
  await using fake = new FakeTelegram();
  await using t = await openTestApp(fake.env());
  const bot = makeBot(fake, t);
  const id = await linked(t, "bot_rem_full", 7020, "ru");
  for (const time of ["06:00", "07:00", "09:00", "10:00", "11:00"]) {
    await createReminder(t.services, { id }, { time, days: ["mon"] });
  }
  await bot.handleUpdate(fake.textUpdate(7020, "/reminders") as never);
  const m = last(fake, 7020);
  assertEquals(buttons(m).filter((b) => b.data?.startsWith("rem:a:")), [], "no add buttons at 5");
  assertStringIncludes(m.text, "У вас уже 5\u00a0напоминаний");
  await bot.handleUpdate(fake.callbackUpdate(7020, "rem:a:0800", m.message_id) as never);
  const alert = fake.callsOf("answerCallbackQuery").at(-1)!.params;
  assertEquals([alert.text, alert.show_alert], [
    "Можно завести не больше 5\u00a0напоминаний",
    true,
  ]);
  assertEquals((await listReminders(t.services, { id })).length, 5);

  const rid = (await listReminders(t.services, { id }))[0].id;
  for (const bad of [`rem:s:${rid}:999`, "rem:a:0315", `rem:q:${rid}`, "rem:t:not-an-id"]) {
    assertEquals(parseReminderCallback(bad), null, bad);
    await bot.handleUpdate(fake.callbackUpdate(7020, bad, m.message_id) as never);
  }
  assertEquals((await listReminders(t.services, { id }))[0].time, "06:00");
  assert(`rem:s:${rid}:-60`.length <= 64, "callback data fits Telegram's 64 bytes");
});
