/**
 * The bot's commands in both languages, with real grammy against the fake
 * Bot API: /progress and /next (percent, the exact step's page, locked
 * summary days skipped), /reset (to the linked chat only, rate limited),
 * /language (account or chat), /help, and unknown text.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openBotApp, urlButtons } from "../helpers/bot.ts";
import { signIn } from "../helpers/session.ts";
import { completeDay, makeCourse, setCourseStatus } from "../catalogue/fixtures.ts";
import { inspectResetToken, settleResetRequests } from "@/core/auth/password_reset.ts";
import { FormClient } from "../auth/helpers.ts";
import { coursesInProgress, nextStep } from "@/core/training/next_step.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";

const LOCAL = "https://gafus.test";

/** A learner one day and one step into a three-day course (a summary day last). */
async function learnerUnderWay(b: Awaited<ReturnType<typeof openBotApp>>, name: string) {
  const trainer = await signIn(b.t, `${name}_trainer`, "TRAINER");
  const learner = await signIn(b.t, name);
  const course = await makeCourse(b.t.services.db, {
    slug: `${name}-course`,
    name: `Курс ${name}`,
    authorId: trainer.id,
    days: [
      { steps: [{ type: "PRACTICE" }] },
      { steps: [{ type: "THEORY" }, { type: "PRACTICE" }] },
      { steps: [{ type: "PRACTICE" }] },
      { type: "summary", steps: [{ type: "PRACTICE" }] },
    ],
  });
  await completeDay(b.t.services.db, learner.id, course.days[0]);
  await completeDay(b.t.services.db, learner.id, course.days[1], { status: "IN_PROGRESS" });
  await setCourseStatus(b.t.services.db, learner.id, course.id, "IN_PROGRESS");
  return { trainer, learner, course };
}

Deno.test("/progress lists courses under way with percent and a button to the exact next step (ru, en)", async () => {
  await using b = await openBotApp();
  const { learner, course } = await learnerUnderWay(b, "prog");
  await b.link(learner.id, 7001);
  const stepUrl = `${LOCAL}/courses/prog-course/days/${course.days[1].dayOnCourseId}#step-${
    course.days[1].stepOnDayIds[1]
  }`;

  const ru = await b.say(7001, "/progress");
  assertEquals(ru.length, 1);
  assertEquals(ru[0].text, "Ваши курсы:\n• Курс prog — 25\u00a0%");
  assertEquals(urlButtons(ru[0]), [{ text: "Курс prog: дальше", url: stepUrl }]);

  await b.t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", learner.id)
    .execute();
  const en = await b.say(7001, "/progress", "ru");
  assertEquals(en[0].text, "Your courses:\n• Курс prog — 25\u00a0%");
  assertEquals(urlButtons(en[0]), [{ text: "Курс prog: continue", url: stepUrl }]);
});

Deno.test("/progress and /next with nothing under way point to the catalogue", async () => {
  await using b = await openBotApp();
  const u = await signIn(b.t, "idle");
  await b.link(u.id, 7101);
  const p = await b.say(7101, "/progress");
  assertStringIncludes(p[0].text, "Начатых курсов пока нет");
  assertEquals(urlButtons(p[0]), [{ text: "Каталог курсов", url: `${LOCAL}/courses` }]);
  await b.t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", u.id).execute();
  const n = await b.say(7101, "/next");
  assertStringIncludes(n[0].text, "Nothing to continue");
  assertEquals(urlButtons(n[0])[0].text, "Course catalogue");
});

