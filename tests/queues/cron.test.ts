/**
 * Wall-clock schedules in a time zone → Deno.cron's UTC lines, checked
 * against an independent wall clock (Intl) minute by minute; and the cron
 * registry enqueueing its jobs.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { toUtcCron, utcMatcher, zoneOffsetMinutes } from "@/platform/cron_tz.ts";
import { SCHEDULES, startCron } from "@/queues/cron.ts";
import { jobs as registry } from "@/queues/jobs/mod.ts";
import type { Services } from "@/core/services.ts";
import { backendTest, openBackend, openRuntime } from "./helpers.ts";

const WINTER = new Date("2026-01-12T00:00:00Z"); // a Monday
const SUMMER = new Date("2026-07-13T00:00:00Z"); // a Monday

/** The wall clock in a zone, from Intl (not from the code under test). */
function wallClock(tz: string) {
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    weekday: "short",
  });
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  return (d: Date) => {
    const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
    return {
      minute: Number(p.minute),
      hour: Number(p.hour),
      day: Number(p.day),
      month: Number(p.month),
      weekday: days.indexOf(p.weekday),
    };
  };
}

/** Every minute of `days` days from `from`: the lines fire exactly when the local rule says. */
function checkWeek(
  tz: string,
  from: Date,
  lines: string[],
  localRule: (w: ReturnType<ReturnType<typeof wallClock>>) => boolean,
  days = 7,
) {
  const wall = wallClock(tz);
  const matchers = lines.map(utcMatcher);
  let fired = 0;
  for (let m = 0; m < days * 1440; m++) {
    const d = new Date(from.getTime() + m * 60_000);
    const got = matchers.some((m) => m(d));
    const want = localRule(wall(d));
    if (want !== got) {
      throw new Error(`${tz} ${lines.join(" | ")}: at ${d.toISOString()} want ${want}, got ${got}`);
    }
    if (got) fired++;
  }
  return fired;
}

Deno.test("Moscow (UTC+3, no summer time): the daily maintenance at 04:30 runs at 01:30 UTC", () => {
  assertEquals(zoneOffsetMinutes("Europe/Moscow", WINTER), 180);
  assertEquals(zoneOffsetMinutes("Europe/Moscow", SUMMER), 180);
  assertEquals(toUtcCron("30 4 * * *", "Europe/Moscow", WINTER), ["30 1 * * *"]);
  const fired = checkWeek(
    "Europe/Moscow",
    WINTER,
    toUtcCron("30 4 * * *", "Europe/Moscow", WINTER),
    (w) => w.hour === 4 && w.minute === 30,
  );
  assertEquals(fired, 7);
});

Deno.test("offsets that are not whole hours: Kolkata +05:30, Kathmandu +05:45, St John's −03:30", () => {
  // 04:00 and 04:30 in Kolkata are 22:30 and 23:00 UTC: two lines, or 22:00 and 23:30 would fire too.
  const kolkata = toUtcCron("0,30 4 * * *", "Asia/Kolkata", WINTER);
  assertEquals(kolkata, ["30 22 * * *", "0 23 * * *"]);
  assertEquals(
    checkWeek("Asia/Kolkata", WINTER, kolkata, (w) => w.hour === 4 && w.minute % 30 === 0),
    14,
  );

  const kathmandu = toUtcCron("*/15 9-17 * * 1-5", "Asia/Kathmandu", WINTER);
  checkWeek(
    "Asia/Kathmandu",
    WINTER,
    kathmandu,
    (w) => w.hour >= 9 && w.hour <= 17 && w.minute % 15 === 0 && w.weekday >= 1 && w.weekday <= 5,
  );

  // Friday 23:00 in St John's is Saturday 02:30 UTC (winter): the weekday moves too.
  const stJohns = toUtcCron("0 23 * * 5", "America/St_Johns", WINTER);
  assertEquals(stJohns, ["30 2 * * SAT"]);
  assertEquals(
    checkWeek(
      "America/St_Johns",
      WINTER,
      stJohns,
      (w) => w.weekday === 5 && w.hour === 23 && w.minute === 0,
    ),
    1,
  );
});

Deno.test("a Monday 01:00 Moscow schedule is Sunday 22:00 UTC; weekdays are written as names", () => {
  const lines = toUtcCron("0 1 * * 1", "Europe/Moscow", WINTER);
  // Deno.cron numbers weekdays 1–7 from Sunday; names avoid the off-by-one.
  assertEquals(lines, ["0 22 * * SUN"]);
  checkWeek(
    "Europe/Moscow",
    WINTER,
    lines,
    (w) => w.weekday === 1 && w.hour === 1 && w.minute === 0,
  );
  // Both parts of a rule that straddles UTC midnight.
  const split = toUtcCron("0 2,4 * * 1", "Europe/Moscow", WINTER);
  assertEquals(split, ["0 23 * * SUN", "0 1 * * MON"]);
  checkWeek(
    "Europe/Moscow",
    WINTER,
    split,
    (w) => w.weekday === 1 && [2, 4].includes(w.hour) && w.minute === 0,
  );
});

