/**
 * The minute run: reminders fire at the learner's local minute in zones
 * east and west of Moscow and across summer-time changes, once per reminder
 * and local day (repeated runs, overlapping ticks, the repeated autumn
 * hour), caught up after a missed minute, and not on a day already trained.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { at, learner, remindersSent } from "./helpers.ts";
import { createReminder, setReminderEnabled } from "@/core/reminders/reminders.ts";
import { claimDueReminders, runReminders } from "@/core/reminders/due.ts";
import { dueSlices, localDayBounds } from "@/core/reminders/time.ts";
import { completeDay, makeCourse, setCourseStatus } from "../catalogue/fixtures.ts";
import { formatTime, WEEKDAYS } from "@/core/reminders/time.ts";
import { SCHEDULES, startCron } from "@/queues/cron.ts";
import { createUser } from "@/core/users.ts";

const EVERY_DAY = [...WEEKDAYS];
const LONG_AGO = at("2026-01-01T00:00:00Z");

/** Runs the job once a minute from `from` to `to` (inclusive); returns the sends. */
async function runEveryMinute(t: TestApp, from: string, to: string): Promise<number> {
  let sent = 0;
  for (let ms = Date.parse(from); ms <= Date.parse(to); ms += 60_000) {
    sent += (await runReminders(t.services, { now: new Date(ms + 5_000) })).sent;
  }
  return sent;
}

Deno.test("time: a spring-forward gap is passed at once, a repeated autumn hour passes nothing new", () => {
  // New York, 2026-03-08: 01:59 EST (06:59Z) is followed by 03:00 EDT (07:00Z).
  const spring = dueSlices("America/New_York", Date.parse("2026-03-08T07:00:30Z"), 1);
  assertEquals(spring.map((s) => [s.localDate, s.fromMinute, s.toMinute]), [
    ["2026-03-08", 120, 180],
  ]);
  // 2026-11-01: 01:59 EDT (05:59Z) is followed by 01:00 EST (06:00Z).
  assertEquals(dueSlices("America/New_York", Date.parse("2026-11-01T06:00:30Z"), 1), []);
  // The local day of 2026-03-08 in New York lasts 23 hours.
  const d = localDayBounds("America/New_York", "2026-03-08");
  assertEquals([d.start.toISOString(), d.end.toISOString()], [
    "2026-03-08T05:00:00.000Z",
    "2026-03-09T04:00:00.000Z",
  ]);
});

Deno.test("a reminder fires at 08:00 local in Moscow, Vladivostok and New York, each at its own UTC minute", async () => {
  await using t = await openTestApp();
  const msk = await learner(t, "rem_msk", "Europe/Moscow");
  const vvo = await learner(t, "rem_vvo", "Asia/Vladivostok");
  const nyc = await learner(t, "rem_nyc", "America/New_York");
  for (const id of [msk, vvo, nyc]) {
    await createReminder(t.services, { id }, { time: "08:00", days: ["mon"] }, LONG_AGO);
  }
  // Monday 2026-03-09, 08:00 in Vladivostok (UTC+10) is still Sunday 22:00 in UTC.
  assertEquals((await runReminders(t.services, { now: at("2026-03-08T21:59:30Z") })).claimed, 0);
  assertEquals((await runReminders(t.services, { now: at("2026-03-08T22:00:05Z") })).sent, 1);
  assertEquals((await remindersSent(t, vvo)).length, 1);
  // 08:00 in Moscow (UTC+3).
  assertEquals((await runReminders(t.services, { now: at("2026-03-09T04:59:50Z") })).sent, 0);
  assertEquals((await runReminders(t.services, { now: at("2026-03-09T05:00:01Z") })).sent, 1);
  assertEquals((await remindersSent(t, msk)).length, 1);
  // 08:00 in New York, already on summer time (UTC−4) since the day before.
  assertEquals((await runReminders(t.services, { now: at("2026-03-09T11:59:59Z") })).sent, 0);
  assertEquals((await runReminders(t.services, { now: at("2026-03-09T12:00:00Z") })).sent, 1);
  const sent = await remindersSent(t, nyc);
  assertEquals(sent.length, 1);
  assertEquals(sent[0].title, "Напоминание о тренировке 🐕");
  // No reminder on Tuesday (a Monday-only reminder).
  assertEquals(await runEveryMinute(t, "2026-03-10T04:55:00Z", "2026-03-10T05:05:00Z"), 0);
  assertEquals((await remindersSent(t, msk)).length, 1);
});

