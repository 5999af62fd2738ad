/**
 * What a learner does in the browser, through the JSON API: a day with its
 * steps and their state, the course diary, reminders and achievements — and
 * one learner never reads or changes another's.
 */
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { makeCourse } from "../training/helpers.ts";
import { achievementsApiPath, dayApiPath, diaryApiPath, remindersApiPath } from "@/core/paths.ts";

type Json = Record<string, unknown>;
const JSON_HEADERS = { "content-type": "application/json" };

Deno.test("a day through the API: steps in order, the learner's own state of each, no right answers", async () => {
  await using t = await openTestApp();
  const lena = await signIn(t, "lena");
  const olga = await signIn(t, "olga");
  const c = await makeCourse(t, {
    days: [{
      steps: [
        { type: "THEORY", title: "Читаем" },
        { type: "TRAINING", durationSec: 90 },
        {
          type: "EXAMINATION",
          checklist: [{ id: "q1", question: "Да?", options: ["да", "нет"], correctIndex: 0 }],
        },
      ],
    }],
  });
  const d = c.days[0];
  const path = dayApiPath(c.slug, d.dayOnCourseId);

  const start = await lena.fetch(
    `/api/v1/training/days/${d.dayOnCourseId}/steps/${d.stepOnDayIds[1]}/start`,
    { method: "POST" },
  );
  assertEquals(start.status, 200);
  await start.body?.cancel();

  const mine = await (await lena.fetch(path)).json() as Json;
  const steps = mine.steps as Json[];
  assertEquals(steps.map((s) => s.id), d.stepOnDayIds);
  assertEquals(steps.map((s) => s.type), ["THEORY", "TRAINING", "EXAMINATION"]);
  const timer = steps[1].state as Json;
  assertEquals(timer.status, "IN_PROGRESS");
  assert(typeof timer.endsAt === "string" && (timer.remainingMs as number) <= 90_000);
  assertEquals(steps[2].questions, [{ id: "q1", question: "Да?", options: ["да", "нет"] }]);
  assertEquals(JSON.stringify(mine).includes("correctIndex"), false);
  assertEquals((mine.day as Json).status, "IN_PROGRESS");

  // Olga's day is hers: nothing Lena did shows.
  const hers = await (await olga.fetch(path)).json() as Json;
  assertEquals((hers.steps as Json[]).map((s) => (s.state as Json).status), [
    "NOT_STARTED",
    "NOT_STARTED",
    "NOT_STARTED",
  ]);
  assertEquals((hers.day as Json).status, "NOT_STARTED");
});

Deno.test("a day of a private course is 404 for a learner without access, like a missing one; a locked summary day has no steps", async () => {
  await using t = await openTestApp();
  const lena = await signIn(t, "lena");
  const hidden = await makeCourse(t, {
    access: "PRIVATE",
    days: [{ steps: [{ type: "THEORY" }] }],
  });
  const res = await lena.fetch(dayApiPath(hidden.slug, hidden.days[0].dayOnCourseId));
  assertEquals(res.status, 404);
  assertEquals((await res.json()).error, "not_found");
  const anon = await t.fetch(dayApiPath(hidden.slug, hidden.days[0].dayOnCourseId));
  assertEquals(anon.status, 401);
  await anon.body?.cancel();

  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "THEORY" }] }, { type: "summary", steps: [{ type: "THEORY" }] }],
  });
  const summary = await (await lena.fetch(dayApiPath(c.slug, c.days[1].dayOnCourseId)))
    .json() as Json;
  assertEquals((summary.day as Json).locked, true);
  assertEquals(summary.steps, []);
});