Deno.test("summer time: New York's 09:00 weekdays is 14:00 UTC in winter and 13:00 in summer", () => {
  const winter = toUtcCron("0 9 * * 1-5", "America/New_York", WINTER);
  const summer = toUtcCron("0 9 * * 1-5", "America/New_York", SUMMER);
  assertEquals(winter, ["0 14 * * MON,TUE,WED,THU,FRI"]);
  assertEquals(summer, ["0 13 * * MON,TUE,WED,THU,FRI"]);
  const rule = (w: { weekday: number; hour: number; minute: number }) =>
    w.weekday >= 1 && w.weekday <= 5 && w.hour === 9 && w.minute === 0;
  assertEquals(checkWeek("America/New_York", WINTER, winter, rule), 5);
  assertEquals(checkWeek("America/New_York", SUMMER, summer, rule), 5);
});

Deno.test("a day-of-month rule that would cross UTC midnight is refused with a clear error", () => {
  let message = "";
  try {
    toUtcCron("0 1 1 * *", "Europe/Moscow", WINTER);
  } catch (e) {
    message = String(e);
  }
  assertMatch(message, /cron "0 1 1 \* \*": in Europe\/Moscow \(UTC\+03:00\) .*another UTC day/);
  // The same day of month at a time that stays on the same UTC day is fine.
  assertEquals(toUtcCron("0 4 1 * *", "Europe/Moscow", WINTER), ["0 1 1 * *"]);
  let bad = "";
  try {
    toUtcCron("61 * * * *", "UTC");
  } catch (e) {
    bad = String(e);
  }
  assertMatch(bad, /minute "61" is outside 0–59/);
});

Deno.test("every converted line is a schedule Deno.cron accepts", async () => {
  const lines = [
    ...toUtcCron("0,30 4 * * *", "Asia/Kolkata", WINTER),
    ...toUtcCron("*/15 9-17 * * 1-5", "Asia/Kathmandu", WINTER),
    ...toUtcCron("0 23 * * 5", "America/St_Johns", WINTER),
    ...toUtcCron("0 2,4 * * 1", "Europe/Moscow", WINTER),
    ...SCHEDULES.flatMap((s) => toUtcCron(s.cron, "Europe/Moscow", WINTER)),
  ];
  for (const [i, line] of lines.entries()) {
    const ctl = new AbortController();
    const p = Deno.cron(`gafus_test_accept_${i}`, line, { signal: ctl.signal }, () => {});
    ctl.abort();
    await p;
  }
});

backendTest(
  "the cron registry registers UTC lines, and a tick enqueues its job once per minute",
  async (backend) => {
    await using t = await openBackend(backend, registry, { start: false });
    const services = {
      config: { cronTimeZone: "Europe/Moscow" },
      jobs: t.rt,
    } as unknown as Services;
    const calls: {
      name: string;
      schedule: string;
      signal?: AbortSignal;
      run: () => Promise<void>;
    }[] = [];
    const cron = startCron(services, {
      cron: (name, schedule, o, run) => {
        calls.push({ name, schedule, signal: o.signal, run });
      },
    });
    try {
      assertEquals(cron.registered(), {
        maintenance: ["30 1 * * *"],
        "jobs-sweep": ["0,10,20,30,40,50 * * * *"],
        // 05:00 Moscow: after maintenance, in the same quiet hour.
        "exam-cleanup": ["0 2 * * *"],
        // Every minute: the job finds each learner's local minute itself.
        reminders: ["* * * * *"],
        // 10:00 Moscow: re-engagement messages in the morning.
        reengagement: ["0 7 * * *"],
        // Every minute: readiness, two failures in a row raise an alert.
        "ready-check": ["* * * * *"],
      });
      assertEquals(new Set(calls.map((c) => c.name)).size, calls.length, "unique cron names");
      const maint = calls.find((c) => c.name.startsWith("maintenance"))!;
      await maint.run();
      await maint.run(); // the same minute seen twice
      const queued = await t.rt.list({ state: "queued", queue: "maintenance" });
      assertEquals(queued.jobs.map((j) => j.name), ["maintenance"]);
      assertMatch(queued.jobs[0].dedupeKey ?? "", /^cron:maintenance:\d+$/);
    } finally {
      cron.stop();
    }
    assert(calls.every((c) => c.signal?.aborted), "stop() ends every registration");
  },
);

Deno.test("the cron registry re-registers when the zone's offset changes (summer time)", async () => {
  await using t = await openRuntime(registry, { start: false });
  const services = {
    config: { cronTimeZone: "America/New_York" },
    jobs: t.rt,
  } as unknown as Services;
  let now = WINTER;
  const calls: { schedule: string; signal?: AbortSignal }[] = [];
  const cron = startCron(services, {
    schedules: [{ name: "morning", cron: "0 9 * * *", job: "maintenance", payload: {} }],
    cron: (_name, schedule, o) => {
      calls.push({ schedule, signal: o.signal });
    },
    now: () => now,
    recheckMs: 10,
  });
  try {
    assertEquals(cron.registered(), { morning: ["0 14 * * *"] });
    now = SUMMER;
    const end = Date.now() + 2_000;
    while (cron.registered().morning[0] !== "0 13 * * *" && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals(cron.registered(), { morning: ["0 13 * * *"] });
    assertEquals(calls.map((c) => c.schedule), ["0 14 * * *", "0 13 * * *"]);
    assert(calls[0].signal?.aborted && !calls[1].signal?.aborted);
  } finally {
    cron.stop();
  }
});
