/**
 * Kept courses in Chromium with the browser's offline mode, end to end:
 *
 * - keep a course, go offline, open a day never visited, complete a practice
 *   step and write a diary entry; back online the server has both exactly
 *   once; the kept-courses list shows the course with its size and removes
 *   it.
 * - a course with a trainer's video: the size before keeping counts the
 *   video, and offline the video plays from the kept copy (nothing from the
 *   network); back online a changed course is refreshed from any page, and
 *   once the learner's access is revoked the copy leaves the device, key
 *   included, and the server refuses the key.
 *
 * Covered elsewhere, not repeated: a timer started offline keeps its real
 * start (tests/offline/browser.test.ts); a kept course refreshed on the
 * visit of its page after an edit, and logout clearing it
 * (tests/pwa/browser.test.ts).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { type BrowserEnv, openBrowserEnv, waitInPage } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import type { TestApp } from "../helpers/app.ts";
import { type CourseFixture, makeCourse } from "../training/helpers.ts";
import { addReadyVideo, useVideoInStep } from "../video/play_helpers.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";
import {
  coursePath,
  dayPath,
  offlinePath,
  videoOfflineKeyPath,
  videoOfflinePlaylistPath,
} from "@/core/paths.ts";

interface Opened {
  env: BrowserEnv;
  course: CourseFixture;
  learnerId: string;
  videoId: string;
}

async function open(
  setup: (t: TestApp, learnerId: string) => Promise<{ course: CourseFixture; videoId?: string }>,
): Promise<Opened> {
  let course!: CourseFixture;
  let cookie = "";
  let learnerId = "";
  let videoId = "";
  const env = await openBrowserEnv(async (t) => {
    const s = await signIn(t, "keeper");
    learnerId = s.id;
    ({ course, videoId = "" } = await setup(t, s.id));
    cookie = s.cookie.slice(SESSION_COOKIE.length + 1);
  });
  await env.page.context().addCookies([{ name: SESSION_COOKIE, value: cookie, url: env.origin }]);
  return { env, course, learnerId, videoId };
}

/** Opens the course page, waits for the worker, and keeps the course. */
async function keepCourse(env: BrowserEnv, slug: string, sizeText?: RegExp): Promise<void> {
  const { page, origin } = env;
  await page.goto(origin + coursePath(slug));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 30_000,
  });
  const keep = page.locator(".keep-offline");
  await keep.getByText("Займёт около").waitFor();
  if (sizeText) await keep.getByText(sizeText).waitFor();
  await keep.getByRole("button", { name: "Сохранить курс на устройстве" }).click();
  await keep.getByRole("status").filter({ hasText: "Курс сохранён на устройстве" }).waitFor({
    timeout: 60_000,
  });
}

const cacheName = (slug: string) => `gafus-course-${slug}`;

Deno.test("browser: a kept course offline — a never-visited day's practice and diary reach the server once; the kept list removes it", async () => {
  const { env, course, learnerId } = await open(async (t) => ({
    course: await makeCourse(t, {
      days: [
        { title: "Знакомство", steps: [{ type: "THEORY", title: "Как читать собаку" }] },
        {
          title: "В парке",
          steps: [
            { type: "PRACTICE", title: "Подзыв у скамейки" },
            { type: "DIARY", title: "Дневник прогулки" },
          ],
        },
      ],
    }),
  }));
  await using _ = env;
  const { page, origin, t } = env;
  const context = page.context();
  await keepCourse(env, course.slug);

  await context.setOffline(true);
  // Day 2 was never opened: it comes from the kept course, and its islands work.
  await page.goto(origin + dayPath(course.slug, course.days[1].dayOnCourseId));
  await page.getByText("Подзыв у скамейки").first().waitFor();
  await page.locator('.sync-status[data-live="1"]').waitFor({ state: "attached" });
  const [practice, diaryStep] = course.days[1].stepOnDayIds;
  // The first step of a day is open already.
  await page.locator(`#step-${practice}`).getByRole("button", { name: "Я выполнил" }).click();
  await page.locator(`[data-step-status="${practice}"]`)
    .filter({ hasText: "Ждёт синхронизации" }).waitFor();
  await page.locator(`#step-${diaryStep} summary`).click();
  const diary = page.locator(`#step-${diaryStep} .diary-form[data-live="1"]`);
  await diary.getByLabel("Запись в дневнике успехов").fill("Без сети у скамейки: пришёл сразу.");
  await diary.getByRole("button", { name: "Сохранить запись" }).click();
  await diary.getByText("Запись сохранена на устройстве").waitFor();
  const text = page.locator("[data-sync-text]");
  await text.filter({ hasText: "Ждут синхронизации: 2" }).waitFor();

  const db = t.services.db;
  const entries = () =>
    db.selectFrom("diary_entries").selectAll().where("user_id", "=", learnerId).execute();
  const completed = () =>
    db.selectFrom("user_steps").select("step_on_day_id").where("user_id", "=", learnerId)
      .where("status", "=", "COMPLETED").execute();
  assertEquals((await entries()).length, 0, "nothing reached the server offline");
  assertEquals((await completed()).length, 0);

  await context.setOffline(false);
  await text.filter({ hasText: "Все действия синхронизированы" }).waitFor({ timeout: 15_000 });
  // A reload online replays nothing more.
  await page.reload();
  await page.locator('.sync-status[data-live="1"]').waitFor({ state: "attached" });
  const rows = await entries();
  assertEquals(rows.length, 1);
  assertEquals(rows[0].content, "Без сети у скамейки: пришёл сразу.");
  assertEquals(
    (await completed()).map((r) => r.step_on_day_id).sort(),
    [practice, diaryStep].sort(),
  );
  const keys = await db.selectFrom("idempotency_keys").select("key")
    .where("user_id", "=", learnerId).execute();
  assertEquals(keys.length, 2);

  // The kept-courses list: the course with its size; removing it empties the device.
  await page.goto(origin + offlinePath());
  const item = page.locator(".kept-courses__list li");
  await item.getByRole("link", { name: `Курс ${course.slug}` }).waitFor();
  await item.getByText(/Курс сохранён на устройстве \(\d+\s(КБ|МБ)\)/).waitFor();
  await item.getByRole("button", { name: "Удалить с устройства" }).click();
  await page.locator(".kept-courses [role=status]").filter({ hasText: "Курс удалён с устройства" })
    .waitFor();
  await page.getByText("На этом устройстве нет сохранённых курсов").waitFor();
  assert(!(await page.evaluate(() => caches.keys())).includes(cacheName(course.slug)));
});

