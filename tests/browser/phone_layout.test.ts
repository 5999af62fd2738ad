/**
 * A 360 px phone, signed in as a trainer (the widest header): no page is
 * wider than the screen, every header link can be reached, and the
 * per-course table on /achievements scrolls inside a labelled, focusable
 * region instead of widening the page.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { completeDay, makeCourse, setCourseStatus } from "../catalogue/fixtures.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import type { Page } from "playwright-core";

const PHONE = { width: 360, height: 740 };

async function openAsTrainer() {
  const env = await openBrowserEnv(async (t) => {
    await seedDemo(t.services.db, { print: () => {} });
  });
  const trainer = await signIn(env.t, "trainer", "TRAINER");
  // A course with a long name and progress, so /achievements has its table.
  const course = await makeCourse(env.t.services.db, {
    slug: "long-named-course",
    name: "Очень длинное название курса про спокойные прогулки",
    authorId: trainer.id,
    days: [{ steps: [{ type: "PRACTICE" }] }, { steps: [{ type: "PRACTICE" }] }],
  });
  await completeDay(env.t.services.db, trainer.id, course.days[0], { activeSeconds: 600 });
  await setCourseStatus(env.t.services.db, trainer.id, course.id, "IN_PROGRESS", new Date(), null);
  const context = await env.browser.newContext({ locale: "ru-RU", viewport: PHONE });
  await context.addCookies([{
    name: SESSION_COOKIE,
    value: trainer.cookie.slice(SESSION_COOKIE.length + 1),
    url: env.origin,
  }]);
  const page = await context.newPage();
  return { env, page };
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Header links whose box is not wholly inside the viewport (left, right). */
function linksOutside(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLAnchorElement>(".site-header a:not(.skip-link)")]
      .filter((a) => a.getClientRects().length > 0)
      .filter((a) => {
        const r = a.getBoundingClientRect();
        return r.left < 0 || r.right > document.documentElement.clientWidth;
      })
      .map((a) => a.textContent?.trim())
  );
}

Deno.test("browser: on a 360 px phone no page is wider than the screen and every header link is on screen", async () => {
  const { env, page } = await openAsTrainer();
  await using _ = env;
  for (const path of ["/", "/courses", "/achievements"]) {
    await page.goto(`${env.origin}${path}`);
    assert(await pageWidth(page) <= PHONE.width, `${path} is ${await pageWidth(page)} px wide`);
    assertEquals(await linksOutside(page), [], `${path}: header links cut off`);
    for (const name of ["Курсы", "Достижения", "Профиль", "Студия"]) {
      const link = page.locator(".site-header a", { hasText: name }).first();
      assert(await link.isVisible(), `${path}: "${name}" is not visible`);
    }
  }
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: the per-course table on /achievements scrolls in a labelled region a keyboard can reach", async () => {
  const { env, page } = await openAsTrainer();
  await using _ = env;
  await page.goto(`${env.origin}/achievements`);
  assert(await pageWidth(page) <= PHONE.width);
  const region = page.getByRole("region", { name: "Таблица по курсам" });
  assertEquals(await region.getAttribute("tabindex"), "0");
  const sizes = await region.evaluate((el) => ({
    scroll: el.scrollWidth,
    client: el.clientWidth,
    overflow: getComputedStyle(el).overflowX,
  }));
  assert(sizes.scroll > sizes.client, "the table fits; the test needs one that does not");
  assertEquals(sizes.overflow, "auto");
  // The keyboard scrolls it: focus, then the right arrow.
  await region.focus();
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelector(".table-scroll")!.scrollLeft > 0);
  // The cue that more columns hide to the right.
  const hint = page.locator("#" + await region.getAttribute("aria-describedby"));
  assert(await hint.isVisible(), "no visible hint that the table scrolls");
  assertEquals((await hint.textContent())?.trim(), "Таблица шире экрана — прокрутите её вбок");
});
