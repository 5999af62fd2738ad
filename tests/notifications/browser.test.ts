/**
 * Push in Chromium, on /settings:
 *
 * - The island asks for permission only on the click, registers /sw.js,
 *   subscribes with the server's VAPID key and posts the subscription (with
 *   CSRF). Chromium runs test contexts in incognito, where it refuses the
 *   Push API and there is no push service to reach, so only the browser's
 *   `PushManager.subscribe` is replaced: by a subscription whose keys the
 *   test holds. The server then really sends to a push service on loopback,
 *   and the test decrypts what arrived.
 * - The decrypted payload is handed to the real service worker through the
 *   DevTools protocol (`ServiceWorker.deliverPushMessage`); it shows the
 *   notification with the title, body and a same-origin URL.
 * - Each state the island can meet is explained (blocked, unsupported, no JS).
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { NOTIFICATIONS, notify } from "@/core/notifications.ts";
import { newBrowserSubscription, startPushService } from "./push_service.ts";
import type { BrowserContext } from "playwright-core";

async function signInBrowser(context: BrowserContext, origin: string, cookie: string) {
  const [name, ...rest] = cookie.split("=");
  await context.addCookies([{ name, value: rest.join("="), url: origin }]);
}

Deno.test("browser: turning push on sends a subscription the server can push to; the worker shows it", async () => {
  await using env = await openBrowserEnv();
  await using push = startPushService();
  const { page, origin, t } = env;
  const anna = await signIn(t, "anna");
  const context = page.context();
  await signInBrowser(context, origin, anna.cookie);
  await context.grantPermissions(["notifications"], { origin });

  const keys = await newBrowserSubscription();
  const endpoint = push.endpoint("chromium");
  await context.addInitScript(({ endpoint, p256dh, auth }) => {
    let current: PushSubscription | null = null;
    const w = window as unknown as { __subscribeCalls: unknown[] };
    w.__subscribeCalls = [];
    PushManager.prototype.subscribe = function (opts?: PushSubscriptionOptionsInit) {
      w.__subscribeCalls.push({ userVisibleOnly: opts?.userVisibleOnly });
      const key = new Uint8Array(opts!.applicationServerKey as Uint8Array).buffer;
      current = {
        endpoint,
        expirationTime: null,
        options: { applicationServerKey: key, userVisibleOnly: true },
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
        unsubscribe: () => {
          current = null;
          return Promise.resolve(true);
        },
      } as unknown as PushSubscription;
      return Promise.resolve(current);
    };
    PushManager.prototype.getSubscription = () => Promise.resolve(current);
  }, { endpoint, p256dh: keys.p256dh, auth: keys.auth });

  await page.goto(`${origin}/settings`);
  const toggle = page.locator(".push-toggle");
  await page.locator('.push-toggle[data-status="off"]').waitFor();
  assertStringIncludes(
    await toggle.textContent() ?? "",
    "Уведомления на этом устройстве выключены.",
  );
  await page.getByRole("button", { name: "Включить на этом устройстве" }).click();
  await page.locator('.push-toggle[data-status="on"]').waitFor();
  assertStringIncludes(
    await toggle.textContent() ?? "",
    "Уведомления включены на этом устройстве.",
  );
  assertEquals(
    await page.evaluate(() =>
      (window as unknown as { __subscribeCalls: unknown[] }).__subscribeCalls
    ),
    [
      { userVisibleOnly: true },
    ],
  );

  const [row] = await t.services.db.selectFrom("push_subscriptions")
    .select(["user_id", "endpoint", "p256dh", "auth"]).execute();
  assertEquals(row, { user_id: anna.id, endpoint, p256dh: keys.p256dh, auth: keys.auth });
  const swUrl = await page.evaluate(async () =>
    (await navigator.serviceWorker.getRegistration("/"))?.active?.scriptURL
  );
  // The app shell's worker of this release (islands/AppShell.tsx), reused by the toggle.
  assertEquals(swUrl, `${origin}/sw.js?v=${t.app.assets.release}`);

  // The server pushes; the loopback push service receives an encrypted message.
  t.services.jobs.start();
  const sent = await notify(t.services, anna.id, {
    ...NOTIFICATIONS.stepFinished,
    vars: { step: "Сидеть" },
    url: "/courses/eto-baza",
  });
  await t.services.jobs.drain({ timeoutMs: 20_000 });
  assertEquals(push.requests.length, 1);
  const plaintext = (await keys.decrypt(push.requests[0].body)).plaintext;

  // The push service would hand it to the browser: do that through DevTools.
  const cdp = await context.newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string }[] = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  for (let i = 0; i < 50 && !registrations.length; i++) await page.waitForTimeout(50);
  const reg = registrations.find((r) => r.scopeURL === `${origin}/`);
  assert(reg, "the service worker is registered for the whole site");
  await cdp.send("ServiceWorker.deliverPushMessage", {
    origin,
    registrationId: reg.registrationId,
    data: plaintext,
  });
  let shown: { title: string; body: string; tag: string; url: string }[] = [];
  for (let i = 0; i < 50 && !shown.length; i++) {
    await page.waitForTimeout(100);
    shown = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      return (await r.getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        url: (n.data as { url: string }).url,
      }));
    });
  }
  assertEquals(shown, [{
    title: "Вы великолепны!",
    body: "Вы успешно прошли «Сидеть».",
    tag: sent!.id,
    url: `${origin}/notifications/${sent!.id}`,
  }]);

  // Turning it off deletes the subscription on the server.
  await page.getByRole("button", { name: "Выключить на этом устройстве" }).click();
  await page.locator('.push-toggle[data-status="off"]').waitFor();
  assertEquals(await t.services.db.selectFrom("push_subscriptions").select("id").execute(), []);
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: blocked, unsupported and script-less browsers get an explanation, not a button", async () => {
  await using env = await openBrowserEnv();
  const { browser, origin, t } = env;
  const anna = await signIn(t, "anna");

  const blocked = await browser.newContext({ locale: "ru-RU" });
  await signInBrowser(blocked, origin, anna.cookie);
  await blocked.addInitScript(() => {
    Object.defineProperty(Notification, "permission", { get: () => "denied" });
  });
  const p1 = await blocked.newPage();
  await p1.goto(`${origin}/settings`);
  await p1.locator('.push-toggle[data-status="denied"]').waitFor();
  assertStringIncludes(
    await p1.locator(".push-toggle").textContent() ?? "",
    "Уведомления для этого сайта запрещены в браузере.",
  );
  assertEquals(await p1.locator(".push-toggle button").count(), 0);

  const old = await browser.newContext({ locale: "ru-RU" });
  await signInBrowser(old, origin, anna.cookie);
  await old.addInitScript(() => {
    delete (window as unknown as { PushManager?: unknown }).PushManager;
  });
  const p2 = await old.newPage();
  await p2.goto(`${origin}/settings`);
  await p2.locator('.push-toggle[data-status="unsupported"]').waitFor();
  assertStringIncludes(
    await p2.locator(".push-toggle").textContent() ?? "",
    "Этот браузер не поддерживает push-уведомления.",
  );

  const noJs = await browser.newContext({ locale: "ru-RU", javaScriptEnabled: false });
  await signInBrowser(noJs, origin, anna.cookie);
  const p3 = await noJs.newPage();
  await p3.goto(`${origin}/settings`);
  assertStringIncludes(
    await p3.locator(".push-toggle").textContent() ?? "",
    "Для push-уведомлений нужен JavaScript.",
  );
  // The permission prompt never appeared by itself: nothing was subscribed.
  assertEquals(await t.services.db.selectFrom("push_subscriptions").select("id").execute(), []);
});
