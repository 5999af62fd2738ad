/**
 * The day page in Chromium with JavaScript: a short timer started, paused,
 * reloaded (same clock), resumed and finished by the island; a theory step
 * read by opening it; a diary entry saved; an exam sent with test answers
 * and a written answer.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { Buffer } from "node:buffer";
import { type CourseFixture, dayUrl, makeCourse, QUESTIONS, userStepIds } from "./helpers.ts";

/** Console errors other than Chromium's log line for an answer the test provoked on purpose. */
function unexpected(errors: string[], expected: number[]): string[] {
  const re = new RegExp(`status of (${expected.join("|")}) `);
  return errors.filter((e) => !(e.startsWith("Failed to load resource") && re.test(e)));
}

Deno.test("browser: timer, theory, diary and exam on the day page", async () => {
  let course!: CourseFixture;
  let learnerId = "";
  let cookie = "";
  await using env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, {
      days: [{
        title: "Проверка в браузере",
        steps: [
          { type: "TRAINING", title: "Короткий таймер", durationSec: 4 },
          { type: "THEORY", title: "Немного теории", description: "Собака учится **сразу**." },
          { type: "DIARY", title: "Дневник" },
          {
            type: "EXAMINATION",
            title: "Экзамен",
            checklist: QUESTIONS,
            requiresWritten: true,
          },
        ],
      }],
    });
    const s = await signIn(t, "chrome_user");
    learnerId = s.id;
    cookie = s.cookie.slice(SESSION_COOKIE.length + 1);
  });
  const { page, origin, t } = env;
  await page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  const url = origin + dayUrl(course);
  const sd = course.days[0].stepOnDayIds;
  const badge = (i: number) => page.locator(`[data-step-status="${sd[i]}"]`);
  const timer = page.locator("[data-timer]");
  const clock = page.locator("[data-timer-clock]");

  await page.goto(url);
  await timer.and(page.locator('[data-live="1"]')).waitFor();
  assertEquals(await clock.textContent(), "0:04");

  // Start, then pause after a moment.
  await timer.getByRole("button", { name: "Старт" }).click();
  await badge(0).filter({ hasText: "В процессе" }).waitFor();
  await page.waitForTimeout(1200);
  await timer.getByRole("button", { name: "Пауза" }).click();
  await badge(0).filter({ hasText: "На паузе" }).waitFor();
  const pausedAt = await clock.textContent();
  assertMatch(pausedAt!, /^0:0[23]$/);

  // A reload shows the same paused clock: the server owns it.
  await page.reload();
  await timer.and(page.locator('[data-live="1"]')).waitFor();
  assertEquals(await clock.textContent(), pausedAt);
  assertEquals(await badge(0).textContent(), "На паузе");

  // Resume and let it run out: the island completes the step.
  await timer.getByRole("button", { name: "Продолжить" }).click();
  await badge(0).filter({ hasText: "Завершён" }).waitFor({ timeout: 10_000 });
  assertEquals(await page.locator("[data-timer-info]").textContent(), "Шаг выполнен");
  assertEquals(await clock.textContent(), "0:00");

  // Theory: opening its details marks it read.
  assertEquals(await badge(1).textContent(), "Не начат");
  await page.locator(`#step-${sd[1]} summary`).click();
  await badge(1).filter({ hasText: "Завершён" }).waitFor();

  // Diary.
  await page.locator(`#step-${sd[2]} summary`).click();
  const diary = page.locator(`#step-${sd[2]} .diary-form[data-live="1"]`);
  await diary.waitFor();
  await diary.getByLabel("Запись в дневнике успехов").fill("Сегодня получилось сидеть 30 секунд.");
  await diary.getByRole("button", { name: "Сохранить запись" }).click();
  await diary.getByText("Запись сохранена").waitFor();
  assertEquals(await badge(2).textContent(), "Завершён");
  assertEquals(await page.locator("[data-day-done]").textContent(), "3");

  // Exam: test answers and a written answer.
  await page.locator(`#step-${sd[3]} summary`).click();
  const exam = page.locator(`#step-${sd[3]} .exam[data-live="1"]`);
  await exam.waitFor();
  await exam.getByRole("button", { name: "Отправить на проверку" }).click();
  await exam.getByText("Ответьте на все вопросы теста").first().waitFor();
  await exam.getByLabel("4").check();
  await exam.getByLabel("Да").check();
  await exam.getByLabel("Письменный ответ").fill("Главное — хвалить вовремя.");
  await exam.getByRole("button", { name: "Отправить на проверку" }).click();
  await exam.getByText("Ответы отправлены тренеру").waitFor();
  assertEquals(await badge(3).textContent(), "Ждёт проверки");
  await exam.getByText("Тест: 2 из 2 (100 %)").waitFor();

  const db = t.services.db;
  const ids = await userStepIds(t, learnerId, course);
  const rows = await db.selectFrom("user_steps").select(["id", "status", "active_seconds"])
    .where("user_id", "=", learnerId).execute();
  const status = (id: string) => rows.find((r) => r.id === id)!;
  assertEquals(ids.map((id) => status(id).status), [
    "COMPLETED",
    "COMPLETED",
    "COMPLETED",
    "IN_PROGRESS",
  ]);
  assert(status(ids[0]).active_seconds >= 3, "real timer time is recorded");
  const entry = await db.selectFrom("diary_entries").select("content").executeTakeFirstOrThrow();
  assertEquals(entry.content, "Сегодня получилось сидеть 30 секунд.");
  const result = await db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals([result.status, result.test_score, result.written_answer], [
    "PENDING",
    2,
    "Главное — хвалить вовремя.",
  ]);
  // The only failed request is the incomplete exam (400) the test sent on purpose.
  assertEquals(unexpected(env.consoleErrors, [400]), []);
});

