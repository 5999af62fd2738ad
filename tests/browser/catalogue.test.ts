import { assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { seedDemo } from "@/core/demo/seed.ts";

Deno.test("browser: the catalogue island filters the list as you type", async () => {
  await using env = await openBrowserEnv((t) =>
    seedDemo(t.services.db, { print: () => {} }).then(() => {})
  );
  const { page, origin } = env;
  await page.goto(`${origin}/courses`);
  const cards = page.locator("[data-course-card]");
  assertEquals(await cards.count(), 2);
  // Wait until the island is live (it replaces the submit button with live filtering).
  await page.locator("form.search button[type=submit]").waitFor({ state: "detached" });

  await page.locator("#course-q").pressSequentially("ПРОГУЛ");
  await page.locator("#search-status", { hasText: "Найден 1 курс" }).waitFor();
  assertEquals(await page.locator("[data-course-card]:visible").count(), 1);
  assertEquals(
    (await page.locator("[data-course-card]:visible h3").textContent())?.trim(),
    "Спокойная прогулка",
  );
  assertEquals(new URL(page.url()).searchParams.get("q"), "ПРОГУЛ");

  await page.getByRole("button", { name: "Сбросить" }).click();
  assertEquals(await page.locator("[data-course-card]:visible").count(), 2);
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: without JavaScript the search is a GET form the server answers", async () => {
  await using env = await openBrowserEnv((t) =>
    seedDemo(t.services.db, { print: () => {} }).then(() => {})
  );
  const context = await env.browser.newContext({ javaScriptEnabled: false, locale: "ru-RU" });
  const page = await context.newPage();
  await page.goto(`${env.origin}/courses`);
  await page.locator("#course-q").fill("база");
  await page.getByRole("button", { name: "Найти" }).click();
  await page.waitForURL(/q=/);
  assertEquals(await page.locator("[data-course-card]:visible").count(), 1);
  assertEquals((await page.locator("#search-status").textContent())?.trim(), "Найден 1\u00a0курс");
});
