/**
 * The offline app in Chromium (Playwright's offline mode): keep a course,
 * go offline, open a visited page, a day page that was never visited and
 * the offline page;
 * an edited course is refreshed on the next visit; logout empties the
 * learner's caches; a new release shows the reload banner and takes over
 * only after the click.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { type BrowserEnv, openBrowserEnv, waitInPage } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { coursePath, dayPath } from "@/core/paths.ts";
import { editFirstStep, makeOfflineCourse, type OfflineCourse } from "./helpers.ts";

async function openSignedIn(): Promise<{ env: BrowserEnv; course: OfflineCourse }> {
  let course!: OfflineCourse;
  let cookie = "";
  const env = await openBrowserEnv(async (t) => {
    course = await makeOfflineCourse(t);
    const s = await signIn(t, "walker");
    cookie = s.cookie.slice(SESSION_COOKIE.length + 1);
  });
  await env.page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: env.origin }]);
  return { env, course };
}

/** Waits until this page is controlled by an active worker (first visit: after clients.claim). */
async function controlled(env: BrowserEnv): Promise<string> {
  await env.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 30_000,
  });
  return await env.page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);
}

async function cacheNames(env: BrowserEnv): Promise<string[]> {
  return await env.page.evaluate(() => caches.keys());
}

Deno.test("browser: keep a course, open it offline, update it, logout clears it", async () => {
  const { env, course } = await openSignedIn();
  await using _ = env;
  const { page, origin, t } = env;
  await page.goto(origin + coursePath(course.slug));
  await controlled(env);
  const keep = page.locator(".keep-offline");
  await keep.getByText("Займёт около").waitFor();
  await keep.getByRole("button", { name: "Сохранить курс на устройстве" }).click();
  await keep.getByRole("status").filter({ hasText: "Курс сохранён на устройстве" }).waitFor({
    timeout: 30_000,
  });
  await keep.getByRole("button", { name: "Удалить с устройства" }).waitFor();
  assert((await cacheNames(env)).includes(`gafus-course-${course.slug}`));

  // A page visited online opens offline from the learner's page cache.
  await page.goto(origin + "/notifications");
  await page.getByRole("heading", { name: "Уведомления", level: 1 }).waitFor();

  await page.context().setOffline(true);
  await page.goto(origin + "/notifications");
  await page.getByRole("heading", { name: "Уведомления", level: 1 }).waitFor();
  // Day 2 was never opened: it comes from the kept course.
  await page.goto(origin + dayPath(course.slug, course.days[1].dayOnCourseId));
  await page.getByText("Сидеть у двери").first().waitFor();
  // Its image and PDF too.
  const files = await page.evaluate(async (urls) => {
    const out: number[] = [];
    for (const u of urls) out.push((await fetch(u)).status);
    return out;
  }, [course.imageUrl, course.pdfUrl]);
  assertEquals(files, [200, 200]);
  // A page that is neither kept nor visited: the offline page, listing the kept course.
  await page.goto(origin + "/achievements");
  await page.getByRole("heading", { name: "Нет подключения к интернету" }).waitFor();
  await page.getByRole("link", { name: `Курс ${course.slug}` }).waitFor();

  // The trainer edits the course; the next visit online refreshes the kept copy.
  await page.context().setOffline(false);
  await editFirstStep(t, course, "Уши прижаты — собака боится.");
  await page.goto(origin + coursePath(course.slug));
  await keep.getByRole("status").filter({ hasText: "Сохранённая копия обновлена" }).waitFor({
    timeout: 30_000,
  });
  await page.context().setOffline(true);
  await page.goto(origin + dayPath(course.slug, course.days[0].dayOnCourseId));
  await page.getByText("Уши прижаты — собака боится.").first().waitFor();

  // Signing out removes this learner's pages and kept courses from the device.
  await page.context().setOffline(false);
  await page.goto(origin + "/courses");
  await page.locator('form[action="/logout"] button').first().click();
  await page.waitForURL(origin + "/");
  await waitInPage(
    page,
    async () =>
      !(await caches.keys()).some((n) => n === "gafus-pages" || n.startsWith("gafus-course-")),
    null,
  );
  const left = await cacheNames(env);
  assert(left.every((n) => n.startsWith("gafus-shell-")), left.join(", "));
});

Deno.test("browser: a new release shows the reload banner and takes over after the click", async () => {
  const { env, course } = await openSignedIn();
  await using _ = env;
  const { page, origin, t } = env;
  await page.goto(origin + coursePath(course.slug));
  const first = await controlled(env);
  const oldRelease = t.app.assets.release;
  assert(first.endsWith(`v=${oldRelease}`), first);
  const banner = page.locator(".app-update");
  assertEquals(await banner.getByRole("button").count(), 0);

  // A deploy: the server now names another release, so pages register a new worker.
  t.app.assets.release = "0123456789abcdef";
  await page.reload();
  await banner.getByText("Доступна новая версия Гафуса.").waitFor({ timeout: 30_000 });
  // Until the click, the old release still serves this page.
  assert((await controlled(env)).endsWith(`v=${oldRelease}`));
  await Promise.all([
    page.waitForEvent("load"),
    banner.getByRole("button", { name: "Обновить" }).click(),
  ]);
  await page.waitForFunction(
    () => navigator.serviceWorker.controller?.scriptURL.endsWith("v=0123456789abcdef"),
  );
  await waitInPage(
    page,
    async () =>
      (await caches.keys()).filter((n) => n.startsWith("gafus-shell-")).join() ===
        "gafus-shell-0123456789abcdef",
    null,
  );
});
