/**
 * The install prompt: offered on a phone when the browser allows installing
 * (`beforeinstallprompt`), never on a desktop, and after "not now" not again
 * on the next pages.
 */
import { assertEquals } from "../helpers/assert.ts";
import { launchBrowser } from "../helpers/browser.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import type { Page } from "playwright-core";

const PHONE = {
  isMobile: true,
  hasTouch: true,
  viewport: { width: 360, height: 740 },
  locale: "ru-RU",
};

/** What Chromium fires when the app is installable (headless never does by itself). */
async function offerInstall(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector(".app-shell") !== null);
  // The island listens once hydrated; the boot script has run by "load".
  await page.waitForLoadState("load");
  await page.waitForTimeout(300);
  await page.evaluate(() => {
    const e = new Event("beforeinstallprompt", { cancelable: true }) as Event & {
      prompt(): Promise<void>;
      userChoice: Promise<unknown>;
    };
    e.prompt = () => Promise.resolve();
    e.userChoice = Promise.resolve({ outcome: "dismissed" });
    globalThis.dispatchEvent(e);
  });
}

Deno.test("browser: the install prompt on a phone once, never on a desktop", async () => {
  await using t = await openTestApp();
  const s = await signIn(t, "installer");
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await launchBrowser();
  try {
    const cookie = {
      name: SESSION_COOKIE,
      value: s.cookie.slice(SESSION_COOKIE.length + 1),
      url: origin,
    };
    const desktop = await browser.newContext({ locale: "ru-RU" });
    await desktop.addCookies([cookie]);
    const dp = await desktop.newPage();
    await dp.goto(origin + "/courses");
    await offerInstall(dp);
    await dp.waitForTimeout(300);
    assertEquals(await dp.getByRole("region", { name: "Установка приложения" }).count(), 0);

    const phone = await browser.newContext(PHONE);
    await phone.addCookies([cookie]);
    const pp = await phone.newPage();
    await pp.goto(origin + "/courses");
    await offerInstall(pp);
    const prompt = pp.getByRole("region", { name: "Установка приложения" });
    await prompt.waitFor();
    await prompt.getByRole("button", { name: "Не сейчас" }).click();
    await prompt.waitFor({ state: "detached" });
    await pp.goto(origin + "/settings");
    await offerInstall(pp);
    await pp.waitForTimeout(300);
    assertEquals(await prompt.count(), 0, "not offered again after 'not now'");
  } finally {
    await browser.close();
  }
});