Deno.test("/next gives the first unfinished step of the most recently active course (ru, en)", async () => {
  await using b = await openBotApp();
  const { learner, course, trainer } = await learnerUnderWay(b, "nexter");
  // A second course, touched earlier: not the one /next picks.
  const older = await makeCourse(b.t.services.db, {
    slug: "older-course",
    name: "Старый курс",
    authorId: trainer.id,
    days: [{ steps: [{ type: "PRACTICE" }, { type: "PRACTICE" }] }],
  });
  await completeDay(b.t.services.db, learner.id, older.days[0], { status: "IN_PROGRESS" });
  await setCourseStatus(b.t.services.db, learner.id, older.id, "IN_PROGRESS");
  await b.t.services.db.updateTable("user_trainings")
    .set({ updated_at: new Date(Date.now() - 86400_000) })
    .where("day_on_course_id", "=", older.days[0].dayOnCourseId).execute();
  await b.link(learner.id, 7201);

  const ru = await b.say(7201, "/next");
  assertEquals(
    ru[0].text,
    `Следующий шаг: «PRACTICE step»\nКурс «Курс nexter», Day 2 of nexter-course.`,
  );
  assertEquals(urlButtons(ru[0]), [{
    text: "Открыть шаг",
    url: `${LOCAL}/courses/nexter-course/days/${course.days[1].dayOnCourseId}#step-${
      course.days[1].stepOnDayIds[1]
    }`,
  }]);
  await b.t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", learner.id)
    .execute();
  const en = await b.say(7201, "/next");
  assertStringIncludes(en[0].text, "Next step: “PRACTICE step”");
  assertEquals(urlButtons(en[0])[0].text, "Open the step");

  // Both courses are listed by /progress, the most recent first.
  const list = await coursesInProgress(b.t.services, learner.id);
  assertEquals(list.map((c) => c.slug), ["nexter-course", "older-course"]);
});

Deno.test("nextStep: a locked summary day is skipped; a private course without access is left out", async () => {
  await using b = await openBotApp();
  const trainer = await signIn(b.t, "lock_trainer", "TRAINER");
  const learner = await signIn(b.t, "lock_learner");
  const course = await makeCourse(b.t.services.db, {
    slug: "summary-first",
    authorId: trainer.id,
    days: [
      { type: "summary", steps: [{ type: "PRACTICE" }] },
      { steps: [{ type: "PRACTICE" }] },
      { steps: [{ type: "PRACTICE" }] },
    ],
  });
  await completeDay(b.t.services.db, learner.id, course.days[1]);
  await setCourseStatus(b.t.services.db, learner.id, course.id, "IN_PROGRESS");
  const next = await nextStep(b.t.services, learner.id);
  assertEquals(next?.stepOnDayId, course.days[2].stepOnDayIds[0]);
  assertEquals(next?.percent, 33);
  // Once every other day is done, the summary opens and is next.
  await completeDay(b.t.services.db, learner.id, course.days[2]);
  assertEquals(
    (await nextStep(b.t.services, learner.id))?.stepOnDayId,
    course.days[0].stepOnDayIds[0],
  );
  // Made private without access: the course is not the learner's to continue.
  await b.t.services.db.updateTable("courses").set({ access: "PRIVATE" })
    .where("id", "=", course.id).execute();
  invalidateCourses(b.t.services);
  assertEquals(await coursesInProgress(b.t.services, learner.id), []);
  assertEquals(await nextStep(b.t.services, learner.id), null);
});

Deno.test("/reset sends a working reset link as a button to the linked chat only, and is rate limited", async () => {
  await using b = await openBotApp();
  const u = await signIn(b.t, "resetter");
  await b.link(u.id, 7301);
  const replies = await b.say(7301, "/reset");
  assertEquals(replies.length, 1);
  assertStringIncludes(replies[0].text, "Ссылка для нового пароля");
  assertEquals(replies[0].text.includes("password-reset"), false, "the link is only in the button");
  const [button] = urlButtons(replies[0]);
  assertEquals(button.text, "Задать новый пароль");
  const m = button.url.match(/^https:\/\/gafus\.test\/password-reset\/([A-Za-z0-9_-]{43})$/);
  assert(m, button.url);
  assertEquals(await inspectResetToken(b.t.services, m[1]), "valid");
  // Nothing went to any other chat.
  assertEquals(new Set(b.fake.messages.map((x) => x.chat_id)), new Set([7301]));

  // An unlinked chat is told to link first and gets no token.
  const tokensBefore = await b.t.services.db.selectFrom("password_reset_tokens").select("id")
    .execute();
  const stranger = await b.say(7302, "/reset", "en");
  assertStringIncludes(stranger[0].text, "works once the chat is linked");
  assertEquals(urlButtons(stranger[0])[0].url, `${LOCAL}/settings#h-telegram`);
  assertEquals(
    (await b.t.services.db.selectFrom("password_reset_tokens").select("id").execute()).length,
    tokensBefore.length,
  );

  // The per-account reset limit (5 in 15 minutes) holds here too.
  for (let i = 0; i < 4; i++) await b.say(7301, "/reset");
  const limited = await b.say(7301, "/reset");
  assertMatch(limited[0].text, /Слишком много попыток/);
  assertEquals(urlButtons(limited[0]), []);
  await b.t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", u.id).execute();
  assertMatch((await b.say(7301, "/reset"))[0].text, /Too many attempts/);
});

