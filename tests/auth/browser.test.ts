import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { createUser } from "@/core/users.ts";

Deno.test("browser: register through the form and land signed in", async () => {
  await using env = await openBrowserEnv();
  const { page, origin } = env;
  await page.goto(`${origin}/register`);
  await page.getByLabel("Имя пользователя").fill("Browser_Pup");
  await page.getByLabel("Email").fill("pup@example.ru");
  await page.getByLabel("Пароль", { exact: true }).fill("Secret123");
  await page.getByLabel("Пароль ещё раз").fill("Secret1234");
  await page.getByLabel("Согласен(на) на обработку моих персональных данных").check();
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();

  // A mistake comes back next to its field, with focus on the summary and values kept.
  await page.locator(".form-errors").waitFor();
  assertEquals(await page.locator("#passwordRepeat-error").textContent(), "Пароли не совпадают");
  assertEquals(await page.getByLabel("Имя пользователя").inputValue(), "Browser_Pup");
  assert(
    await page.locator(".form-errors").evaluate((el) => el === document.activeElement),
    "the error summary has focus",
  );
  assertEquals(await page.getByLabel("Пароль ещё раз").getAttribute("aria-invalid"), "true");

  await page.getByLabel("Пароль", { exact: true }).fill("Secret123");
  await page.getByLabel("Пароль ещё раз").fill("Secret123");
  await page.getByLabel("Принимаю политику конфиденциальности").check();
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await page.waitForURL(`${origin}/courses`);
  // Signed in: the header links to the account's settings and offers logout.
  const account = page.getByRole("navigation", { name: "Учётная запись" });
  assertEquals(await account.getByRole("link", { name: "browser_pup" }).count(), 1);
  assertEquals(await account.getByRole("button", { name: "Выйти" }).count(), 1);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "gafus_session");
  assert(session?.httpOnly, "the session cookie is HttpOnly");
  assertEquals(session?.sameSite, "Lax");
  // Chromium logs every 4xx page load; the 422 of the first, failed submit is expected.
  assertEquals(env.consoleErrors.filter((m) => !/status of 422/.test(m)), []);
});

Deno.test("browser: the username field says live whether a name is free", async () => {
  await using env = await openBrowserEnv(async (t) => {
    await createUser(t.services, { username: "taken_pup", password: "Secret123" });
    await createUser(t.services, { username: "renamer", password: "Secret123" });
  });
  const { page, origin } = env;
  await page.goto(`${origin}/login`);
  await page.getByLabel("Имя пользователя или email").fill("renamer");
  await page.getByLabel("Пароль").fill("Secret123");
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL(`${origin}/courses`);
  await page.goto(`${origin}/settings`);
  const field = page.locator("#username-username");
  const status = page.locator("#username-username-status");
  // Typing before hydration would not be checked: wait for the island.
  await page.locator("#username-username-status[data-live]").waitFor({ state: "attached" });
  await field.fill("taken_pup");
  await status.filter({ hasText: "Это имя уже занято" }).waitFor();
  await field.fill("free_pup");
  await status.filter({ hasText: "Имя свободно" }).waitFor();
  await field.fill("x");
  await status.filter({ hasText: "От 3 до 32 символов" }).waitFor();
  await field.fill("free_pup");
  await status.filter({ hasText: "Имя свободно" }).waitFor();
  await page.getByRole("button", { name: "Сменить имя" }).click();
  await page.waitForURL(`${origin}/settings?done=username`);
  assertEquals(await page.locator("#username-username").inputValue(), "free_pup");
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: settings preset the time zone from the browser until one is chosen", async () => {
  await using env = await openBrowserEnv(async (t) => {
    await createUser(t.services, { username: "nomad", password: "Secret123" });
  });
  const { origin } = env;
  const context = await env.browser.newContext({
    locale: "ru-RU",
    timezoneId: "Asia/Novosibirsk",
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${origin}/login`);
  await page.getByLabel("Имя пользователя или email").fill("nomad");
  await page.getByLabel("Пароль").fill("Secret123");
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL(`${origin}/courses`);
  await page.goto(`${origin}/settings`);
  await page.locator("[data-tz-filled]").waitFor();
  assertEquals(await page.locator("#time-zone-timeZone").inputValue(), "Asia/Novosibirsk");
  await page.getByRole("button", { name: "Сохранить часовой пояс" }).click();
  await page.waitForURL(`${origin}/settings?done=timeZone`);
  const row = await env.t.services.db.selectFrom("users").select("time_zone")
    .where("username", "=", "nomad").executeTakeFirstOrThrow();
  assertEquals(row.time_zone, "Asia/Novosibirsk");
  // Chosen now: the browser's guess no longer touches the select.
  await env.t.services.db.updateTable("users").set({ time_zone: "Europe/Kaliningrad" })
    .where("username", "=", "nomad").execute();
  await page.goto(`${origin}/settings`);
  assertEquals(await page.locator("#time-zone-timeZone").inputValue(), "Europe/Kaliningrad");
  assertEquals(await page.locator("[data-tz-filled]").count(), 0);
  assertEquals(errors, []);
  await context.close();
});
