/**
 * Browser: the studio's islands in Chromium. A trainer reorders a day's
 * steps by keyboard (Space, arrows, Space; Escape puts back) and by mouse
 * drag, the order survives a reload, a list changed meanwhile by someone else
 * is shown as it is now and said so, and the step editor's live preview shows
 * the description rendered as learners see it. No console errors.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { type BrowserEnv, openBrowserEnv } from "../helpers/browser.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import type { TestApp } from "../helpers/app.ts";

interface Fixture {
  trainer: Session;
  day: string;
  step: string;
}

async function setup(t: TestApp, fx: Fixture) {
  fx.trainer = await signIn(t, "anna", "TRAINER");
  const res = await postForm(t, fx.trainer, "/studio/days/new", { title: "День", type: "regular" });
  fx.day = res.headers.get("location")!.split("/")[3].split("?")[0];
  for (const title of ["Альфа", "Бета", "Гамма", "Дельта"]) {
    const s = await postForm(t, fx.trainer, "/studio/steps/new", { title, type: "THEORY" });
    const id = s.headers.get("location")!.split("/")[3].split("?")[0];
    fx.step ??= id;
    await postForm(t, fx.trainer, `/studio/days/${fx.day}`, { _action: "add", stepId: id });
  }
}

async function open(): Promise<{ env: BrowserEnv; fx: Fixture }> {
  const fx = {} as Fixture;
  const env = await openBrowserEnv((t) => setup(t, fx));
  const value = fx.trainer.cookie.slice(SESSION_COOKIE.length + 1);
  await env.page.context().addCookies([{ name: SESSION_COOKIE, value, url: env.origin }]);
  return { env, fx };
}

/** The titles as the page shows them, in order. */
async function shown(env: BrowserEnv): Promise<string[]> {
  const links = env.page.locator("ol[data-reorder] > li .studio-order__title a");
  return (await links.allInnerTexts()).map((s) => s.trim());
}

async function openDay(env: BrowserEnv, fx: Fixture) {
  await env.page.goto(`${env.origin}/studio/days/${fx.day}`);
  // The handles appear once the island is live.
  await env.page.locator("[data-handle]").first().waitFor();
}

function handle(env: BrowserEnv, title: string) {
  return env.page.getByRole("button", { name: `Переместить «${title}»` });
}

const live = (env: BrowserEnv) => env.page.locator(".studio-reorder [aria-live]");

Deno.test("browser: a trainer reorders a day's steps by keyboard; Escape puts back; the order persists", async () => {
  const { env, fx } = await open();
  await using _ = env;
  await openDay(env, fx);
  assertEquals(await shown(env), ["Альфа", "Бета", "Гамма", "Дельта"]);

  await handle(env, "Альфа").focus();
  await env.page.keyboard.press("Space");
  assertStringIncludes(await live(env).innerText(), "«Альфа» взят, позиция 1 из\u00a04");
  await env.page.keyboard.press("ArrowDown");
  await env.page.keyboard.press("ArrowDown");
  assertEquals(await shown(env), ["Бета", "Гамма", "Альфа", "Дельта"]);
  await env.page.keyboard.press("Space");
  await live(env).getByText("Шаг «Альфа» перемещён на позицию 3 из\u00a04.").waitFor();
  // The keyboard focus stays on the moved item's handle after the save.
  assert(await handle(env, "Альфа").evaluate((e) => e === document.activeElement));

  // Escape: the carried item goes back where it was, nothing is saved.
  await handle(env, "Дельта").focus();
  await env.page.keyboard.press("Enter");
  await env.page.keyboard.press("ArrowUp");
  assertEquals(await shown(env), ["Бета", "Гамма", "Дельта", "Альфа"]);
  await env.page.keyboard.press("Escape");
  assertEquals(await shown(env), ["Бета", "Гамма", "Альфа", "Дельта"]);
  assertStringIncludes(await live(env).innerText(), "Перемещение отменено");

  await env.page.reload();
  await env.page.locator("[data-handle]").first().waitFor();
  assertEquals(await shown(env), ["Бета", "Гамма", "Альфа", "Дельта"]);
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: a trainer drags a step with the mouse; a drop line shows where; the order persists", async () => {
  const { env, fx } = await open();
  await using _ = env;
  // The whole list in the viewport: the mouse moves over what is on the screen.
  await env.page.setViewportSize({ width: 1000, height: 1400 });
  await openDay(env, fx);
  await env.page.locator("ol[data-reorder]").scrollIntoViewIfNeeded();
  const from = (await handle(env, "Дельта").boundingBox())!;
  const first = (await env.page.locator("ol[data-reorder] > li").first().boundingBox())!;
  await env.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await env.page.mouse.down();
  await env.page.mouse.move(from.x + from.width / 2, first.y + 4, { steps: 12 });
  // The landing line is drawn before the first row while dragging.
  const line = env.page.locator("ol[data-reorder] > li.studio-order__item--drop-before");
  await line.waitFor({ timeout: 5000 });
  assertEquals(await line.count(), 1);
  assertEquals((await line.locator(".studio-order__title a").innerText()).trim(), "Альфа");
  await env.page.mouse.up();
  await live(env).getByText("Шаг «Дельта» перемещён на позицию 1 из\u00a04.").waitFor();
  assertEquals(await shown(env), ["Дельта", "Альфа", "Бета", "Гамма"]);

  await env.page.reload();
  await env.page.locator("[data-handle]").first().waitFor();
  assertEquals(await shown(env), ["Дельта", "Альфа", "Бета", "Гамма"]);
  assertEquals(env.consoleErrors, []);
});

