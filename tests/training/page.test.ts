/**
 * The day page as a browser without JavaScript sees it: content and media,
 * and every control as a plain POST form answered with a redirect.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { seedDemo } from "@/core/demo/seed.ts";
import { actAt, dayUrl, makeCourse, openDayAs, QUESTIONS, refOf, stepRow } from "./helpers.ts";

Deno.test("the day page lists the steps in order with type, status and media", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{
      title: "Знакомство",
      steps: [
        {
          type: "THEORY",
          title: "Как читать курс",
          description: "Текст **важно** <script>alert(1)</script>",
          videoUrl: "https://youtu.be/dQw4w9WgXcQ",
        },
        { type: "TRAINING", title: "Сидеть", durationSec: 90, images: ["steps/x/a.png"] },
        { type: "PRACTICE", title: "Во дворе", videoUrl: "https://example.org/clip" },
        { type: "DIARY", title: "Запишите" },
      ],
    }],
  });
  const learner = await signIn(t, "reader");
  const res = await learner.fetch(dayUrl(c));
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("cache-control"), "private, no-store");
  const html = await res.text();
  assertStringIncludes(html, "<h1>Знакомство</h1>");
  assertStringIncludes(html, "День 1");
  const order = ["Как читать курс", "Сидеть", "Во дворе", "Запишите"].map((s) => html.indexOf(s));
  assert(order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1])), "steps in order");
  for (
    const label of ["Теоретический шаг", "Тренировка", "Упражнение без таймера", "Дневник успехов"]
  ) assertStringIncludes(html, label);
  // The first step (theory) is open, not yet read: its "read" button is a plain form.
  assert(!html.includes('data-status="COMPLETED"'), "looking reads nothing");
  assertMatch(html, /data-status="NOT_STARTED"[^>]*>Не начат</);
  const sd = c.days[0].stepOnDayIds;
  assertMatch(
    html,
    new RegExp(
      `name="_action" value="complete"/><input type="hidden" name="step" value="${
        sd[0]
      }"/><button[^>]*>Прочитано<`,
    ),
  );
  const read = await learner.post(dayUrl(c), { _action: "complete", step: sd[0] });
  assertEquals(read.status, 303);
  await read.body?.cancel();
  const after = await (await learner.fetch(dayUrl(c))).text();
  assertMatch(after, /data-status="COMPLETED"[^>]*>Завершён</);
  assertMatch(after, /data-status="NOT_STARTED"[^>]*>Не начат</);
  assertStringIncludes(html, "<strong>важно</strong>");
  assert(!html.includes("<script>alert(1)</script>"), "markdown is sanitized");
  assertStringIncludes(html, 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"');
  assertStringIncludes(html, 'href="https://example.org/clip"');
  assertStringIncludes(html, 'src="/media/steps/x/a.png"');
  assertMatch(html, /data-timer-clock[^>]*>1:30</);
  assertStringIncludes(html, "Выполнено шагов:");
});

Deno.test("without JavaScript: timer forms start, pause and switch; refusals come back as notices", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{
      steps: [
        { type: "TRAINING", title: "Первый", durationSec: 120 },
        { type: "BREAK", title: "Второй", durationSec: 60 },
      ],
    }],
  });
  const learner = await signIn(t, "nojs");
  const [a, b] = await openDayAs(t, learner, c);
  const sd = c.days[0].stepOnDayIds;

  let r = await learner.post(dayUrl(c), { _action: "start", step: refOf(a).stepOnDayId });
  assertEquals(r.status, 303);
  assertEquals(r.headers.get("location"), `${dayUrl(c)}?open=${sd[0]}#step-${sd[0]}`);
  assertEquals((await stepRow(t, a)).status, "IN_PROGRESS");
  const running = await (await learner.fetch(r.headers.get("location")!)).text();
  assertMatch(running, /Закончится в \d\d:\d\d:\d\d/);
  // Without JavaScript a running timer offers "finish", refused before the end.
  assertStringIncludes(running, "Завершить шаг");
  r = await learner.post(dayUrl(c), { _action: "complete", step: refOf(a).stepOnDayId });
  assertEquals(r.headers.get("location"), `${dayUrl(c)}?error=too_early&for=${sd[0]}#step-notice`);
  const early = await (await learner.fetch(r.headers.get("location")!)).text();
  assertStringIncludes(early, "Таймер ещё не закончился.");

  // The second timer: refused, then switched.
  r = await learner.post(dayUrl(c), { _action: "start", step: refOf(b).stepOnDayId });
  const conflictUrl = r.headers.get("location")!;
  assertEquals(conflictUrl, `${dayUrl(c)}?error=timer_running&for=${sd[1]}#step-notice`);
  const conflict = await (await learner.fetch(conflictUrl)).text();
  assertStringIncludes(conflict, "Идёт таймер шага «Первый».");
  assertStringIncludes(conflict, 'name="pause_other" value="1"');
  r = await learner.post(dayUrl(c), {
    _action: "start",
    step: refOf(b).stepOnDayId,
    pause_other: "1",
  });
  assertEquals(r.status, 303);
  assertEquals((await stepRow(t, a)).paused, true);
  assertEquals((await stepRow(t, b)).paused, false);

  r = await learner.post(dayUrl(c), { _action: "pause", step: refOf(b).stepOnDayId });
  assertEquals((await stepRow(t, b)).paused, true);
  // A broken form goes back to the page without doing anything.
  r = await learner.post(dayUrl(c), { _action: "explode", step: refOf(b).stepOnDayId });
  assertEquals([r.status, r.headers.get("location")], [303, dayUrl(c)]);
});

Deno.test("without JavaScript: practice, diary and exam forms; a finished day celebrates", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [
      { steps: [{ type: "DIARY", title: "Первый дневник" }] },
      {
        steps: [
          { type: "PRACTICE" },
          { type: "DIARY" },
          { type: "EXAMINATION", checklist: QUESTIONS, requiresWritten: true },
        ],
      },
    ],
  });
  const learner = await signIn(t, "formuser");
  const [firstDiary] = await openDayAs(t, learner, c, 0);
  let r = await learner.post(dayUrl(c, 0), {
    _action: "diary",
    step: refOf(firstDiary).stepOnDayId,
    content: "Гром сел!",
  });
  assertEquals(r.status, 303);
  assertEquals(
    r.headers.get("location"),
    `${dayUrl(c, 0)}?done=day&notice=saved#step-${c.days[0].stepOnDayIds[0]}`,
  );
  const done = await (await learner.fetch(r.headers.get("location")!)).text();
  assertStringIncludes(done, "День завершён! Отличная работа!");
  assertMatch(done, /class="celebration" data-kind="day"/);
  assertStringIncludes(done, "Запись сохранена");

  const [practice, diary, exam] = await openDayAs(t, learner, c, 1);
  r = await learner.post(dayUrl(c, 1), { _action: "complete", step: refOf(practice).stepOnDayId });
  assertEquals((await stepRow(t, practice)).status, "COMPLETED");

  // An empty entry comes back with the message next to the field and nothing saved.
  r = await learner.post(dayUrl(c, 1), {
    _action: "diary",
    step: refOf(diary).stepOnDayId,
    content: "   ",
  });
  assertEquals(r.status, 422);
  const invalid = await r.text();
  assertStringIncludes(invalid, "Напишите хотя бы пару слов");
  assertEquals((await stepRow(t, diary)).status, "NOT_STARTED");
  // The earlier entry of the course is shown beside this day's diary.
  assertStringIncludes(invalid, "Прежние записи этого курса");
  assertStringIncludes(invalid, "Гром сел!");

  r = await learner.post(dayUrl(c, 1), {
    _action: "diary",
    step: refOf(diary).stepOnDayId,
    content: "Второй день",
  });
  assertEquals((await stepRow(t, diary)).status, "COMPLETED");
  // Editing keeps one entry per day.
  r = await learner.post(dayUrl(c, 1), {
    _action: "diary",
    step: refOf(diary).stepOnDayId,
    content: "Исправлено",
  });
  const entries = await t.services.db.selectFrom("diary_entries").select("content")
    .where("user_id", "=", learner.id).orderBy("content").execute();
  assertEquals(entries.map((e) => e.content), ["Гром сел!", "Исправлено"]);

  r = await learner.post(dayUrl(c, 1), {
    _action: "exam",
    step: refOf(exam).stepOnDayId,
    answer_q1: "1",
  });
  assertEquals(r.status, 422);
  const examErrors = await r.text();
  assertStringIncludes(examErrors, "Ответьте на все вопросы теста");
  assertStringIncludes(examErrors, "Напишите ответ");
  r = await learner.post(dayUrl(c, 1), {
    _action: "exam",
    step: refOf(exam).stepOnDayId,
    answer_q1: "1",
    answer_q2: "0",
    written: "Всё понятно",
  });
  assertEquals(r.status, 303);
  assertStringIncludes(r.headers.get("location")!, "notice=sent");
  const row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals([row.status, row.test_score, row.written_answer], ["PENDING", 2, "Всё понятно"]);
});

Deno.test("every demo day opens for the learner (the summary day stays locked)", async () => {
  await using t = await openTestApp();
  await seedDemo(t.services.db, { print: () => {} });
  const learner = await signIn(t, "learner");
  const course = await t.services.db.selectFrom("courses").select("id")
    .where("slug", "=", "eto-baza").executeTakeFirstOrThrow();
  const days = await t.services.db.selectFrom("day_on_course as dc")
    .innerJoin("training_days as d", "d.id", "dc.day_id")
    .select(["dc.id", "d.type"]).where("dc.course_id", "=", course.id).orderBy("dc.position")
    .execute();
  for (const d of days) {
    const r = await learner.fetch(`/courses/eto-baza/days/${d.id}`);
    assertEquals(r.status, d.type === "summary" ? 403 : 200, d.type);
    await r.body?.cancel();
  }
  // Messages follow the learner's language (a diary step of the course, never acted on).
  const diary = await t.services.db.selectFrom("day_on_course as dc")
    .innerJoin("step_on_day as sd", "sd.day_id", "dc.day_id")
    .innerJoin("steps as st", "st.id", "sd.step_id")
    .select(["dc.id as dc_id", "sd.id as sd_id"])
    .where("dc.course_id", "=", course.id).where("st.type", "=", "DIARY")
    .executeTakeFirstOrThrow();
  await t.services.db.updateTable("users").set({ locale: "en" }).where("id", "=", learner.id)
    .execute();
  const en = await signIn(t, "learner");
  const r = await actAt(en, diary.dc_id, diary.sd_id, "diary", { content: "" });
  assertEquals(r.status, 400);
  assertEquals((r.json.fields as Record<string, string>).content, "Write at least a few words");
});