Deno.test("spring forward: a local time that does not exist fires once at 03:00, the next day as usual", async () => {
  await using t = await openTestApp();
  const nyc = await learner(t, "rem_spring", "America/New_York");
  await createReminder(t.services, { id: nyc }, { time: "02:30", days: EVERY_DAY }, LONG_AGO);
  // 2026-03-08: 01:59 EST = 06:59Z, then 03:00 EDT = 07:00Z.
  assertEquals(await runEveryMinute(t, "2026-03-08T06:50:00Z", "2026-03-08T06:59:00Z"), 0);
  assertEquals(await runEveryMinute(t, "2026-03-08T07:00:00Z", "2026-03-08T07:20:00Z"), 1);
  const sent = await remindersSent(t, nyc);
  assertEquals(sent.length, 1);
  // The day after, 02:30 EDT = 06:30Z.
  assertEquals(await runEveryMinute(t, "2026-03-09T06:25:00Z", "2026-03-09T06:35:00Z"), 1);
});

Deno.test("fall back: a time in the repeated hour fires once, not again an hour later", async () => {
  await using t = await openTestApp();
  const nyc = await learner(t, "rem_autumn", "America/New_York");
  const ber = await learner(t, "rem_berlin", "Europe/Berlin");
  await createReminder(t.services, { id: nyc }, { time: "01:30", days: EVERY_DAY }, LONG_AGO);
  // Berlin, 2026-10-25: 02:59 CEST (00:59Z) is followed by 02:00 CET (01:00Z).
  await createReminder(t.services, { id: ber }, { time: "02:30", days: EVERY_DAY }, LONG_AGO);
  // New York 2026-11-01: 01:30 EDT = 05:30Z and 01:30 EST = 06:30Z.
  assertEquals(await runEveryMinute(t, "2026-11-01T05:20:00Z", "2026-11-01T06:45:00Z"), 1);
  assertEquals((await remindersSent(t, nyc)).length, 1);
  assertEquals(await runEveryMinute(t, "2026-10-25T00:20:00Z", "2026-10-25T01:45:00Z"), 1);
  assertEquals((await remindersSent(t, ber)).length, 1);
});

Deno.test("not doubled: the job run twice, and two overlapping ticks, send one reminder", async () => {
  await using t = await openTestApp();
  const id = await learner(t, "rem_twice", "Europe/Moscow");
  await createReminder(t.services, { id }, { time: "09:15", days: EVERY_DAY }, LONG_AGO);
  const now = at("2026-04-01T06:15:02Z");
  const runs = await Promise.all([
    runReminders(t.services, { now }),
    runReminders(t.services, { now }),
    runReminders(t.services, { now: at("2026-04-01T06:16:01Z") }),
  ]);
  assertEquals(runs.reduce((n, r) => n + r.claimed, 0), 1);
  assertEquals((await runReminders(t.services, { now })).claimed, 0);
  assertEquals((await remindersSent(t, id)).length, 1);
  const sends = await t.services.db.selectFrom("reminder_sends").selectAll().execute();
  assertEquals(sends.length, 1);
  assertEquals(sends[0].local_date, "2026-04-01");
  assert(sends[0].sent_at, "marked sent");
});

