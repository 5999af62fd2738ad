/**
 * The day page offline in Chromium (`context.setOffline`): a timer started,
 * a practice step done and a diary entry written without a connection show
 * at once as waiting to sync; back online, the queue replays in order and
 * the server has each exactly once, the timer with its real start time, and
 * the indicator clears.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openBrowserEnv } from "../helpers/browser.ts";
import { signIn } from "../helpers/session.ts";
import { SESSION_COOKIE } from "@/http/session.ts";
import { type CourseFixture, dayUrl, makeCourse } from "../training/helpers.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";

Deno.test("browser offline: timer, practice and diary queued, replayed once when online", async () => {
  let course!: CourseFixture;
  let learnerId = "";
  let cookie = "";
  await using env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, {
      days: [{
        title: "Без сети",
        steps: [
          { type: "TRAINING", title: "Выдержка", durationSec: 600 },
          { type: "PRACTICE", title: "Подзыв" },
          { type: "DIARY", title: "Дневник" },
        ],
      }],
    });
    const s = await signIn(t, "field_user");
    learnerId = s.id;
    cookie = s.cookie.slice(SESSION_COOKIE.length + 1);
  });
  const { page, origin, t } = env;
  const context = page.context();
  await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  const sd = course.days[0].stepOnDayIds;
  const badge = (i: number) => page.locator(`[data-step-status="${sd[i]}"]`);
  const indicator = page.locator(".sync-status");
  const text = page.locator("[data-sync-text]");

  await page.goto(origin + dayUrl(course));
  await page.locator('[data-timer][data-live="1"]').waitFor();
  await page.locator('.sync-status[data-live="1"]').waitFor({ state: "attached" });

  await context.setOffline(true);
  await indicator.and(page.locator('[data-state="offline"]')).waitFor();

  // A timer started offline runs here at once and says it waits to sync.
  const startedAt = Date.now();
  await page.locator("[data-timer]").getByRole("button", { name: "Старт" }).click();
  await badge(0).filter({ hasText: "Ждёт синхронизации" }).waitFor();
  await page.locator('[data-timer][data-state="running"]').waitFor();
  await text.filter({ hasText: "Ждут синхронизации: 1" }).waitFor();

  // The practice step.
  await page.locator(`#step-${sd[1]} summary`).click();
  await page.locator(`#step-${sd[1]}`).getByRole("button", { name: "Я выполнил" }).click();
  await badge(1).filter({ hasText: "Ждёт синхронизации" }).waitFor();

  // The diary.
  await page.locator(`#step-${sd[2]} summary`).click();
  const diary = page.locator(`#step-${sd[2]} .diary-form[data-live="1"]`);
  await diary.getByLabel("Запись в дневнике успехов").fill(
    "В парке без сети: подзыв с третьего раза.",
  );
  await diary.getByRole("button", { name: "Сохранить запись" }).click();
  await diary.getByText("Запись сохранена на устройстве").waitFor();
  await text.filter({ hasText: "Ждут синхронизации: 3" }).waitFor();
  assertEquals(await indicator.getAttribute("data-sync-count"), "3");

  const db = t.services.db;
  const rows = () =>
    db.selectFrom("user_steps").selectAll().where("user_id", "=", learnerId).execute();
  assertEquals((await rows()).filter((r) => r.status !== "NOT_STARTED").length, 0, "nothing yet");

  // Some time passes before the connection returns.
  await page.waitForTimeout(2500);
  const backAt = Date.now();
  await context.setOffline(false);
  await text.filter({ hasText: "Все действия синхронизированы" }).waitFor({ timeout: 15_000 });
  assertEquals(await indicator.getAttribute("data-sync-count"), "0");
  await badge(1).filter({ hasText: "Завершён" }).waitFor();
  await badge(2).filter({ hasText: "Завершён" }).waitFor();
  await badge(0).filter({ hasText: "В процессе" }).waitFor();

  // Exactly once each: three keys, one diary entry, the steps as done offline.
  const keys = await db.selectFrom("idempotency_keys").select(["key", "status"])
    .where("user_id", "=", learnerId).execute();
  assertEquals(keys.length, 3);
  assert(keys.every((k) => k.status === 200));
  const entries = await db.selectFrom("diary_entries").selectAll()
    .where("user_id", "=", learnerId).execute();
  assertEquals(entries.length, 1);
  assertEquals(entries[0].content, "В парке без сети: подзыв с третьего раза.");
  const byStep = new Map((await rows()).map((r) => [r.step_on_day_id, r]));
  assertEquals(byStep.get(sd[1])!.status, "COMPLETED");
  assertEquals(byStep.get(sd[2])!.status, "COMPLETED");
  const timer = byStep.get(sd[0])!;
  assertEquals(timer.status, "IN_PROGRESS");
  const started = timer.timer_started_at!.getTime();
  assert(
    Math.abs(started - startedAt) < 1500,
    `the timer keeps its offline start (${started - startedAt} ms)`,
  );
  assert(backAt - started > 2000, "started before the connection returned");

  // A reload replays nothing more and shows the server's clock: time ran while offline.
  await page.reload();
  await page.locator('[data-timer][data-live="1"]').waitFor();
  const clock = await page.locator("[data-timer-clock]").textContent();
  assert(clock !== "10:00", `the clock counts from the offline start (${clock})`);
  assertEquals(
    (await db.selectFrom("idempotency_keys").select("key").where("user_id", "=", learnerId)
      .execute()).length,
    3,
  );
});

Deno.test("browser offline: an action the server refuses on replay is dropped with a message", async () => {
  let course!: CourseFixture;
  let cookie = "";
  await using env = await openBrowserEnv(async (t) => {
    course = await makeCourse(t, { days: [{ steps: [{ type: "PRACTICE", title: "Подзыв" }] }] });
    const s = await signIn(t, "closed_user");
    cookie = s.cookie.slice(SESSION_COOKIE.length + 1);
  });
  const { page, origin, t } = env;
  const context = page.context();
  await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: origin }]);
  const sd = course.days[0].stepOnDayIds;
  await page.goto(origin + dayUrl(course));
  await page.locator('.sync-status[data-live="1"]').waitFor({ state: "attached" });

  await context.setOffline(true);
  await page.locator(`#step-${sd[0]}`).getByRole("button", { name: "Я выполнил" }).click();
  await page.locator("[data-sync-text]").filter({ hasText: "Ждут синхронизации: 1" }).waitFor();

  // Meanwhile the course was closed.
  await t.services.db.updateTable("courses").set({ archived_at: new Date() })
    .where("id", "=", course.courseId).execute();
  invalidateCourses(t.services);

  await context.setOffline(false);
  const alert = page.locator(".sync-status__dropped[role=alert]");
  await alert.filter({ hasText: "Действие, сделанное без сети, не принято" }).waitFor({
    timeout: 15_000,
  });
  assertEquals(await page.locator(".sync-status").getAttribute("data-sync-count"), "0");
  const done = await t.services.db.selectFrom("user_steps").select("id")
    .where("status", "=", "COMPLETED").execute();
  assertEquals(done.length, 0);
  await page.locator(".sync-status").getByRole("button", { name: "Скрыть" }).click();
  assertEquals(await alert.count(), 0);
});
