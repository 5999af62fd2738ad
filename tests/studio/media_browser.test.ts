/**
 * The step's media section in Chromium: with JavaScript the UploadField
 * island sends the chosen files by XHR and the page comes back with them, a
 * refused file shows the server's message at the field; without JavaScript
 * the plain multipart form does the same job.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { Buffer } from "node:buffer";
import { makeCourse } from "../training/helpers.ts";

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

async function setup() {
  let stepId = "";
  let cookie = "";
  const env = await openBrowserEnv(async (t) => {
    const c = await makeCourse(t, { author: "anna", days: [{ steps: [{ type: "THEORY" }] }] });
    stepId = c.days[0].stepIds[0];
    cookie = (await signIn(t, "anna", "TRAINER")).cookie.slice(SESSION_COOKIE.length + 1);
  });
  return { env, stepId, cookie };
}

async function images(env: Awaited<ReturnType<typeof setup>>["env"], stepId: string) {
  return (await env.t.services.db.selectFrom("steps").select(["images", "pdfs"])
    .where("id", "=", stepId).executeTakeFirstOrThrow());
}

Deno.test("browser with JavaScript: pictures go up with progress, a refused PDF is explained at its field", async () => {
  const { env, stepId, cookie } = await setup();
  await using _ = env;
  await env.page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: env.origin }]);
  const page = env.page;
  await page.goto(`${env.origin}/studio/steps/${stepId}`);
  const media = page.locator("#media");
  await media.locator("form[data-live]").first().waitFor();
  await media.getByLabel("Изображения", { exact: true }).setInputFiles([
    { name: "one.png", mimeType: "image/png", buffer: PNG },
    { name: "two.png", mimeType: "image/png", buffer: PNG },
  ]);
  await media.getByRole("button", { name: "Добавить иллюстрации" }).click();
  await page.waitForURL(/media=uploaded/);
  await page.getByText("Файлы добавлены").waitFor();
  assertEquals((await images(env, stepId)).images.length, 2);
  assertEquals(await page.locator("#media .studio-media__image img").count(), 2);

  await page.locator("#media form[data-live]").nth(1).waitFor();
  await media.getByLabel("PDF-файлы", { exact: true }).setInputFiles({
    name: "notes.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("not a pdf at all"),
  });
  await media.getByRole("button", { name: "Добавить PDF" }).click();
  const alert = media.getByRole("alert").filter({ hasText: "Это не PDF-файл" });
  await alert.waitFor();
  assert(page.url().includes("media=uploaded"), "stayed on the page");
  assertEquals((await images(env, stepId)).pdfs, []);
  assertEquals((await env.t.services.storage.list(`steps/${stepId}/`)).length, 2);
  assertEquals(env.consoleErrors.filter((e) => !/status of 415/.test(e)), []);
});

Deno.test("browser without JavaScript: the media form uploads a PDF and comes back with a notice", async () => {
  const { env, stepId, cookie } = await setup();
  await using _ = env;
  const context = await env.browser.newContext({ javaScriptEnabled: false, locale: "ru-RU" });
  await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: env.origin }]);
  const page = await context.newPage();
  await page.goto(`${env.origin}/studio/steps/${stepId}`);
  const media = page.locator("#media");
  await media.getByLabel("PDF-файлы", { exact: true }).setInputFiles({
    name: "План занятий.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
  });
  await media.getByRole("button", { name: "Добавить PDF" }).click();
  await page.waitForURL(/media=uploaded/);
  await page.getByText("Файлы добавлены").waitFor();
  const row = await images(env, stepId);
  assertEquals(row.pdfs.map((p) => p.name), ["План занятий.pdf"]);
  await media.getByRole("link", { name: "План занятий.pdf", exact: true }).waitFor();
});