Deno.test("catch-up: minutes missed while the process was down are sent once within the grace window", async () => {
  await using t = await openTestApp();
  const a = await learner(t, "rem_catch", "Europe/Moscow");
  const b = await learner(t, "rem_late", "Europe/Moscow");
  await createReminder(t.services, { id: a }, { time: "10:00", days: EVERY_DAY }, LONG_AGO);
  await createReminder(t.services, { id: b }, { time: "09:40", days: EVERY_DAY }, LONG_AGO);
  // Down from 09:39 to 10:06 Moscow time: the first run after is at 10:06.
  const first = await runReminders(t.services, { now: at("2026-04-02T07:06:20Z") });
  assertEquals(first.sent, 1, "10:00 caught up; 09:40 is past the 10-minute window");
  assertEquals(await runEveryMinute(t, "2026-04-02T07:07:00Z", "2026-04-02T07:20:00Z"), 0);
  assertEquals((await remindersSent(t, a)).length, 1);
  assertEquals((await remindersSent(t, b)).length, 0);
});

Deno.test("a reminder made or switched on after its minute is not caught up that day; a switched-off one stays quiet", async () => {
  await using t = await openTestApp();
  const id = await learner(t, "rem_new", "Europe/Moscow");
  const r = await createReminder(
    t.services,
    { id },
    { time: "10:00", days: EVERY_DAY },
    at("2026-04-03T07:03:00Z"), // 10:03 Moscow
  );
  assertEquals((await runReminders(t.services, { now: at("2026-04-03T07:04:00Z") })).sent, 0);
  await setReminderEnabled(t.services, { id }, r.id, false, at("2026-04-03T08:00:00Z"));
  assertEquals(await runEveryMinute(t, "2026-04-04T06:58:00Z", "2026-04-04T07:02:00Z"), 0);
  await setReminderEnabled(t.services, { id }, r.id, true, at("2026-04-04T08:00:00Z"));
  assertEquals(await runEveryMinute(t, "2026-04-05T06:58:00Z", "2026-04-05T07:02:00Z"), 1);
});

Deno.test("skipped on a local day the learner already trained; the local day is the learner's, not UTC's", async () => {
  await using t = await openTestApp();
  const author = await createUser(t.services, {
    username: "rem_author",
    password: "Secret123",
    role: "TRAINER",
  });
  const course = await makeCourse(t.services.db, {
    slug: "rem-course",
    authorId: author.id,
    days: [{ steps: [{ type: "PRACTICE" }] }, { steps: [{ type: "PRACTICE" }] }],
  });
  const vvo = await learner(t, "rem_trained", "Asia/Vladivostok");
  await createReminder(t.services, { id: vvo }, { time: "20:00", days: EVERY_DAY }, LONG_AGO);
  await setCourseStatus(t.services.db, vvo, course.id, "IN_PROGRESS", LONG_AGO, null);
  // Trained at 07:00 Vladivostok on 2026-05-05 (21:00Z on the 4th): no reminder at 20:00 that day.
  await completeDay(t.services.db, vvo, course.days[0], { at: at("2026-05-04T21:00:00Z") });
  assertEquals(await runEveryMinute(t, "2026-05-05T09:58:00Z", "2026-05-05T10:02:00Z"), 0);
  // The next day it comes, and links to the first step not yet done.
  assertEquals(await runEveryMinute(t, "2026-05-06T09:58:00Z", "2026-05-06T10:02:00Z"), 1);
  const sent = await remindersSent(t, vvo);
  assertEquals(sent.length, 1);
  assertEquals(
    sent[0].url,
    `/courses/rem-course/days/${course.days[1].dayOnCourseId}#step-${
      course.days[1].stepOnDayIds[0]
    }`,
  );
});

Deno.test("without a course in progress the reminder links to the catalogue", async () => {
  await using t = await openTestApp();
  const id = await learner(t, "rem_nocourse", "UTC");
  await createReminder(t.services, { id }, { time: "12:00", days: EVERY_DAY }, LONG_AGO);
  await runReminders(t.services, { now: at("2026-06-01T12:00:00Z") });
  assertEquals((await remindersSent(t, id)).map((n) => n.url), ["/courses"]);
});

