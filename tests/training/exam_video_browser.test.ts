/**
 * Exam videos in Chromium: with JavaScript off, the exam form itself posts
 * answers and a real video file as multipart and lands back on the day page;
 * with JavaScript on, a file that is not a video is refused by the XHR upload
 * with the server's message.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { Buffer } from "node:buffer";
import { type CourseFixture, dayUrl, makeCourse, QUESTIONS } from "./helpers.ts";
import { makeVideo } from "./videos.ts";

async function setup() {
  let course!: CourseFixture;
  let cookie = "";
  const env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, {
      days: [{
        steps: [{
          type: "EXAMINATION",
          title: "Видеоэкзамен",
          requiresVideo: true,
          requiresWritten: true,
          checklist: QUESTIONS,
        }],
      }],
    });
    cookie = (await signIn(t, "filmer")).cookie.slice(SESSION_COOKIE.length + 1);
  });
  return { env, course, cookie };
}

Deno.test("browser without JavaScript: the exam form sends answers and a video file", async () => {
  const { env, course, cookie } = await setup();
  await using _ = env;
  const context = await env.browser.newContext({ javaScriptEnabled: false, locale: "ru-RU" });
  await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: env.origin }]);
  const page = await context.newPage();
  await page.goto(env.origin + dayUrl(course));
  const exam = page.locator(".exam");
  assertEquals(await exam.getAttribute("data-live"), null, "no island ran");
  await exam.getByLabel("4").check();
  await exam.getByLabel("Да").check();
  await exam.getByLabel("Письменный ответ").fill("Жду, пока сядет, и хвалю.");
  await exam.getByLabel("Файл с видео").setInputFiles({
    name: "report.webm",
    mimeType: "video/webm",
    buffer: Buffer.from(await makeVideo("webm")),
  });
  await exam.getByRole("button", { name: "Отправить на проверку" }).click();
  await page.waitForURL(/notice=sent/);
  await page.getByText("Ответы отправлены тренеру").first().waitFor();
  assert(new URL(page.url()).pathname === dayUrl(course), page.url());
  const row = await env.t.services.db.selectFrom("exam_results").selectAll()
    .executeTakeFirstOrThrow();
  assertEquals([row.status, row.test_score, row.written_answer], [
    "PENDING",
    2,
    "Жду, пока сядет, и хвалю.",
  ]);
  assert(row.video_key?.endsWith(".webm"), row.video_key ?? "no video");
  await page.locator(`video[src="/media/${row.video_key}"]`).waitFor({ state: "attached" });
  await context.close();
});

Deno.test("browser with JavaScript: a file that is not a video is refused by the upload", async () => {
  const { env, course, cookie } = await setup();
  await using _ = env;
  const { page, origin } = env;
  await page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  await page.goto(origin + dayUrl(course));
  const exam = page.locator('.exam[data-live="1"]');
  await exam.waitFor();
  await exam.getByLabel("Файл с видео").setInputFiles({
    name: "notes.mp4",
    mimeType: "video/mp4",
    buffer: Buffer.from("просто текст, а не видео"),
  });
  await exam.getByText("Это не видео (нужен MP4, WebM или MOV)").waitFor();
  assertEquals(await env.t.services.storage.list("exams/"), []);
  // The only failed request is the refused upload.
  assertEquals(
    env.consoleErrors.filter((e) => !/status of 415/.test(e)),
    [],
  );
});