Deno.test("browser: a kept course's video plays offline from the device; lost access removes it, key included", async () => {
  const { env, course, learnerId, videoId } = await open(async (t, learnerId) => {
    const course = await makeCourse(t, {
      access: "PRIVATE",
      days: [{ steps: [{ type: "THEORY", title: "Смотрим видео" }] }],
    });
    await t.services.db.insertInto("course_access")
      .values({ course_id: course.courseId, user_id: learnerId }).execute();
    const { videoId } = await addReadyVideo(t, course.authorId, { durationSec: 6 });
    await useVideoInStep(t, course.days[0].stepIds[0], videoId);
    invalidateCourses(t.services);
    return { course, videoId };
  });
  await using _ = env;
  const { page, origin, t } = env;
  const context = page.context();
  const keyPath = videoOfflineKeyPath(videoId);
  const kept = (url: string) =>
    page.evaluate(async (u) => (await caches.match(u)) !== undefined, url);

  await keepCourse(env, course.slug, /В том числе видео \(1\) в низком качестве/);
  assert(await kept(videoOfflinePlaylistPath(videoId)), "the playlist is kept");
  assert(await kept(keyPath), "the key is kept");

  const network: string[] = [];
  page.on("request", (r) => network.push(new URL(r.url()).pathname));
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.includes("/offline/") && !r.fromServiceWorker()) {
      network.push(`NOT FROM THE WORKER: ${path}`);
    }
  });
  await context.setOffline(true);
  await page.goto(origin + dayPath(course.slug, course.days[0].dayOnCourseId));
  await page.getByRole("button", { name: "Смотреть видео «Смотрим видео»" }).click();
  await page.waitForFunction(
    () => {
      const v = document.querySelector("video");
      return !!v && !v.paused && v.readyState >= 3 && v.currentTime >= 2;
    },
    undefined,
    { timeout: 30_000 },
  );
  assert(network.includes(videoOfflinePlaylistPath(videoId)), network.join("\n"));
  assert(network.includes(keyPath), "the key came from the kept copy");
  assert(network.some((p) => /\/offline\/120p\/seg_\d+\.ts$/.test(p)), "segments from the copy");
  assert(!network.some((p) => p.startsWith("NOT FROM THE WORKER")), network.join("\n"));
  assert(!network.some((p) => p.endsWith("/session")), "no signed URL was asked for");

  // Online again on this day page: a changed course is refreshed from here.
  const version = () =>
    page.evaluate(async (name) => {
      const res = await (await caches.open(name)).match("/__gafus/version");
      return res ? (await res.json()).version as string : null;
    }, cacheName(course.slug));
  const before = await version();
  await t.services.db.updateTable("steps").set({ description: "Смотрите на хвост." })
    .where("id", "=", course.days[0].stepIds[0]).execute();
  invalidateCourses(t.services);
  await context.setOffline(false);
  await waitInPage(
    page,
    async ([name, old]) => {
      const res = await caches.match("/__gafus/version", { cacheName: name! });
      return res ? (await res.json()).version !== old : false;
    },
    [cacheName(course.slug), before],
  );
  assert(await kept(keyPath), "the refreshed copy still has the key");

  // The learner's access is revoked: the next time the connection returns, the copy goes.
  await t.services.db.deleteFrom("course_access").where("user_id", "=", learnerId).execute();
  invalidateCourses(t.services);
  await context.setOffline(true);
  await context.setOffline(false);
  await waitInPage(
    page,
    async (name) => !(await caches.keys()).includes(name),
    cacheName(course.slug),
  );
  const where = await page.evaluate(async (u) => {
    const out: string[] = [];
    for (const n of await caches.keys()) {
      const c = await caches.open(n);
      const r = await c.match(u);
      out.push(`${n}: ${r ? "HAS" : "-"} ${(await c.keys()).length}`);
    }
    return out.join("; ");
  }, keyPath);
  assert(!(await kept(keyPath)), "no copy of the key is left on the device " + where);
  const status = await page.evaluate(
    async (u) => (await fetch(u, { cache: "no-store" })).status,
    keyPath,
  );
  assertEquals(status, 404);
});
