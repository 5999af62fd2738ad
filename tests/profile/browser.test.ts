/**
 * In a real browser: a person registers, adds a pet with a photo through
 * the no-JS multipart form, and sees it — photo included — on their public
 * profile, also as a visitor.
 */
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { makePng } from "./fixtures.ts";

/**
 * The image's decoded width once it has loaded: the element is on the page
 * before its file arrives (through the service worker, under load, later).
 */
function loadedWidth(img: HTMLImageElement): number | Promise<number> {
  if (img.complete && img.naturalWidth) return img.naturalWidth;
  return new Promise((resolve) => {
    img.addEventListener("load", () => resolve(img.naturalWidth), { once: true });
    img.addEventListener("error", () => resolve(0), { once: true });
  });
}

Deno.test("browser: register, add a pet with a photo, see it on the public profile", async () => {
  await using env = await openBrowserEnv();
  const { page, origin } = env;

  await page.goto(`${origin}/register`);
  await page.locator("#username").fill("nina_dog");
  await page.locator("#email").fill("nina@example.ru");
  await page.locator("#password").fill("Secret123");
  await page.locator("#passwordRepeat").fill("Secret123");
  await page.locator("#consentPersonalData").check();
  await page.locator("#consentPrivacyPolicy").check();
  await page.locator("#consentPublicProfile").check();
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/register")),
    page.locator("form button[type=submit]").last().click(),
  ]);

  await page.goto(`${origin}/profile/pets/new`);
  await page.locator("#name").fill("Дружок");
  await page.locator("#type").selectOption("DOG");
  await page.locator("#breed").fill("Корги");
  await page.locator("#birthDate").fill("12.06.2021");
  await page.locator("#weightKg").fill("11,5");
  const png = await makePng(32, 32, [46, 198, 254]);
  await page.locator("#photo").setInputFiles({
    name: "druzhok.png",
    mimeType: "image/png",
    buffer: Buffer.from(png),
  });
  await Promise.all([
    page.waitForURL(/\/profile\/pets\/[0-9a-f-]{36}\?done=created$/),
    page.getByRole("button", { name: "Добавить питомца" }).click(),
  ]);
  await page.getByText("Питомец добавлен").waitFor();
  const photo = page.locator("img.pet-photo");
  await photo.waitFor();
  assertEquals(await photo.evaluate(loadedWidth), 32);

  await page.goto(`${origin}/u/nina_dog`);
  await page.locator(".pet-card", { hasText: "Дружок" }).waitFor();
  const card = page.locator(".pet-card", { hasText: "Дружок" });
  assertMatch((await card.textContent()) ?? "", /Собака · Корги/);
  const cardImg = card.locator("img");
  await cardImg.waitFor();
  // Decoded by the browser: the file streamed back through /media intact.
  assertEquals(await cardImg.evaluate(loadedWidth), 32);
  // For a person to look at the 360 px layout: SCREENSHOT_DIR=/tmp deno test …
  const shots = Deno.env.get("SCREENSHOT_DIR");
  if (shots) {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: `${shots}/gafus-public-profile.png`, fullPage: true });
  }

  // A visitor sees the same public profile and photo.
  const visitor = await env.browser.newContext({ locale: "ru-RU", javaScriptEnabled: false });
  const anon = await visitor.newPage();
  const res = await anon.goto(`${origin}/u/nina_dog`);
  assertEquals(res?.status(), 200);
  const src = await anon.locator(".pet-card img").getAttribute("src");
  assert(src?.startsWith("/media/users/"));
  const media = await anon.request.get(`${origin}${src}`);
  assertEquals(media.status(), 200);
  assertEquals(new Uint8Array(await media.body()), png);
  await visitor.close();

  assertEquals(env.consoleErrors, []);
});
