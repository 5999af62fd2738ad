/**
 * The reminders section in Chromium at 360 px with JavaScript off: the
 * seven weekdays fit one row, nothing scrolls sideways, and adding, then
 * switching off a reminder works with plain form posts.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { listReminders } from "@/core/reminders/reminders.ts";

Deno.test("browser: reminders at 360 px without JavaScript", async () => {
  await using env = await openBrowserEnv();
  const ann = await signIn(env.t, "browser_rem");
  const context = await env.browser.newContext({
    locale: "ru-RU",
    viewport: { width: 360, height: 780 },
    javaScriptEnabled: false,
  });
  const [name, value] = ann.cookie.split("=");
  await context.addCookies([{ name, value, url: env.origin }]);
  const page = await context.newPage();
  await page.goto(`${env.origin}/settings#reminders`);

  const layout = await page.evaluate(`(() => {
    const days = [...document.querySelectorAll("#reminder-add-days .weekday-picker__day")];
    return {
      tops: [...new Set(days.map((d) => Math.round(d.getBoundingClientRect().top)))].length,
      count: days.length,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
    };
  })()`) as { tops: number; count: number; overflow: number };
  assertEquals(layout, { tops: 1, count: 7, overflow: 0 });

  await page.fill("#reminder-add-time", "06:45");
  await page.uncheck("#reminder-add-days input[value=sat]");
  await page.uncheck("#reminder-add-days input[value=sun]");
  await page.click("form.reminder-add button[type=submit]");
  await page.waitForURL(/reminder=added/);
  assert((await page.textContent("#reminders"))!.includes("06:45, по будням"));
  await page.click(".reminder__actions button:has-text('Выключить')");
  await page.waitForURL(/reminder=disabled/);
  const list = await listReminders(env.t.services, { id: ann.id });
  assertEquals(list.map((r) => [r.time, r.days.length, r.enabled]), [["06:45", 5, false]]);
  if (Deno.env.get("REMINDERS_SCREENSHOT")) {
    await page.locator("#reminders").screenshot({ path: Deno.env.get("REMINDERS_SCREENSHOT")! });
  }
  await context.close();
});
