/**
 * Step authoring in the studio (`/studio/steps`): every step type through the
 * no-JS forms, validation in Russian and English with the typed values kept,
 * the mm:ss duration, the embed allow-list, the exam's required part, search
 * and sort, who may see and change which step, delete with confirmation
 * (refused when learners have progress), usages, and the Markdown preview.
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { json } from "@/db/connection.ts";
import { formatMmSs, parseMmSs } from "@/core/studio/steps.ts";
import { makeCourse, openDayAs, QUESTIONS } from "../training/helpers.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const boris = await signIn(t, "boris", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");
const admin = await signIn(t, "root", "ADMIN");
const lena = await signIn(t, "lena", "USER");

/** A form POST as a browser sends it; `lang` sets the language cookie. */
function post(who: Session, path: string, fields: Record<string, string>, lang?: "ru" | "en") {
  return postForm(t, who, path, fields, lang);
}

async function createVia(who: Session, fields: Record<string, string>): Promise<string> {
  const res = await post(who, "/studio/steps/new", fields);
  assertEquals(res.status, 303, await res.clone().text().then((s) => s.slice(0, 300)));
  const loc = res.headers.get("location")!;
  assertMatch(loc, /^\/studio\/steps\/[^/?]+\?done=created$/);
  return loc.split("/")[3].split("?")[0];
}

function row(id: string) {
  return db.selectFrom("steps").selectAll().where("id", "=", id).executeTakeFirst();
}

Deno.test("mm:ss durations are read and written back", () => {
  assertEquals(parseMmSs("02:30"), 150);
  assertEquals(parseMmSs("1:05"), 65);
  assertEquals(parseMmSs("100:00"), 6000);
  assertEquals(parseMmSs("45"), 45);
  assertEquals(parseMmSs("1:75"), null);
  assertEquals(parseMmSs("abc"), null);
  assertEquals(formatMmSs(150), "02:30");
  assertEquals(formatMmSs(null), "");
});

Deno.test("a trainer creates a step of every type through the form; fields that do not apply are cleared", async () => {
  const training = await createVia(anna, {
    title: "Сидеть",
    type: "TRAINING",
    description: "Команда **сидеть**",
    duration: "02:30",
    estimatedMinutes: "5",
    videoUrl: "https://youtu.be/dQw4w9WgXcQ",
    checklistItems: "не для тренировки",
  });
  const t1 = (await row(training))!;
  assertEquals(t1.duration_sec, 150);
  assertEquals(t1.estimated_duration_sec, 300);
  assertEquals(t1.author_id, anna.id);
  assertEquals(t1.checklist_items, []);
  assertEquals(t1.video_url, "https://youtu.be/dQw4w9WgXcQ");

  const brk = await createVia(anna, { title: "Отдых", type: "BREAK", duration: "1:00" });
  assertEquals((await row(brk))!.duration_sec, 60);

  const practice = await createVia(anna, {
    title: "Практика у дома",
    type: "PRACTICE",
    duration: "02:00",
    checklistItems: "Поводок\r\n\r\n  Лакомство  \nИгрушка",
  });
  const p = (await row(practice))!;
  assertEquals(p.duration_sec, null);
  assertEquals(p.checklist_items, ["Поводок", "Лакомство", "Игрушка"]);

  const theory = await createVia(anna, {
    title: "Теория",
    type: "THEORY",
    checklistItems: "Прочитать",
  });
  assertEquals((await row(theory))!.checklist_items, ["Прочитать"]);

  const diary = await createVia(anna, {
    title: "Дневник",
    type: "DIARY",
    requiresWritten: "on",
  });
  assertEquals((await row(diary))!.requires_written_feedback, false);

  const exam = await createVia(anna, {
    title: "Экзамен",
    type: "EXAMINATION",
    requiresVideo: "on",
  });
  const e = (await row(exam))!;
  assertEquals(e.requires_video_report, true);
  assertEquals(e.requires_written_feedback, false);

  // The editor shows what was saved, duration as mm:ss.
  const page = await (await anna.fetch(`/studio/steps/${training}?done=created`)).text();
  assertStringIncludes(page, 'value="02:30"');
  assertStringIncludes(page, 'value="Сидеть"');
});