Deno.test("the course diary: written through the diary step, read back only by its author", async () => {
  await using t = await openTestApp();
  const lena = await signIn(t, "lena");
  const olga = await signIn(t, "olga");
  const c = await makeCourse(t, { days: [{ title: "Первый", steps: [{ type: "DIARY" }] }] });
  const d = c.days[0];
  const write = await lena.fetch(
    `/api/v1/training/days/${d.dayOnCourseId}/steps/${d.stepOnDayIds[0]}/diary`,
    { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ content: "Рекс сидит" }) },
  );
  assertEquals(write.status, 200);
  await write.body?.cancel();

  const mine = await (await lena.fetch(diaryApiPath(c.slug))).json() as { entries: Json[] };
  assertEquals(mine.entries.length, 1);
  assertEquals(mine.entries[0].content, "Рекс сидит");
  assertEquals(mine.entries[0].dayTitle, "Первый");
  assertEquals(mine.entries[0].dayOnCourseId, d.dayOnCourseId);

  const hers = await (await olga.fetch(diaryApiPath(c.slug))).json() as { entries: Json[] };
  assertEquals(hers.entries, []);
  const missing = await lena.fetch(diaryApiPath("no-such-course"));
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("reminders through the API: create, list, change, delete; at most five; another's is 404 and stays", async () => {
  await using t = await openTestApp();
  const lena = await signIn(t, "lena");
  const olga = await signIn(t, "olga");
  const send = (who: typeof lena, method: string, path: string, body?: unknown) =>
    who.fetch(path, {
      method,
      headers: JSON_HEADERS,
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const created = await send(lena, "POST", remindersApiPath(), {
    time: "7:05",
    days: ["mon", "fri"],
  });
  assertEquals(created.status, 201);
  const { reminder } = await created.json() as { reminder: Json };
  assertEquals(reminder.time, "07:05");
  assertEquals(reminder.days, ["mon", "fri"]);
  assertEquals(reminder.enabled, true);
  assertEquals(created.headers.get("location"), remindersApiPath(reminder.id as string));

  const bad = await send(lena, "POST", remindersApiPath(), { time: "7", days: [] });
  assertEquals(bad.status, 400);
  const badBody = await bad.json();
  assert(badBody.fields.time && badBody.fields.days, JSON.stringify(badBody));

  const one = remindersApiPath(reminder.id as string);
  // Olga can neither see, change nor delete it; it stays as it was.
  for (const [method, body] of [["GET"], ["PUT", { time: "10:00", days: ["sun"] }], ["DELETE"]]) {
    const res = await send(olga, method as string, one, body);
    assertEquals(res.status, 404, `${method}`);
    await res.body?.cancel();
  }
  const olgaList = await (await olga.fetch(remindersApiPath())).json();
  assertEquals(olgaList.reminders, []);

  const changed = await send(lena, "PUT", one, { time: "21:30", days: ["sun"], enabled: false });
  assertEquals(changed.status, 200);
  assertEquals((await changed.json()).reminder, {
    ...reminder,
    time: "21:30",
    timeMinutes: 21 * 60 + 30,
    days: ["sun"],
    mask: 64,
    enabled: false,
  });

  for (const h of ["06:00", "06:10", "06:20", "06:30"]) {
    const r = await send(lena, "POST", remindersApiPath(), { time: h, days: ["tue"] });
    assertEquals(r.status, 201);
    await r.body?.cancel();
  }
  const sixth = await send(lena, "POST", remindersApiPath(), { time: "23:00", days: ["tue"] });
  assertEquals(sixth.status, 409);
  assertEquals((await sixth.json()).error, "reminders_limit");
  const list = await (await lena.fetch(remindersApiPath())).json();
  assertEquals(list.reminders.length, 5);
  assertEquals(list.reminders[0].time, "06:00");

  // A cookie request without the CSRF header is refused; without a session, 401.
  const noCsrf = await t.fetch(one, { method: "DELETE", headers: lena.headers() });
  assertEquals(noCsrf.status, 403);
  await noCsrf.body?.cancel();
  const anon = await t.fetch(remindersApiPath());
  assertEquals(anon.status, 401);
  await anon.body?.cancel();

  const gone = await send(lena, "DELETE", one);
  assertEquals(gone.status, 204);
  const after = await lena.fetch(one);
  assertEquals(after.status, 404);
  await after.body?.cancel();
});

Deno.test("achievements through the API are the learner's own: a completed day counts for her only", async () => {
  await using t = await openTestApp();
  const lena = await signIn(t, "lena");
  const olga = await signIn(t, "olga");
  const c = await makeCourse(t, { days: [{ steps: [{ type: "THEORY" }] }] });
  const d = c.days[0];
  const done = await lena.fetch(
    `/api/v1/training/days/${d.dayOnCourseId}/steps/${d.stepOnDayIds[0]}/complete`,
    { method: "POST" },
  );
  assertEquals(done.status, 200);
  await done.body?.cancel();

  const mine = await (await lena.fetch(achievementsApiPath())).json();
  assertEquals(mine.stats.coursesCompleted, 1);
  assertEquals(mine.stats.daysCompleted, 1);
  assertEquals(mine.stats.currentStreak, 1);
  assert(mine.achievements.some((a: Json) => a.id === "firstStep" && a.unlocked));
  assertEquals(mine.courses[0].slug, c.slug);

  const hers = await (await olga.fetch(achievementsApiPath())).json();
  assertEquals(hers.stats.daysCompleted, 0);
  assertEquals(hers.courses, []);
});
