/**
 * core/reminders: validation, the limit of five, duplicates, ownership
 * (someone else's id is not found), and reminders that follow the user's
 * time zone when it changes.
 */
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { at, learner, remindersSent } from "./helpers.ts";
import {
  createReminder,
  deleteReminder,
  getReminder,
  listReminders,
  ReminderDuplicateError,
  ReminderLimitError,
  setReminderEnabled,
  shiftReminder,
  toggleReminder,
  updateReminder,
} from "@/core/reminders/reminders.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { runReminders } from "@/core/reminders/due.ts";
import { z } from "zod";
import { changeTimeZone } from "@/core/auth/account.ts";
import { formatTime, parseTime } from "@/core/reminders/time.ts";

Deno.test("times: HH:MM in and out", () => {
  assertEquals([parseTime("08:05"), parseTime("8:05"), parseTime("23:59")], [485, 485, 1439]);
  assertEquals([parseTime("24:00"), parseTime("12:60"), parseTime("noon")], [null, null, null]);
  assertEquals([formatTime(0), formatTime(485)], ["00:00", "08:05"]);
});

Deno.test("create, list in time order, update, toggle, shift round midnight, delete", async () => {
  await using t = await openTestApp();
  const me = { id: await learner(t, "core_rem", "Europe/Moscow") };
  const a = await createReminder(t.services, me, { time: "20:00", days: ["sun", "mon"] });
  const b = await createReminder(t.services, me, { time: "07:05", days: ["fri"] });
  assertEquals(a.days, ["mon", "sun"]);
  assertEquals((await listReminders(t.services, me)).map((r) => r.id), [b.id, a.id]);
  const u = await updateReminder(t.services, me, a.id, { time: "21:10", days: ["tue"] });
  assertEquals([u.time, u.days, u.enabled], ["21:10", ["tue"], true]);
  assertEquals((await toggleReminder(t.services, me, a.id)).enabled, false);
  assertEquals((await setReminderEnabled(t.services, me, a.id, true)).enabled, true);
  assertEquals((await shiftReminder(t.services, me, b.id, -60 * 8)).time, "23:05");
  assertEquals((await shiftReminder(t.services, me, b.id, 60)).time, "00:05");
  await deleteReminder(t.services, me, b.id);
  assertEquals((await listReminders(t.services, me)).map((r) => r.id), [a.id]);
});

Deno.test("validation: a time and at least one known weekday", async () => {
  await using t = await openTestApp();
  const me = { id: await learner(t, "core_rem_v", "UTC") };
  const err = await assertRejects(
    () => createReminder(t.services, me, { time: "7 pm", days: [] }),
    z.ZodError,
  ) as z.ZodError;
  assertEquals(err.issues.map((i) => [i.path.join("."), i.message]), [
    ["time", "reminders.error.time"],
    ["days", "reminders.error.days"],
  ]);
  await assertRejects(
    () => createReminder(t.services, me, { time: "07:00", days: ["funday"] as unknown as ["mon"] }),
    z.ZodError,
  );
  assertEquals(await listReminders(t.services, me), []);
});

Deno.test("at most five reminders, and no two with the same time and days", async () => {
  await using t = await openTestApp();
  const me = { id: await learner(t, "core_rem_lim", "UTC") };
  await createReminder(t.services, me, { time: "08:00", days: ["mon", "wed"] });
  await assertRejects(
    () => createReminder(t.services, me, { time: "08:00", days: ["wed", "mon"] }),
    ReminderDuplicateError,
  );
  // The same time on other days is a different reminder.
  const other = await createReminder(t.services, me, { time: "08:00", days: ["tue"] });
  await assertRejects(
    () => updateReminder(t.services, me, other.id, { time: "08:00", days: ["mon", "wed"] }),
    ReminderDuplicateError,
  );
  for (const time of ["09:00", "10:00", "11:00"]) {
    await createReminder(t.services, me, { time, days: ["mon"] });
  }
  const err = await assertRejects(
    () => createReminder(t.services, me, { time: "12:00", days: ["mon"] }),
    ReminderLimitError,
  ) as ReminderLimitError;
  assertEquals(err.status, 409);
  // Five at once from two tabs: still five.
  const [x] = await listReminders(t.services, me);
  await deleteReminder(t.services, me, x.id);
  const results = await Promise.allSettled([
    createReminder(t.services, me, { time: "13:00", days: ["sat"] }),
    createReminder(t.services, me, { time: "14:00", days: ["sat"] }),
  ]);
  assertEquals(results.filter((r) => r.status === "fulfilled").length, 1);
  assertEquals((await listReminders(t.services, me)).length, 5);
});

Deno.test("one user cannot read, change or delete another user's reminder", async () => {
  await using t = await openTestApp();
  const ann = { id: await learner(t, "core_rem_ann", "UTC") };
  const bob = { id: await learner(t, "core_rem_bob", "UTC") };
  const r = await createReminder(t.services, ann, { time: "06:00", days: ["mon"] });
  const attempts: (() => Promise<unknown>)[] = [
    () => getReminder(t.services, bob, r.id),
    () => updateReminder(t.services, bob, r.id, { time: "07:00", days: ["tue"] }),
    () => toggleReminder(t.services, bob, r.id),
    () => setReminderEnabled(t.services, bob, r.id, false),
    () => shiftReminder(t.services, bob, r.id, 15),
    () => deleteReminder(t.services, bob, r.id),
    () => deleteReminder(t.services, bob, "not-an-id"),
  ];
  for (const attempt of attempts) await assertRejects(attempt, NotFoundError);
  assertEquals(await listReminders(t.services, bob), []);
  const still = await getReminder(t.services, ann, r.id);
  assertEquals([still.time, still.days, still.enabled], ["06:00", ["mon"], true]);
});

Deno.test("changing the time zone in settings moves the reminders with it", async () => {
  await using t = await openTestApp();
  const id = await learner(t, "core_rem_tz", "Europe/Moscow");
  await createReminder(
    t.services,
    { id },
    { time: "08:00", days: ["mon", "tue", "wed"] },
    at("2026-01-01T00:00:00Z"),
  );
  const user = await t.services.db.selectFrom("users").select([
    "id",
    "username",
    "role",
    "locale",
    "time_zone",
    "session_version",
  ]).where("id", "=", id).executeTakeFirstOrThrow();
  await changeTimeZone(t.services, {
    id,
    username: user.username,
    role: user.role,
    locale: user.locale,
    timeZone: user.time_zone,
    sessionVersion: user.session_version,
  }, { timeZone: "Asia/Yekaterinburg" });
  // 08:00 Moscow (05:00Z) no longer; 08:00 Yekaterinburg (03:00Z) now.
  assertEquals((await runReminders(t.services, { now: at("2026-04-07T05:00:30Z") })).sent, 0);
  assertEquals((await runReminders(t.services, { now: at("2026-04-08T03:00:30Z") })).sent, 1);
  assertEquals((await remindersSent(t, id)).length, 1);
});