Deno.test("invalid steps come back with field messages in Russian and English and the typed values", async () => {
  const bad = {
    title: "ab",
    type: "TRAINING",
    description: "Моё описание",
    duration: "",
    estimatedMinutes: "0",
    videoUrl: "https://evil.example.com/v.mp4",
  };
  const ru = await post(anna, "/studio/steps/new", bad, "ru");
  assertEquals(ru.status, 422);
  const ruHtml = await ru.text();
  assertStringIncludes(ruHtml, "От 3 до 100\u00a0символов");
  assertStringIncludes(ruHtml, "мм:сс от 00:01 до 100:00");
  assertStringIncludes(ruHtml, "Целое число минут от 1 до 1440");
  assertStringIncludes(ruHtml, "Ссылка на видео YouTube, Rutube, VK Видео или Vimeo");
  assertStringIncludes(ruHtml, 'value="ab"');
  assertStringIncludes(ruHtml, "Моё описание");
  assertStringIncludes(ruHtml, 'value="https://evil.example.com/v.mp4"');

  const en = await post(anna, "/studio/steps/new", bad, "en");
  assertEquals(en.status, 422);
  const enHtml = await en.text();
  assertStringIncludes(enHtml, "3 to 100\u00a0characters");
  assertStringIncludes(enHtml, "A YouTube, Rutube, VK Video or Vimeo video link");
  assertStringIncludes(enHtml, 'value="ab"');

  const badDuration = await post(anna, "/studio/steps/new", {
    title: "Лежать",
    type: "BREAK",
    duration: "1:75",
  }, "en");
  assertEquals(badDuration.status, 422);
  const bd = await badDuration.text();
  assertStringIncludes(bd, "mm:ss from 00:01 to 100:00");
  assertStringIncludes(bd, 'value="1:75"');

  const tooLong = await post(anna, "/studio/steps/new", {
    title: "Долго",
    type: "TRAINING",
    duration: "100:01",
  });
  assertEquals(tooLong.status, 422);

  const none = await db.selectFrom("steps").select("id").where("title", "in", ["ab", "Лежать"])
    .execute();
  assertEquals(none.length, 0);
});

Deno.test("the video embed must come from the allow-list", async () => {
  for (
    const url of [
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
      "https://rutube.ru/video/0123456789abcdef0123456789abcdef/",
      "https://vimeo.com/123456",
    ]
  ) {
    await createVia(anna, { title: "Видео ок", type: "THEORY", videoUrl: url });
  }
  for (const url of ["https://example.com/x", "javascript:alert(1)", "https://youtube.com/x"]) {
    const res = await post(anna, "/studio/steps/new", {
      title: "Видео плохо",
      type: "THEORY",
      videoUrl: url,
    });
    assertEquals(res.status, 422, url);
    await res.body?.cancel();
  }
});

Deno.test("an exam needs a written answer or a video report; existing test questions count and are kept", async () => {
  const res = await post(anna, "/studio/steps/new", {
    title: "Пустой экзамен",
    type: "EXAMINATION",
  });
  assertEquals(res.status, 422);
  assertStringIncludes(await res.text(), "Экзамену нужна хотя бы одна часть");

  const id = await createVia(anna, {
    title: "Экзамен с тестом",
    type: "EXAMINATION",
    requiresWritten: "on",
  });
  await db.updateTable("steps").set({ checklist: json(QUESTIONS) }).where("id", "=", id).execute();
  // Both flags off: the test questions are the exam's part.
  const saved = await post(anna, `/studio/steps/${id}`, {
    title: "Экзамен с тестом 2",
    type: "EXAMINATION",
  });
  assertEquals(saved.status, 303);
  const r = (await row(id))!;
  assertEquals(r.title, "Экзамен с тестом 2");
  assertEquals(r.requires_written_feedback, false);
  assertEquals(r.checklist, QUESTIONS);
});

