/**
 * The exam's test editor in a real browser on a 360 px phone: the form fits
 * the screen, "add an answer" (a plain submit button, no JavaScript) comes
 * back with what was typed and the new answer focused, and Enter in a field
 * saves the step instead of pressing one of the editor's remove buttons.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";

const PHONE = { width: 360, height: 740 };

Deno.test("browser: the test editor fits a 360 px phone, keeps what was typed on 'add an answer', and Enter saves", async () => {
  const env = await openBrowserEnv();
  await using _ = env;
  const trainer = await signIn(env.t, "anna", "TRAINER");
  const context = await env.browser.newContext({ locale: "ru-RU", viewport: PHONE });
  await context.addCookies([{
    name: SESSION_COOKIE,
    value: trainer.cookie.slice(SESSION_COOKIE.length + 1),
    url: env.origin,
  }]);
  const page = await context.newPage();
  await page.goto(`${env.origin}/studio/steps/new?type=EXAMINATION`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= PHONE.width, `the step form is ${width} px wide`);

  await page.getByLabel("Название").fill("Экзамен на телефоне");
  await page.getByLabel("Текст вопроса").fill("Сколько лап у собаки?");
  await page.getByLabel("Вариант 1", { exact: true }).fill("3");
  await page.getByLabel("Вариант 2", { exact: true }).fill("4");
  await page.getByLabel("Верный — вариант 2").check();
  await Promise.all([
    page.waitForURL(`${env.origin}/studio/steps/new`),
    page.getByRole("button", { name: "Добавить вариант" }).click(),
  ]);
  assertEquals(await page.getByLabel("Текст вопроса").inputValue(), "Сколько лап у собаки?");
  assert(await page.getByLabel("Верный — вариант 2").isChecked());
  assertEquals(
    await page.evaluate(() => document.activeElement?.getAttribute("name")),
    "q.0.option.2",
  );
  assert(await page.evaluate(() => document.documentElement.scrollWidth) <= PHONE.width);

  // Enter in a field is "save": the step is created with its test.
  await page.getByLabel("Вариант 3", { exact: true }).fill("5");
  await Promise.all([
    page.waitForURL(/\/studio\/steps\/[^/]+\?done=created$/),
    page.getByLabel("Вариант 3", { exact: true }).press("Enter"),
  ]);
  const row = await env.t.services.db.selectFrom("steps").select(["checklist", "title"])
    .where("title", "=", "Экзамен на телефоне").executeTakeFirstOrThrow();
  assertEquals(row.checklist[0].options, ["3", "4", "5"]);
  assertEquals(row.checklist[0].correctIndex, 1);
  assertEquals(env.consoleErrors, []);
});
