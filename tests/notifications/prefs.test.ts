/**
 * Notification choices: defaults (push and Telegram on, email off), a
 * change keeps the other entries, one-click unsubscribe turns a category off
 * everywhere, and unknown keys are refused.
 */
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import {
  categoryOf,
  getPrefs,
  setPrefs,
  unsubscribeCategory,
  wants,
} from "@/core/notification_prefs.ts";

Deno.test("notification prefs: defaults, merged changes, unsubscribe, validation", async () => {
  await using app = await openTestApp();
  const s = app.services;
  const u = await signIn(app, "prefs_user");
  const d = await getPrefs(s, u.id);
  assertEquals(d.training, { push: true, telegram: true, email: false });
  await setPrefs(s, u.id, { "exams.email": true });
  await setPrefs(s, u.id, { "exams.push": false });
  assertEquals((await getPrefs(s, u.id)).exams, { push: false, telegram: true, email: true });
  await unsubscribeCategory(s, u.id, "news");
  assertEquals((await getPrefs(s, u.id)).news, { push: false, telegram: false, email: false });
  assertEquals(await wants(s, u.id, "exams", "email"), true);
  await assertRejects(() => setPrefs(s, u.id, { "nope.push": true }));
  assertEquals(categoryOf("step.finished"), "training");
  assertEquals(categoryOf("training.reminder"), "reminders");
  assertEquals(categoryOf("reengagement.l2"), "news");
});