Deno.test("the list searches titles and sorts by title, type and last change", async () => {
  const carla = await signIn(t, "carla", "TRAINER");
  await createVia(carla, { title: "Брось", type: "THEORY" });
  await createVia(carla, { title: "апорт 100%", type: "TRAINING", duration: "01:00" });
  await createVia(carla, { title: "Место", type: "BREAK", duration: "01:00" });
  const titles = async (query: string) => {
    const html = await (await carla.fetch(`/studio/steps${query}`)).text();
    return [...html.matchAll(/class="studio-list__title">([^<]+)</g)].map((m) => m[1]);
  };
  assertEquals(await titles(""), ["Место", "апорт 100%", "Брось"]);
  assertEquals(await titles("?sort=title"), ["апорт 100%", "Брось", "Место"]);
  assertEquals(await titles("?sort=type"), ["Место", "Брось", "апорт 100%"]);
  assertEquals(await titles("?q=%D0%B1%D1%80%D0%BE"), ["Брось"]); // "бро", any case
  assertEquals(await titles("?q=100%25"), ["апорт 100%"]);
  assertEquals(await titles("?q=_"), []);
  const empty = await (await carla.fetch("/studio/steps?q=zzz")).text();
  assertStringIncludes(empty, "Ничего не найдено по запросу «zzz»");
  // Nobody else's steps in a trainer's list.
  assert(!(await titles("")).includes("Сидеть"));
});

Deno.test("access: trainer B gets 404 on trainer A's step; moderator and admin may edit it and the author stays", async () => {
  const id = await createVia(anna, { title: "Шаг Анны", type: "THEORY" });
  const path = `/studio/steps/${id}`;
  assertEquals((await boris.fetch(path)).status, 404);
  const edit = await post(boris, path, { title: "Взлом", type: "THEORY" });
  assertEquals(edit.status, 404);
  const del = await post(boris, path, { _action: "delete", confirm: "1" });
  assertEquals(del.status, 404);
  const pv = await post(boris, path, { _action: "preview", title: "x", description: "x" });
  assertEquals(pv.status, 404);
  assertEquals((await row(id))!.title, "Шаг Анны");
  const borisList = await (await boris.fetch("/studio/steps")).text();
  assert(!borisList.includes("Шаг Анны"));

  let title = "Шаг Анны";
  for (const staff of [moder, admin]) {
    const page = await staff.fetch(path);
    assertEquals(page.status, 200);
    await page.body?.cancel();
    const list = await (await staff.fetch("/studio/steps")).text();
    assertStringIncludes(list, title);
    const res = await post(staff, path, { title: `Правка ${staff.username}`, type: "THEORY" });
    assertEquals(res.status, 303);
    const r = (await row(id))!;
    assertEquals(r.title, `Правка ${staff.username}`);
    assertEquals(r.author_id, anna.id);
    title = r.title;
  }
  assertEquals((await boris.fetch("/studio/steps/not-an-id")).status, 404);
});

Deno.test("access: a learner gets 403 on every studio step page and the preview API; a visitor is sent to login", async () => {
  const id = await createVia(anna, { title: "Для проверки", type: "THEORY" });
  for (const path of ["/studio", "/studio/steps", "/studio/steps/new", `/studio/steps/${id}`]) {
    const res = await lena.fetch(path);
    assertEquals(res.status, 403, path);
    await res.body?.cancel();
    const anon = await t.fetch(path);
    assertEquals(anon.status, 303, path);
    assertMatch(anon.headers.get("location") ?? "", /^\/login\?next=/);
  }
  const create = await post(lena, "/studio/steps/new", { title: "Ученик", type: "THEORY" });
  assertEquals(create.status, 403);
  const api = await lena.fetch("/api/v1/studio/preview", {
    method: "POST",
    body: JSON.stringify({ markdown: "x" }),
    headers: { "content-type": "application/json" },
  });
  assertEquals(api.status, 403);
  const anonApi = await t.fetch("/api/v1/studio/preview", {
    method: "POST",
    body: JSON.stringify({ markdown: "x" }),
    headers: { "content-type": "application/json" },
  });
  // No session: refused before any work (no CSRF token, no user).
  assert([401, 403].includes(anonApi.status), String(anonApi.status));
  await anonApi.body?.cancel();
});

Deno.test("usages: the editor lists the days and courses that contain the step", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    days: [{ title: "День сидеть", steps: [{ type: "THEORY", title: "Общий шаг" }] }],
  });
  const stepId = c.days[0].stepIds[0];
  const html = await (await anna.fetch(`/studio/steps/${stepId}`)).text();
  assertStringIncludes(html, "Где используется");
  assertStringIncludes(html, "День сидеть");
  assertStringIncludes(html, `Курс ${c.slug}`);
  const fresh = await createVia(anna, { title: "Нигде", type: "THEORY" });
  const none = await (await anna.fetch(`/studio/steps/${fresh}`)).text();
  assertStringIncludes(none, "Шаг пока не добавлен ни в один день.");
});

