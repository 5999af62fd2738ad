/**
 * In Chromium: the favourite star (click → starred in place, survives a
 * reload; the no-JS form does the same) and the filter form (live with
 * JavaScript, a plain GET form without it).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import type { TestApp } from "../helpers/app.ts";
import { makeCourse } from "./fixtures.ts";

async function setup(t: TestApp) {
  const trainer = await signIn(t, "b_trainer", "TRAINER");
  await makeCourse(t.services.db, {
    slug: "puppy-start",
    name: "Щенок дома",
    level: "BEGINNER",
    avgRating: 4.8,
    reviewCount: 3,
    authorId: trainer.id,
  });
  await makeCourse(t.services.db, {
    slug: "street-calm",
    name: "Спокойно на улице",
    level: "INTERMEDIATE",
    authorId: trainer.id,
  });
  await makeCourse(t.services.db, {
    slug: "sport",
    name: "Аджилити",
    level: "ADVANCED",
    avgRating: 3.5,
    reviewCount: 1,
    authorId: trainer.id,
  });
}

async function signInBrowser(
  env: Awaited<ReturnType<typeof openBrowserEnv>>,
  username: string,
  context = env.page.context(),
) {
  const s = await signIn(env.t, username);
  const [name, value] = s.cookie.split("=");
  await context.addCookies([{ name, value, url: env.origin }]);
  return s;
}

Deno.test("browser: the favourite star toggles in place and stays after a reload", async () => {
  await using env = await openBrowserEnv(setup);
  const { page, origin, t } = env;
  const me = await signInBrowser(env, "star_user");
  await page.goto(`${origin}/courses`);
  const star = page.getByRole("button", { name: "Добавить «Щенок дома» в избранное" });
  // The island is live once hydrated (the boot script has run).
  await page.waitForFunction(() =>
    document.querySelector("form.search button[type=submit]") === null
  );
  await star.click();
  const on = page.getByRole("button", { name: "Убрать «Щенок дома» из избранного" });
  await on.waitFor();
  assertEquals(await on.getAttribute("aria-pressed"), "true");
  assertEquals(new URL(page.url()).pathname, "/courses", "no navigation: updated in place");
  await page.locator(".fav [role=status]", { hasText: "Добавлено в избранное" }).waitFor({
    state: "attached",
  });
  const rows = await t.services.db.selectFrom("favorites").select("course_id")
    .where("user_id", "=", me.id).execute();
  assertEquals(rows.length, 1);

  await page.reload();
  assertEquals(
    await page.getByRole("button", { name: "Убрать «Щенок дома» из избранного" })
      .getAttribute("aria-pressed"),
    "true",
  );
  await page.goto(`${origin}/courses?tab=favorites`);
  assertEquals(await page.locator("[data-course-card]:visible h3").allTextContents(), [
    "Щенок дома",
  ]);
  // And off again.
  await page.getByRole("button", { name: "Убрать «Щенок дома» из избранного" }).click();
  await page.getByRole("button", { name: "Добавить «Щенок дома» в избранное" }).waitFor();
  // The star turns at once; the server's answer is what the status line reports.
  await page.locator(".fav [role=status]", { hasText: "Убрано из избранного" }).waitFor({
    state: "attached",
  });
  await page.reload();
  assertEquals(await page.locator("[data-course-card]").count(), 0);
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: without JavaScript the star is a form that posts and comes back", async () => {
  await using env = await openBrowserEnv(setup);
  const context = await env.browser.newContext({ javaScriptEnabled: false, locale: "ru-RU" });
  await signInBrowser(env, "nojs_user", context);
  const page = await context.newPage();
  await page.goto(`${env.origin}/courses?sort=name`);
  await page.getByRole("button", { name: "Добавить «Аджилити» в избранное" }).click();
  await page.waitForURL(`${env.origin}/courses?sort=name`);
  assertEquals(
    await page.getByRole("button", { name: "Убрать «Аджилити» из избранного" })
      .getAttribute("aria-pressed"),
    "true",
  );
});

Deno.test("browser: filters apply as you pick, keep the address, and survive a reload", async () => {
  await using env = await openBrowserEnv(setup);
  const { page, origin } = env;
  await page.goto(`${origin}/courses`);
  await page.waitForFunction(() =>
    document.querySelector("form.search button[type=submit]") === null
  );
  const visible = () => page.locator("[data-course-card]:visible h3").allTextContents();
  assertEquals((await visible()).length, 3);

  await page.getByLabel("Уровень").selectOption("BEGINNER");
  assertEquals(await visible(), ["Щенок дома"]);
  await page.locator("#search-status", { hasText: "Найден 1\u00a0курс" }).waitFor();
  assertEquals(new URL(page.url()).searchParams.get("level"), "BEGINNER");

  await page.getByLabel("Уровень").selectOption("");
  await page.getByLabel("Рейтинг").selectOption("any");
  await page.getByLabel("Порядок").selectOption("name");
  assertEquals(await visible(), ["Аджилити", "Щенок дома"]);
  await page.getByLabel("Порядок").selectOption("rating");
  assertEquals(await visible(), ["Щенок дома", "Аджилити"]);

  await page.reload();
  assertEquals(await visible(), ["Щенок дома", "Аджилити"], "the server renders the same list");
  assertEquals(await page.getByLabel("Рейтинг").inputValue(), "any");
  await page.getByRole("link", { name: "Сбросить фильтры" }).click();
  await page.waitForURL(`${origin}/courses`);
  assertEquals((await visible()).length, 3);
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: without JavaScript the filters are a GET form", async () => {
  await using env = await openBrowserEnv(setup);
  const context = await env.browser.newContext({ javaScriptEnabled: false, locale: "ru-RU" });
  const page = await context.newPage();
  await page.goto(`${env.origin}/courses`);
  await page.getByLabel("Уровень").selectOption("INTERMEDIATE");
  await page.getByRole("button", { name: "Найти" }).click();
  await page.waitForURL(/level=INTERMEDIATE/);
  assertEquals(await page.locator("[data-course-card]:visible h3").allTextContents(), [
    "Спокойно на улице",
  ]);
  assert((await page.locator("#search-status").textContent())?.includes("Найден 1\u00a0курс"));
});
