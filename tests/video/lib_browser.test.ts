/**
 * The library's live status in Chromium: while a video transcodes, the list
 * redraws its status and percent from the JSON API without a reload, and
 * says so in its polite live region when everything is done.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { newId } from "@/platform/ids.ts";

Deno.test("browser: a transcoding video's percent and then 'ready' appear without reloading the page", async () => {
  const id = newId();
  let cookie = "";
  const env = await openBrowserEnv(async (t) => {
    const anna = await signIn(t, "anna", "TRAINER");
    cookie = anna.cookie.slice(SESSION_COOKIE.length + 1);
    await t.services.db.insertInto("videos").values({
      id,
      owner_id: anna.id,
      original_name: "урок.mp4",
      mime_type: "video/mp4",
      size_bytes: 10,
      status: "PROCESSING",
      progress: 10,
    }).execute();
  });
  await using _ = env;
  await env.page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: env.origin }]);
  const page = env.page;
  await page.goto(`${env.origin}/studio/videos`);
  await page.getByText("Перекодируется: 10%").waitFor();
  let loads = 0;
  page.on("load", () => loads++);
  const db = env.t.services.db;
  await db.updateTable("videos").set({ progress: 60 }).where("id", "=", id).execute();
  await page.getByText("Перекодируется: 60%").waitFor({ timeout: 10_000 });
  await db.updateTable("videos").set({ status: "READY", progress: 100, duration_sec: 65 })
    .where("id", "=", id).execute();
  await page.locator(`#video-${id} >> text=Готово`).waitFor({ timeout: 10_000 });
  await page.getByText("01:05").waitFor();
  await page.locator('[role="status"]', { hasText: "Все видео перекодированы." }).waitFor();
  assertEquals(loads, 0, "no reload");
  assertEquals(env.consoleErrors, []);
});