Deno.test("browser: on a 360 px touch screen a step is dragged by its handle with a finger", async () => {
  const { env, fx } = await open();
  await using _ = env;
  const context = await env.browser.newContext({
    locale: "ru-RU",
    hasTouch: true,
    isMobile: true,
    viewport: { width: 360, height: 1600 },
  });
  const value = fx.trainer.cookie.slice(SESSION_COOKIE.length + 1);
  await context.addCookies([{ name: SESSION_COOKIE, value, url: env.origin }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${env.origin}/studio/days/${fx.day}`);
  await page.locator("[data-handle]").first().waitFor();
  const grip = (await page.getByRole("button", { name: "Переместить «Альфа»" }).boundingBox())!;
  const last = (await page.locator("ol[data-reorder] > li").last().boundingBox())!;
  // Real touch events (Chromium turns them into pointer events, as on a phone).
  const cdp = await context.newCDPSession(page);
  const x = grip.x + grip.width / 2, y0 = grip.y + grip.height / 2;
  const y1 = last.y + last.height - 4;
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y: y0 }] });
  for (let i = 1; i <= 12; i++) {
    const y = y0 + ((y1 - y0) * i) / 12;
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y }] });
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await page.locator(".studio-reorder [aria-live]")
    .getByText("Шаг «Альфа» перемещён на позицию 4 из\u00a04.").waitFor();
  await page.reload();
  await page.locator("[data-handle]").first().waitFor();
  const titles = await page.locator("ol[data-reorder] > li .studio-order__title a").allInnerTexts();
  assertEquals(titles.map((s) => s.trim()), ["Бета", "Гамма", "Дельта", "Альфа"]);
  assertEquals(errors, []);
  await context.close();
});

Deno.test("browser: a list changed by someone else meanwhile is shown as it is now, and said so", async () => {
  const { env, fx } = await open();
  await using _ = env;
  await openDay(env, fx);
  // Another tab reverses the day while this page still shows the old order.
  const day = await (await fx.trainer.fetch(`/api/v1/studio/days/${fx.day}`)).json();
  const seen = day.day.order as string[];
  const put = await fx.trainer.fetch(`/api/v1/studio/days/${fx.day}/order`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ order: [...seen].reverse(), seen }),
  });
  assertEquals(put.status, 200);
  await put.body?.cancel();

  await handle(env, "Альфа").focus();
  await env.page.keyboard.press("Space");
  await env.page.keyboard.press("ArrowDown");
  await env.page.keyboard.press("Space");
  await live(env).getByText("Список изменился").waitFor();
  assertEquals(await shown(env), ["Дельта", "Гамма", "Бета", "Альфа"]);
  // 409 is an answer the island handles; the browser logs the failed request only.
  assert(env.consoleErrors.every((e) => e.includes("409")), env.consoleErrors.join("\n"));
});

Deno.test("browser: the step editor's live preview renders the description as the trainer types", async () => {
  const { env, fx } = await open();
  await using _ = env;
  await env.page.goto(`${env.origin}/studio/steps/${fx.step}`);
  const preview = env.page.locator("[data-live-preview]");
  assertEquals(await preview.getAttribute("aria-live"), "polite");
  await env.page.locator("#description").fill(
    "# Заголовок\n\n**жирно** <script>window.hacked = 1</script>",
  );
  await preview.locator("strong", { hasText: "жирно" }).waitFor();
  assertEquals((await preview.locator("h1").innerText()).trim(), "Заголовок");
  assertEquals(await preview.locator("script").count(), 0);
  assertEquals(await env.page.evaluate(() => "hacked" in globalThis), false);
  // The no-JS button stays as the fallback.
  assertEquals(await env.page.locator('button[name="_action"][value="preview"]').count(), 1);
  assertEquals(env.consoleErrors, []);
});