Deno.test("a claim left unsent by a crash is sent by a later run, once", async () => {
  await using t = await openTestApp();
  const id = await learner(t, "rem_crash", "Europe/Moscow");
  await createReminder(t.services, { id }, { time: "11:00", days: EVERY_DAY }, LONG_AGO);
  // The claim commits, then the process dies before the notification.
  const claims = await claimDueReminders(t.services, at("2026-04-06T08:00:10Z"));
  assertEquals(claims.length, 1);
  assertEquals((await remindersSent(t, id)).length, 0);
  // A run right away leaves the fresh claim to the run that made it.
  assertEquals((await runReminders(t.services, { now: at("2026-04-06T08:01:00Z") })).sent, 0);
  await t.services.db.updateTable("reminder_sends")
    .set({ claimed_at: new Date(Date.now() - 5 * 60_000) }).execute();
  assertEquals((await runReminders(t.services, { now: at("2026-04-06T08:05:00Z") })).sent, 1);
  assertEquals((await runReminders(t.services, { now: at("2026-04-06T08:06:00Z") })).sent, 0);
  assertEquals((await remindersSent(t, id)).length, 1);
});

Deno.test("many learners due in the same minute are claimed by one statement and each sent once", async () => {
  await using t = await openTestApp();
  const zones = ["Europe/Moscow", "Asia/Vladivostok", "America/New_York"];
  const users: string[] = [];
  for (let i = 0; i < 60; i++) {
    const id = (await t.services.db.insertInto("users").values({
      id: crypto.randomUUID(),
      username: `rem_bulk_${i}`,
      password_hash: "x",
      time_zone: zones[i % 3],
    }).returning("id").executeTakeFirstOrThrow()).id;
    users.push(id);
    await createReminder(t.services, { id }, { time: "07:00", days: EVERY_DAY }, LONG_AGO);
  }
  // 07:00 in Moscow only.
  const r = await runReminders(t.services, { now: at("2026-04-07T04:00:03Z") });
  assertEquals([r.claimed, r.sent], [20, 20]);
  const n = await t.services.db.selectFrom("notifications").select((eb) => eb.fn.countAll().as("n"))
    .where("kind", "=", "training.reminder").executeTakeFirstOrThrow();
  assertEquals(Number(n.n), 20);
});

Deno.test("the every-minute schedule enqueues the reminders job, which sends what is due now", async () => {
  await using t = await openTestApp();
  const id = await learner(t, "rem_cron", "UTC");
  const now = new Date();
  const time = formatTime(now.getUTCHours() * 60 + now.getUTCMinutes());
  await createReminder(t.services, { id }, { time, days: EVERY_DAY }, LONG_AGO);
  const reminders = SCHEDULES.filter((s) => s.name === "reminders");
  assertEquals(reminders.map((s) => [s.cron, s.job]), [["* * * * *", "reminders"]]);
  const cron = startCron(t.services, { schedules: reminders, cron: () => {} });
  try {
    const first = await cron.tick("reminders");
    // The same minute seen twice enqueues once.
    assertEquals(await cron.tick("reminders"), first);
  } finally {
    cron.stop();
  }
  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 10_000 });
  assertEquals((await remindersSent(t, id)).length, 1);
});

Deno.test("sends older than eight days are pruned; recent ones stay and still block a repeat", async () => {
  await using t = await openTestApp();
  const id = await learner(t, "rem_prune", "UTC");
  await createReminder(t.services, { id }, { time: "00:00", days: EVERY_DAY }, LONG_AGO);
  await runReminders(t.services, { now: at("2026-04-01T00:00:10Z") });
  await runReminders(t.services, { now: at("2026-04-08T00:00:10Z") });
  const dates = async () =>
    (await t.services.db.selectFrom("reminder_sends").select("local_date").orderBy("local_date")
      .execute()).map((r) => r.local_date);
  assertEquals(await dates(), ["2026-04-01", "2026-04-08"]);
  // The top of the hour, nine days after the first.
  await runReminders(t.services, { now: at("2026-04-10T00:00:30Z") });
  assertEquals(await dates(), ["2026-04-08", "2026-04-10"]);
});
