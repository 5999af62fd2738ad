/**
 * The studio end to end in a real browser, through the Russian UI only
 * (clicks and typing, elements found by role, label and text):
 *
 * - a trainer builds a course with two days and a step of every type,
 *   reorders with the up/down buttons, is told what is missing when
 *   publishing too early, then publishes;
 * - a learner finds that course by searching the catalogue, completes steps,
 *   sees their progress and submits the exam with a written answer;
 * - the trainer sees the pending-exam badge, returns the exam with a
 *   comment, the learner sees it and answers again, the trainer approves and
 *   the learner sees the verdict;
 * - without JavaScript, on a 360 px phone: a refused step keeps what was
 *   typed and says why in Russian next to the field; up/down still reorder.
 *
 * One browser context per actor; each test builds its own app and data.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { type Session, signIn, TEST_PASSWORD } from "../helpers/session.ts";
import type { TestApp } from "../helpers/app.ts";
import type { Locator, Page } from "playwright-core";
import type { SessionUser } from "@/core/auth/session_user.ts";
import { createStep as createStudioStep } from "@/core/studio/steps.ts";
import { addStepToDay, createDay as createStudioDay } from "@/core/studio/days.ts";
import { addDayToCourse, createCourse, publishCourse } from "@/core/studio/courses.ts";

const TRAINER = "anna_trainer";
const LEARNER = "petr_learner";
const PHONE = { width: 360, height: 740 };

const STEP = {
  training: "Выдержка «сидеть»",
  rest: "Отдых на коврике",
  theory: "Зачем щенку выдержка",
  practice: "Прогулка у дома",
  diary: "Дневник недели",
  exam: "Итоговый экзамен",
} as const;
const DAY1 = "Первые шаги";
const DAY2 = "Итоги недели";
const COURSE = "Спокойный щенок за неделю";

/** Signs in through the login form, as a person would. */
async function signInThroughForm(page: Page, origin: string, username: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel("Имя пользователя или email").fill(username);
  await page.getByLabel("Пароль", { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
}

/**
 * Waits until `read()` returns `expected` (the page may be reloading after a
 * form POST, or an island may update it in place), failing with what it last saw.
 */
async function waitFor<T>(read: () => Promise<T>, expected: T, what: string, ms = 10_000) {
  const until = Date.now() + ms;
  let seen: T | string = "(nothing read)";
  while (Date.now() < until) {
    try {
      seen = await read();
      if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    } catch (e) {
      // A navigation in flight destroys the page's context: read again.
      seen = String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assertEquals(seen, expected, what);
}

/** The titles in an ordered studio list (a day's steps, a course's days), top to bottom. */
const order = (region: Locator) => () => region.getByRole("link").allTextContents();

/** Titles with the whitespace of the markup folded. */
const clean = (xs: string[]) => xs.map((x) => x.replace(/\s+/g, " ").trim());

interface NewStep {
  title: string;
  type: string;
  duration?: string;
  checklist?: string[];
  description?: string;
  written?: boolean;
}

async function createStep(page: Page, origin: string, s: NewStep) {
  await page.goto(`${origin}/studio/steps/new`);
  await page.getByLabel("Название", { exact: true }).fill(s.title);
  await page.getByLabel("Тип шага").selectOption({ label: s.type });
  if (s.description) await page.getByLabel(/^Описание/).fill(s.description);
  if (s.duration) await page.getByLabel("Длительность таймера").fill(s.duration);
  if (s.checklist) await page.getByLabel(/^Чек-лист/).fill(s.checklist.join("\n"));
  if (s.written) await page.getByLabel("Ожидается письменный ответ").check();
  await page.getByRole("button", { name: "Создать шаг" }).click();
  await page.getByRole("status").filter({ hasText: "Шаг создан" }).waitFor();
  // The editor shows what was stored, in the form it was typed.
  assertEquals(await page.getByRole("heading", { level: 1 }).textContent(), `Шаг: ${s.title}`);
  const type = page.getByLabel("Тип шага").locator("option:checked");
  assertEquals(await type.textContent(), s.type);
  if (s.duration) {
    assertEquals(await page.getByLabel("Длительность таймера").inputValue(), s.duration);
  }
  if (s.checklist) {
    assertEquals(await page.getByLabel(/^Чек-лист/).inputValue(), s.checklist.join("\n"));
  }
  if (s.written) assert(await page.getByLabel("Ожидается письменный ответ").isChecked());
}

/** Creates a day and answers its editor's URL. */
async function createDay(page: Page, origin: string, title: string): Promise<string> {
  await page.goto(`${origin}/studio/days/new`);
  await page.getByLabel("Название", { exact: true }).fill(title);
  await page.getByRole("button", { name: "Создать день" }).click();
  await page.getByRole("status").filter({ hasText: "Создано" }).waitFor();
  assertEquals(await page.getByRole("heading", { level: 1 }).textContent(), `День: ${title}`);
  const url = new URL(page.url());
  return url.origin + url.pathname;
}

/** Picks `title` in the "add" select labelled `label` and adds it; waits for the list to show it. */
async function addItem(page: Page, list: Locator, label: string, title: string) {
  const before = clean(await order(list)());
  await page.getByLabel(label, { exact: true }).selectOption({ label: title });
  await page.getByRole("button", { name: "Добавить", exact: true }).click();
  await waitFor(
    async () => clean(await order(list)()),
    [...before, title],
    `after adding ${title}`,
  );
}

/** Presses the "up" or "down" button of `title` and waits for the expected order. */
async function move(list: Locator, title: string, dir: "up" | "down", expected: string[]) {
  const name = dir === "up" ? `Поднять «${title}» выше` : `Опустить «${title}» ниже`;
  await list.getByRole("button", { name, exact: true }).click();
  await waitFor(async () => clean(await order(list)()), expected, `after moving ${title} ${dir}`);
}

Deno.test("browser: a trainer builds a two-day course with every step type, reorders it and publishes once it is complete", async () => {
  await using env = await openBrowserEnv((t) => signIn(t, TRAINER, "TRAINER").then(() => {}));
  const { page, origin } = env;
  await signInThroughForm(page, origin, TRAINER);

  // Steps of every type, each with the fields its type has.
  await createStep(page, origin, {
    title: STEP.training,
    type: "Тренировка",
    duration: "01:30",
    description: "Щенок сидит, вы считаете до пяти.",
  });
  await createStep(page, origin, { title: STEP.rest, type: "Перерыв", duration: "00:45" });
  await createStep(page, origin, {
    title: STEP.theory,
    type: "Теоретический шаг",
    description: "Выдержка — основа **спокойствия**.",
  });
  await createStep(page, origin, {
    title: STEP.practice,
    type: "Упражнение без таймера",
    checklist: ["Надеть шлейку", "Взять лакомства", "Пройти 100 метров"],
  });
  await createStep(page, origin, { title: STEP.diary, type: "Дневник успехов" });
  await createStep(page, origin, { title: STEP.exam, type: "Экзаменационный шаг", written: true });

  // Day 1: four steps added in the wrong order, then put right with "up" and "down".
  await createDay(page, origin, DAY1);
  const steps = page.getByRole("region", { name: "Шаги дня" });
  for (const title of [STEP.training, STEP.rest, STEP.theory, STEP.practice]) {
    await addItem(page, steps, "Шаг", title);
  }
  await move(steps, STEP.theory, "up", [STEP.training, STEP.theory, STEP.rest, STEP.practice]);
  await move(steps, STEP.theory, "up", [STEP.theory, STEP.training, STEP.rest, STEP.practice]);
  await move(steps, STEP.rest, "down", [STEP.theory, STEP.training, STEP.practice, STEP.rest]);
  await move(steps, STEP.practice, "up", [STEP.theory, STEP.practice, STEP.training, STEP.rest]);
  // The first item has no "up", the last no "down".
  assertEquals(
    await steps.getByRole("button", { name: `Поднять «${STEP.theory}» выше` }).count(),
    0,
  );
  assertEquals(
    await steps.getByRole("button", { name: `Опустить «${STEP.rest}» ниже` }).count(),
    0,
  );
  // The order is stored, not just shown.
  await page.reload();
  assertEquals(clean(await order(steps)()), [STEP.theory, STEP.practice, STEP.training, STEP.rest]);

  // Day 2 stays empty for now.
  const day2Url = await createDay(page, origin, DAY2);

  // The course: both days, added in the wrong order, then day 1 moved up.
  await page.goto(`${origin}/studio/courses/new`);
  await page.getByLabel("Название", { exact: true }).fill(COURSE);
  await page.getByLabel(/^Краткое описание/).fill("Выдержка, прогулки и экзамен за неделю");
  await page.getByRole("button", { name: "Создать курс" }).click();
  await page.getByRole("status").filter({ hasText: "Создано" }).waitFor();
  const courseUrl = page.url().replace(/[?#].*$/, "");
  const days = page.getByRole("region", { name: "Дни курса" });
  await addItem(page, days, "День", DAY2);
  await addItem(page, days, "День", DAY1);
  await move(days, DAY1, "up", [DAY1, DAY2]);

  // Publishing too early: refused, with what is missing, and focus on that message.
  const status = page.getByRole("region", { name: "Статус" });
  assert(await status.getByText("Черновик", { exact: true }).isVisible());
  await page.getByRole("button", { name: "Опубликовать" }).click();
  const problems = page.getByRole("alert");
  await problems.filter({ hasText: "Курс нельзя опубликовать" }).waitFor();
  assert(
    (await problems.textContent())!.includes(`В дне «${DAY2}» нет ни одного шага.`),
    await problems.textContent() ?? "",
  );
  assert(
    await problems.evaluate((el) => el === document.activeElement),
    "focus is not on the problems",
  );
  assert(await status.getByText("Черновик", { exact: true }).isVisible());

  // Fill day 2 (reached from the course's list of days), then publish.
  await days.getByRole("link", { name: DAY2 }).click();
  // The link carries the course it came from (`?from=`), for the "where else used" notice.
  await page.waitForURL((u) => u.pathname === new URL(day2Url).pathname);
  await addItem(page, steps, "Шаг", STEP.diary);
  await addItem(page, steps, "Шаг", STEP.exam);
  // Back to the course through "where it is used".
  await page.getByRole("region", { name: "Где используется" }).getByRole("link", { name: COURSE })
    .click();
  await page.waitForURL(courseUrl);
  assertEquals(clean(await order(days)()), [DAY1, DAY2]);
  await page.getByRole("button", { name: "Опубликовать" }).click();
  await page.getByRole("status").filter({ hasText: "Курс опубликован." }).waitFor();
  assert(await status.getByText("Опубликован", { exact: true }).isVisible());
  assert(await page.getByRole("button", { name: "Снять с публикации" }).isVisible());
  // The refused publish is the only failed request (422) the browser reports.
  assertEquals(env.consoleErrors.filter((e) => !e.includes("status of 422")), []);
});

/**
 * A published course made the way the studio makes it (core/studio), so the
 * learner's test does not spend its minute on the editor the test above covers.
 */
async function publishedCourse(t: TestApp, author: Session, name: string, days: DayPlan[]) {
  const user: SessionUser = {
    id: author.id,
    username: author.username,
    role: author.role,
    locale: "ru",
    timeZone: "Europe/Moscow",
    sessionVersion: 0,
  };
  const svc = t.services;
  const course = await createCourse(svc, user, {
    name,
    shortDescription: `${name}: короткий курс`,
    level: "BEGINNER",
    access: "PUBLIC",
  });
  for (const d of days) {
    const day = await createStudioDay(svc, user, { title: d.title, type: "regular" });
    for (const st of d.steps) {
      const step = await createStudioStep(svc, user, st);
      await addStepToDay(svc, user, day.id, { stepId: step.id });
    }
    await addDayToCourse(svc, user, course.id, { dayId: day.id });
  }
  await publishCourse(svc, user, course.id);
}

interface DayPlan {
  title: string;
  steps: Record<string, string>[];
}

/** The learner's "steps done" bar on a day page. */
const stepsDone = (page: Page) => () =>
  page.getByRole("progressbar", { name: /Выполнено шагов/ }).getAttribute("value");

/** A step on the learner's day page: the list item whose `<summary>` names it. */
function stepCard(page: Page, title: string) {
  return page.getByRole("listitem").filter({ has: page.locator("summary", { hasText: title }) });
}

/** Opens a step's card unless it is already open (clicking its summary toggles it). */
async function openStep(page: Page, title: string) {
  const card = stepCard(page, title);
  if (!(await card.locator("details").evaluate((d) => (d as HTMLDetailsElement).open))) {
    await card.locator("summary").click();
  }
  return card;
}

Deno.test("browser: a learner finds the course, completes steps, submits the exam; the trainer returns it, then approves the second answer", async () => {
  let trainer!: Session;
  await using env = await openBrowserEnv(async (t) => {
    trainer = await signIn(t, TRAINER, "TRAINER");
    await signIn(t, LEARNER, "USER");
    await publishedCourse(t, trainer, COURSE, [
      {
        title: DAY1,
        steps: [
          { title: STEP.theory, type: "THEORY", description: "Выдержка — основа спокойствия." },
          {
            title: STEP.practice,
            type: "PRACTICE",
            checklistItems: "Надеть шлейку\nВзять лакомства",
          },
          { title: STEP.training, type: "TRAINING", duration: "00:30" },
        ],
      },
      {
        title: DAY2,
        steps: [
          { title: STEP.diary, type: "DIARY" },
          { title: STEP.exam, type: "EXAMINATION", requiresWritten: "on" },
        ],
      },
    ]);
    // Another course, so the search has something to leave out.
    await publishedCourse(t, trainer, "Апорт для взрослых собак", [
      { title: "Мяч", steps: [{ title: "Бросок мяча", type: "PRACTICE" }] },
    ]);
  });
  const { origin, browser } = env;
  const learnerContext = await browser.newContext({ locale: "ru-RU" });
  const learner = await learnerContext.newPage();
  learner.on("console", (m) => {
    if (m.type() === "error") env.consoleErrors.push(m.text());
  });
  learner.on("pageerror", (e) => env.consoleErrors.push(String(e)));
  await signInThroughForm(learner, origin, LEARNER);

  // Finds it in the catalogue by searching (the island filters as one types).
  await learner.goto(`${origin}/courses`);
  await learner.getByRole("button", { name: "Найти" }).waitFor({ state: "detached" });
  await learner.getByLabel("Поиск по курсам").pressSequentially("щенок");
  await learner.getByRole("status").filter({ hasText: /Найден 1\s*курс/ }).waitFor();
  assertEquals(
    await learner.getByRole("link", { name: "Апорт для взрослых собак" }).isVisible(),
    false,
  );
  await learner.getByRole("link", { name: COURSE }).click();
  await learner.getByRole("heading", { level: 1, name: COURSE }).waitFor();

  // Day 1: the theory step opens first and counts as read; the practice is done by hand.
  await learner.getByRole("link", { name: "Начать курс" }).click();
  await learner.getByRole("heading", { level: 1, name: DAY1 }).waitFor();
  await waitFor(stepsDone(learner), "1", "the opened theory step is read");
  // The training step shows the timer the trainer typed as mm:ss.
  assert(await stepCard(learner, STEP.training).locator("summary").getByText("0:30").isVisible());
  const practice = await openStep(learner, STEP.practice);
  assert(
    await practice.getByText("Взять лакомства").isVisible(),
    "the practice's checklist is not shown",
  );
  await practice.getByRole("button", { name: "Я выполнил" }).click();
  await waitFor(stepsDone(learner), "2", "after the practice is done");
  await waitFor(
    () => practice.locator("summary").getByText("Завершён").count(),
    1,
    "the practice's badge",
  );
  // Progress is stored: the day and the course page say so after a reload.
  await learner.reload();
  await waitFor(stepsDone(learner), "2", "after a reload");
  await learner.getByRole("link", { name: `← ${COURSE}` }).click();
  await learner.getByRole("link", { name: "Продолжить: День 1" }).waitFor();

  // Day 2: a diary entry, then the exam with a written answer.
  await learner.getByRole("link", { name: DAY2 }).click();
  await learner.getByRole("heading", { level: 1, name: DAY2 }).waitFor();
  const diary = await openStep(learner, STEP.diary);
  await diary.getByLabel("Запись в дневнике успехов").fill("Сидел пять секунд!");
  await diary.getByRole("button", { name: "Сохранить запись" }).click();
  await diary.getByText("Запись сохранена").waitFor();
  let exam = await openStep(learner, STEP.exam);
  await exam.getByLabel("Письменный ответ").fill("Щенок держит выдержку три секунды.");
  await exam.getByRole("button", { name: "Отправить на проверку" }).click();
  await exam.getByRole("status").filter({ hasText: "Ответы отправлены тренеру" }).waitFor();

  // The trainer: the badge in the header, the queue, the submission; returned with a comment.
  const page = env.page;
  await signInThroughForm(page, origin, TRAINER);
  await page.goto(`${origin}/studio`);
  // The header's studio link carries the count, spelled out for screen readers.
  const badged = page.getByRole("link", { name: /^Студия\s*\(1\s*экзамен ждёт проверки\)$/ });
  assertEquals(await badged.count(), 1);
  assertEquals((await badged.locator("[aria-hidden=true]").textContent())?.trim(), "1");
  await page.getByRole("link", { name: "Экзамены учеников" }).click();
  await page.getByRole("heading", { level: 1, name: "Экзамены" }).waitFor();
  await page.getByRole("link", { name: STEP.exam }).click();
  await page.getByRole("heading", { level: 1, name: `Экзамен «${STEP.exam}»` }).waitFor();
  assert(await page.getByText("Щенок держит выдержку три секунды.").isVisible());
  assert(await page.getByText(LEARNER, { exact: true }).isVisible());
  await page.getByLabel("Комментарий ученику").fill("Добейтесь пяти секунд и напишите снова.");
  await page.getByRole("button", { name: "Вернуть на доработку" }).click();
  await page.getByRole("status").filter({ hasText: "Экзамен возвращён на доработку" }).waitFor();
  // Nothing waits any more: the badge is gone.
  assertEquals(await page.getByRole("link", { name: "Студия", exact: true }).count(), 1);

  // The learner sees the comment and answers again.
  await learner.reload();
  exam = await openStep(learner, STEP.exam);
  await exam.getByText("Тренер вернул экзамен на доработку").waitFor();
  assert(await exam.getByText("Добейтесь пяти секунд и напишите снова.").isVisible());
  assert(await exam.locator("summary").getByText("На доработке").isVisible());
  await exam.getByLabel("Письменный ответ").fill("Теперь пять секунд, даже у двери.");
  await exam.getByRole("button", { name: "Отправить заново" }).click();
  await exam.getByRole("status").filter({ hasText: "Ответы отправлены тренеру" }).waitFor();

  // The trainer approves the second attempt; the first stays in the history.
  await page.goto(`${origin}/studio/exams`);
  await page.getByRole("link", { name: STEP.exam }).click();
  assert(await page.getByText("Теперь пять секунд, даже у двери.").isVisible());
  const history = page.getByRole("region", { name: "История попыток" });
  assert(await history.getByText("Добейтесь пяти секунд и напишите снова.").isVisible());
  await page.getByRole("button", { name: "Зачесть" }).click();
  await page.getByRole("status").filter({ hasText: "Экзамен зачтён" }).waitFor();

  // The learner sees the verdict on the step.
  await learner.reload();
  exam = stepCard(learner, STEP.exam);
  await openStep(learner, STEP.exam);
  await exam.getByRole("status").filter({ hasText: "Экзамен зачтён" }).waitFor();
  assert(await exam.locator("summary").getByText("Завершён").isVisible());
  await learnerContext.close();
  assertEquals(env.consoleErrors, []);
});

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

Deno.test("browser: without JavaScript on a 360 px phone a refused step keeps what was typed with the Russian message at the field, and up/down still reorder", async () => {
  await using env = await openBrowserEnv((t) => signIn(t, TRAINER, "TRAINER").then(() => {}));
  const { origin } = env;
  const context = await env.browser.newContext({
    javaScriptEnabled: false,
    locale: "ru-RU",
    viewport: PHONE,
  });
  const page = await context.newPage();
  await signInThroughForm(page, origin, TRAINER);

  // A title too short: the same page comes back with everything as typed.
  await page.goto(`${origin}/studio/steps/new`);
  const title = page.getByLabel("Название", { exact: true });
  await title.fill("Аб");
  await page.getByLabel("Тип шага").selectOption({ label: "Тренировка" });
  await page.getByLabel(/^Описание/).fill("Щенок сидит, вы считаете до **пяти**.");
  await page.getByLabel("Длительность таймера").fill("01:30");
  await page.getByLabel(/^Примерное время/).fill("5");
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Создать шаг" }).click(),
  ]);
  assertEquals(answer.status(), 422);
  await page.waitForLoadState();
  // The message sits at the field, tied to it, in Russian; the summary above links to it.
  assertEquals(await title.getAttribute("aria-invalid"), "true");
  const errorId = (await title.getAttribute("aria-describedby"))!.split(" ")
    .find((id) => id.endsWith("-error"))!;
  assertEquals(
    (await page.locator(`[id="${errorId}"]`).textContent())?.trim(),
    "От 3 до 100\u00a0символов",
  );
  const summary = page.getByRole("alert");
  assert(
    await summary.getByRole("link", { name: "Название: От 3 до 100\u00a0символов" }).isVisible(),
  );
  assert(
    await summary.evaluate((el) => el === document.activeElement),
    "focus is not on the errors",
  );
  // Nothing typed is lost.
  assertEquals(await title.inputValue(), "Аб");
  assertEquals(
    await page.getByLabel("Тип шага").locator("option:checked").textContent(),
    "Тренировка",
  );
  assertEquals(
    await page.getByLabel(/^Описание/).inputValue(),
    "Щенок сидит, вы считаете до **пяти**.",
  );
  assertEquals(await page.getByLabel("Длительность таймера").inputValue(), "01:30");
  assertEquals(await page.getByLabel(/^Примерное время/).inputValue(), "5");
  assert(await pageWidth(page) <= PHONE.width, `the step form is ${await pageWidth(page)} px wide`);

  // Corrected, it is created; a second step for the day.
  await title.fill("Сидеть");
  await page.getByRole("button", { name: "Создать шаг" }).click();
  await page.getByRole("status").filter({ hasText: "Шаг создан" }).waitFor();
  await createStep(page, origin, { title: "Лежать", type: "Упражнение без таймера" });

  // A day with both, reordered by the buttons (plain POST forms).
  await createDay(page, origin, "День без скриптов");
  const steps = page.getByRole("region", { name: "Шаги дня" });
  await addItem(page, steps, "Шаг", "Сидеть");
  await addItem(page, steps, "Шаг", "Лежать");
  await move(steps, "Сидеть", "down", ["Лежать", "Сидеть"]);
  await move(steps, "Сидеть", "up", ["Сидеть", "Лежать"]);
  // An item's buttons share one row on the phone (the studio's list styles apply).
  const rows = await Promise.all(
    ["Опустить «Сидеть» ниже", "Убрать «Сидеть»"].map(async (name) =>
      (await steps.getByRole("button", { name, exact: true }).boundingBox())!.y
    ),
  );
  assertEquals(rows[0], rows[1], "the down and remove buttons are stacked");
  assert(
    await pageWidth(page) <= PHONE.width,
    `the day editor is ${await pageWidth(page)} px wide`,
  );
  await page.goto(`${origin}/studio/steps`);
  assert(await pageWidth(page) <= PHONE.width, `the step list is ${await pageWidth(page)} px wide`);
  await context.close();
});