Deno.test("/reset in English", async () => {
  await using b = await openBotApp();
  const u = await signIn(b.t, "resetter_en");
  await b.t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", u.id).execute();
  await b.link(u.id, 7401);
  const [r] = await b.say(7401, "/reset");
  assertStringIncludes(r.text, "A link to set a new password");
  assertEquals(urlButtons(r)[0].text, "Set a new password");
});

Deno.test("/language: buttons; an unlinked chat keeps its choice, a linked one changes the account", async () => {
  await using b = await openBotApp();
  const [choose] = await b.say(7501, "/language");
  assertEquals(choose.text, "Выберите язык:");
  const kb =
    (choose.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] })
      .inline_keyboard.flat();
  assertEquals(kb.map((k) => [k.text, k.callback_data]), [["Русский", "lang:ru"], [
    "English",
    "lang:en",
  ]]);
  const [done] = await b.press(7501, "lang:en");
  assertEquals(done.text, "Done: the bot speaks English.");
  assertEquals(b.fake.callsOf("answerCallbackQuery").length, 1);
  // The Telegram client still says Russian: the chat's choice wins.
  assertStringIncludes((await b.say(7501, "/help", "ru"))[0].text, "What the bot can do");

  const u = await signIn(b.t, "polyglot");
  await b.link(u.id, 7502);
  const [en] = await b.say(7502, "/language", "en");
  assertEquals(en.text, "Выберите язык:"); // the account's language (ru) until changed
  const [switched] = await b.press(7502, "lang:en");
  assertEquals(switched.text, "Done: the bot speaks English.");
  const row = await b.t.services.db.selectFrom("users").select("locale").where("id", "=", u.id)
    .executeTakeFirstOrThrow();
  assertEquals(row.locale, "en");
  assertEquals((await b.press(7502, "lang:ru"))[0].text, "Готово: бот говорит по-русски.");
});

Deno.test("/help lists the commands, reminders included; unknown text gets a short help (ru, en)", async () => {
  await using b = await openBotApp();
  const ru = await b.say(7601, "/help");
  for (const c of ["/progress", "/next", "/reminders", "/reset", "/language", "/help"]) {
    assertStringIncludes(ru[0].text, c);
  }
  assertStringIncludes(ru[0].text, "Что умеет бот");
  assertStringIncludes((await b.say(7601, "/help", "en"))[0].text, "What the bot can do");
  assertEquals(
    (await b.say(7602, "привет"))[0].text,
    "Не понимаю это сообщение. Список команд — /help.",
  );
  assertEquals(
    (await b.say(7603, "hello", "en"))[0].text,
    "I do not understand this message. Commands: /help.",
  );
  assertEquals(
    (await b.say(7604, "/nonsense", "en"))[0].text,
    "I do not understand this message. Commands: /help.",
  );
});

Deno.test("the web reset form sends the link to the linked chat through the telegram queue, in the account's language", async () => {
  await using b = await openBotApp();
  const u = await signIn(b.t, "web_resetter");
  await b.t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", u.id).execute();
  await b.link(u.id, 7701);
  b.t.services.jobs.start();
  try {
    const res = await new FormClient(b.t).submit("/password-reset", "/password-reset", {
      login: "web_resetter",
      channel: "telegram",
    });
    assertEquals(res.status, 303);
    await settleResetRequests();
    await b.fake.waitFor(() => b.fake.messagesTo(7701).length === 1, 10_000, "the reset message");
  } finally {
    await b.t.services.jobs.stop({ graceMs: 1000 });
  }
  const [m] = b.fake.messagesTo(7701);
  assertStringIncludes(m.text, "Your link to a new password");
  const [button] = urlButtons(m);
  const token = button.url.match(/\/password-reset\/([A-Za-z0-9_-]{43})$/)?.[1];
  assert(token, button.url);
  assertEquals(await inspectResetToken(b.t.services, token), "valid");
  assertEquals(b.fake.messages.length, 1, "no other chat got anything");
});