Deno.test("browser: starting a second timer offers to pause the first", async () => {
  let course!: CourseFixture;
  let cookie = "";
  await using env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, {
      days: [{
        steps: [
          { type: "TRAINING", title: "Первый таймер", durationSec: 300 },
          { type: "BREAK", title: "Второй таймер", durationSec: 300 },
        ],
      }],
    });
    cookie = (await signIn(t, "switcher")).cookie.slice(SESSION_COOKIE.length + 1);
  });
  const { page, origin } = env;
  await page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  await page.goto(origin + dayUrl(course));
  const sd = course.days[0].stepOnDayIds;
  const first = page.locator(`#step-${sd[0]} [data-timer][data-live="1"]`);
  await first.waitFor();
  await first.getByRole("button", { name: "Старт" }).click();
  await page.locator(`[data-step-status="${sd[0]}"]`).filter({ hasText: "В процессе" }).waitFor();

  await page.locator(`#step-${sd[1]} summary`).click();
  const second = page.locator(`#step-${sd[1]} [data-timer][data-live="1"]`);
  await second.getByRole("button", { name: "Старт" }).click();
  await second.getByText("Идёт таймер шага «Первый таймер».").waitFor();
  await second.getByRole("button", { name: "Поставить его на паузу и начать этот" }).click();
  await page.locator(`[data-step-status="${sd[1]}"]`).filter({ hasText: "В процессе" }).waitFor();
  // The first island learns about its pause when it checks again (here: a reload).
  await page.reload();
  assertEquals(await page.locator(`[data-step-status="${sd[0]}"]`).textContent(), "На паузе");
  assertEquals(unexpected(env.consoleErrors, [409]), []);
});

Deno.test("browser: an exam video is uploaded with a progress bar and sent with the answers", async () => {
  let course!: CourseFixture;
  let cookie = "";
  await using env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, {
      days: [{ steps: [{ type: "EXAMINATION", title: "Видеоэкзамен", requiresVideo: true }] }],
    });
    cookie = (await signIn(t, "uploader")).cookie.slice(SESSION_COOKIE.length + 1);
  });
  const { page, origin, t } = env;
  await page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  await page.goto(origin + dayUrl(course));
  const exam = page.locator('.exam[data-live="1"]');
  await exam.waitFor();
  const mp4 = new Uint8Array(256 * 1024);
  mp4.set([0, 0, 0, 0x18, ...new TextEncoder().encode("ftypisom")]);
  await exam.getByLabel("Файл с видео").setInputFiles({
    name: "report.mp4",
    mimeType: "video/mp4",
    buffer: Buffer.from(mp4),
  });
  await exam.getByText("Видео загружено").waitFor();
  await exam.getByRole("button", { name: "Отправить на проверку" }).click();
  await exam.getByText("Ответы отправлены тренеру").waitFor();
  await exam.locator("video.exam__player[src^='/media/exams/']").waitFor();
  const row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals(row.status, "PENDING");
  assert(row.video_key?.endsWith(".mp4"));
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: finishing the last step of a course celebrates", async () => {
  let course!: CourseFixture;
  let cookie = "";
  await using env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, {
      days: [{ steps: [{ type: "PRACTICE", title: "Одно упражнение" }] }],
    });
    cookie = (await signIn(t, "finisher")).cookie.slice(SESSION_COOKIE.length + 1);
  });
  const { page, origin } = env;
  await page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  await page.goto(origin + dayUrl(course));
  const check = page.locator('.step-check[data-live="1"]');
  await check.getByRole("button", { name: "Я выполнил" }).click();
  await page.getByRole("status").filter({
    hasText: "Курс пройден! Поздравляем вас и вашего питомца!",
  }).waitFor();
  assertEquals(await page.locator("#celebration").getAttribute("data-kind"), "course");
  assertEquals(await page.locator("#celebration .confetti span").count(), 24);
  assertEquals(await page.locator("[data-day-status]").textContent(), "Завершён");
  // Undo is offered and works.
  await check.getByRole("button", { name: "Отменить отметку" }).click();
  await page.locator("[data-day-status]").filter({ hasText: "Сброшен" }).waitFor();
  assertEquals(env.consoleErrors, []);
});
