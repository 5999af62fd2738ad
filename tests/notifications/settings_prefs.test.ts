/**
 * The "Notifications" section of /settings (no JavaScript: one form of
 * checkboxes, POST-redirect-GET) and `GET/PUT /api/v1/notification-prefs`:
 * labels for screen readers, a channel that cannot reach the user shown
 * disabled with a reason and kept as it was, each user's choices their own.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { signIn } from "../helpers/session.ts";
import { getPrefs } from "@/core/notification_prefs.ts";
import { linked, openTelegramApp } from "../telegram/helpers.ts";

Deno.test("settings: the choices table is labelled per cell, Telegram disabled with a reason while no chat is linked", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const anna = await signIn(t, "anna");
  const html = await (await anna.fetch("/settings")).text();
  assertStringIncludes(html, 'id="h-notifications"');
  assertStringIncludes(html, 'aria-label="Напоминания — Telegram"');
  assertStringIncludes(html, 'name="reminders.push"');
  assertStringIncludes(html, "Telegram не подключён");
  // Disabled and described by the reason.
  assert(
    /name="reminders\.telegram"[^>]*disabled[^>]*aria-describedby="prefs-telegram-off"/.test(
      html,
    ),
    "the Telegram box is disabled and explained",
  );
  // A linked chat: the column is on (defaults) and enabled.
  const bob = await linked(t, "bob", 2001, "en");
  const en = await (await bob.fetch("/settings")).text();
  assertStringIncludes(en, 'aria-label="Reminders — Telegram"');
  assert(!en.includes("Telegram is not connected"));
  assert(/name="reminders\.telegram"[^>]*checked/.test(en), "Telegram on by default");
});

Deno.test("settings: one POST saves every box, unchecked ones off; a disabled channel keeps its choice; others' choices untouched", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const anna = await linked(t, "anna", 2002);
  const bob = await signIn(t, "bob");
  await t.services.db.updateTable("users").set({ email: "anna@example.com" })
    .where("id", "=", anna.id).execute();
  const res = await anna.post("/settings", {
    _action: "notifications",
    "reminders.email": "on",
    "reminders.telegram": "on",
    "exams.push": "on",
  });
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/settings?done=notifications#h-notifications");
  const prefs = await getPrefs(t.services, anna.id);
  assertEquals(prefs.reminders, { push: false, telegram: true, email: true });
  assertEquals(prefs.exams, { push: true, telegram: false, email: false });
  assertEquals(prefs.news, { push: false, telegram: false, email: false });
  const page = await (await anna.fetch("/settings?done=notifications")).text();
  assertStringIncludes(page, "Выбор уведомлений сохранён.");

  // Bob has no chat and no address: only push is saved, Telegram stays at its default.
  await bob.post("/settings", { _action: "notifications" });
  const bobs = await getPrefs(t.services, bob.id);
  assertEquals(bobs.reminders, { push: false, telegram: true, email: false });
  assertEquals((await getPrefs(t.services, anna.id)).reminders.email, true, "anna's unchanged");

  // A forged value is refused, nothing saved.
  const bad = await anna.post("/settings", { _action: "notifications", "exams.push": "<x>" });
  assertEquals(bad.status, 422);
  assertEquals((await getPrefs(t.services, anna.id)).exams.push, true);
});

Deno.test("API: GET and PUT the user's own choices; unknown entries refused; signed out refused", async () => {
  await using h = await openTelegramApp();
  const { t } = h;
  const anna = await linked(t, "anna", 2003);
  const bob = await signIn(t, "bob");
  const got = await (await anna.fetch("/api/v1/notification-prefs")).json();
  assertEquals(got.available, { push: false, telegram: true, email: false });
  assertEquals(got.prefs.reminders, { push: true, telegram: true, email: false });
  const put = await anna.fetch("/api/v1/notification-prefs", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ "news.telegram": false }),
  });
  assertEquals(put.status, 200);
  assertEquals((await put.json()).prefs.news.telegram, false);
  assertEquals((await getPrefs(t.services, bob.id)).news.telegram, true, "bob's unchanged");
  const bad = await anna.fetch("/api/v1/notification-prefs", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ "news.fax": true }),
  });
  assertEquals(bad.status, 400);
  const anon = await t.fetch("/api/v1/notification-prefs");
  assertEquals(anon.status, 401);
});