Deno.test("delete: a confirmation first; an unused step (or one on days without progress) is deleted", async () => {
  const id = await createVia(anna, { title: "Удалить меня", type: "THEORY" });
  const ask = await post(anna, `/studio/steps/${id}`, { _action: "delete" });
  assertEquals(ask.status, 200);
  const askHtml = await ask.text();
  assertStringIncludes(askHtml, "Удалить шаг «Удалить меня»?");
  assertStringIncludes(askHtml, 'name="confirm" value="1"');
  assert(await row(id), "asking does not delete");
  const done = await post(anna, `/studio/steps/${id}`, { _action: "delete", confirm: "1" });
  assertEquals(done.status, 303);
  assertEquals(done.headers.get("location"), "/studio/steps?done=deleted");
  assertEquals(await row(id), undefined);

  const c = await makeCourse(t, {
    author: "anna",
    days: [{ steps: [{ type: "THEORY", title: "На дне" }, { type: "PRACTICE" }] }],
  });
  const onDay = c.days[0].stepIds[0];
  const res = await post(anna, `/studio/steps/${onDay}`, { _action: "delete", confirm: "1" });
  assertEquals(res.status, 303);
  assertEquals(await row(onDay), undefined);
  const links = await db.selectFrom("step_on_day").select("step_id")
    .where("day_id", "=", c.days[0].dayId).execute();
  assertEquals(links.map((l) => l.step_id), [c.days[0].stepIds[1]]);
});

Deno.test("delete: refused with 409 when learners have progress on the step; nothing is lost", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    days: [{ steps: [{ type: "THEORY", title: "С прогрессом" }] }],
  });
  const stepId = c.days[0].stepIds[0];
  const learner = await signIn(t, "mila");
  await openDayAs(t, learner, c);
  for (const lang of ["ru", "en"] as const) {
    const ask = await post(anna, `/studio/steps/${stepId}`, { _action: "delete" }, lang);
    assertEquals(ask.status, 409);
    assertStringIncludes(
      await ask.text(),
      lang === "ru" ? "Шаг нельзя удалить" : "The step cannot be deleted",
    );
  }
  const forced = await post(anna, `/studio/steps/${stepId}`, { _action: "delete", confirm: "1" });
  assertEquals(forced.status, 409);
  await forced.body?.cancel();
  assert(await row(stepId));
  const progress = await db.selectFrom("user_steps").select("id").where("user_id", "=", learner.id)
    .execute();
  assertEquals(progress.length, 1);
});

Deno.test("preview renders sanitized Markdown, on the page without JavaScript and through the API", async () => {
  const md = "# Заголовок\n\n**жирно** <script>alert(1)</script> [x](javascript:alert(2))";
  const res = await post(anna, "/studio/steps/new", {
    _action: "preview",
    title: "Черновик",
    type: "THEORY",
    description: md,
  });
  assertEquals(res.status, 200);
  const html = await res.text();
  assertStringIncludes(html, "Так ученик увидит описание");
  assertStringIncludes(html, "<strong>жирно</strong>");
  assertStringIncludes(html, "&lt;script&gt;");
  assert(!html.includes("<script>alert"), "no script reaches the page");
  assert(!html.includes('javascript:alert(2)"'), "no javascript: link");
  assertStringIncludes(html, 'value="Черновик"');
  assertEquals(
    (await db.selectFrom("steps").select("id").where("title", "=", "Черновик").execute()).length,
    0,
    "preview saves nothing",
  );

  const api = await anna.fetch("/api/v1/studio/preview", {
    method: "POST",
    body: JSON.stringify({ markdown: md }),
    headers: { "content-type": "application/json" },
  });
  assertEquals(api.status, 200);
  const body = await api.json();
  assertStringIncludes(body.html, "<h1>Заголовок</h1>");
  assert(!body.html.includes("<script"));
  const bad = await anna.fetch("/api/v1/studio/preview", {
    method: "POST",
    body: JSON.stringify({ markdown: 5 }),
    headers: { "content-type": "application/json" },
  });
  assertEquals(bad.status, 400);
});

Deno.test("the studio home links to the steps", async () => {
  const html = await (await anna.fetch("/studio")).text();
  assertStringIncludes(html, 'href="/studio/steps"');
  assertStringIncludes(html, "Шаги");
});
