/**
 * The broadcast form in Chromium: with JavaScript a live counter follows
 * the typing (a line break is one character, as for maxlength) and the
 * textarea stops at 180; without it the hint states the limit, the
 * maxlength holds, and a text with line breaks up to the limit is accepted
 * (the form sends each break as two characters).
 */
import { assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";

Deno.test("browser: the broadcast body's counter, its limit, and the form without JavaScript", async () => {
  await using env = await openBrowserEnv();
  const admin = await signIn(env.t, "browser_bc_admin", "ADMIN");
  const [name, value] = admin.cookie.split("=");

  // With JavaScript: the counter appears and follows the typing.
  await env.page.context().addCookies([{ name, value, url: env.origin }]);
  const page = env.page;
  await page.goto(`${env.origin}/ops/broadcasts`);
  const counter = page.locator("#bodyRu-count");
  await counter.waitFor();
  assertEquals((await counter.textContent())?.trim(), "0 из 180\u00a0знаков");
  await page.locator("#bodyRu").fill("Привет\nмир");
  await page.locator("#bodyRu-count[data-count='10']").waitFor();
  await page.locator("#bodyRu").fill("я".repeat(200));
  assertEquals((await page.inputValue("#bodyRu")).length, 180, "maxlength stops it");
  await page.locator("#bodyRu-count.field-counter--near[data-count='180']").waitFor();
  assertEquals(
    await page.getAttribute("#bodyRu", "aria-describedby"),
    "bodyRu-hint bodyRu-count",
  );
  assertEquals(env.consoleErrors, []);

  // Without JavaScript: no counter, the hint and the limit, and line breaks up to 180 go through.
  const context = await env.browser.newContext({ locale: "ru-RU", javaScriptEnabled: false });
  await context.addCookies([{ name, value, url: env.origin }]);
  const plain = await context.newPage();
  await plain.goto(`${env.origin}/ops/broadcasts`);
  assertEquals(await plain.locator("#bodyRu-count").count(), 0);
  assertEquals(
    (await plain.textContent("#bodyRu-hint"))?.startsWith("До 180\u00a0знаков"),
    true,
  );
  await plain.fill("#titleRu", "Три строки");
  await plain.fill("#bodyRu", ["а".repeat(60), "б".repeat(60), "в".repeat(58)].join("\n"));
  assertEquals((await plain.inputValue("#bodyRu")).length, 180);
  await plain.getByRole("button", { name: "Посмотреть, как это увидят" }).click();
  await plain.waitForURL(/\/ops\/broadcasts\/[0-9a-f-]{36}$/);
  assertEquals(
    (await plain.textContent("[data-lang=ru] p:not(.muted)"))?.trim(),
    ["а".repeat(60), "б".repeat(60), "в".repeat(58)].join(" "),
  );
  await context.close();
});
