/**
 * Authoring completeness in the studio: the exam's test editor (no-JS
 * add/remove buttons that keep what was typed, ru/en field messages, stable
 * question ids across edits, learners see the change), the "where else
 * used" notice on the step and day editors, a step's checklist on the
 * learner's day page, template editing and who may do it, and archive or
 * delete of days and courses with confirmation (learners' pages still
 * render after archiving what they follow).
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { json } from "@/db/connection.ts";
import type { ChecklistQuestion } from "@/db/schema.ts";
import { newId } from "@/platform/ids.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";
import { applyQuestionOp, questionDrafts } from "@/core/studio/steps.ts";
import { dayUrl, makeCourse, openDayAs, QUESTIONS } from "../training/helpers.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const boris = await signIn(t, "boris", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");
const lena = await signIn(t, "lena", "USER");

function post(who: Session, path: string, fields: Record<string, string>, lang?: "ru" | "en") {
  return postForm(t, who, path, fields, lang);
}

async function see(res: Response, status = 200): Promise<string> {
  const html = await res.text();
  assertEquals(res.status, status, html.slice(0, 400));
  return html;
}

async function checklist(stepId: string): Promise<ChecklistQuestion[]> {
  const r = await db.selectFrom("steps").select("checklist").where("id", "=", stepId)
    .executeTakeFirstOrThrow();
  return r.checklist;
}

const EXAM = { title: "Экзамен", type: "EXAMINATION" };

// ------------------------------------------------------------ exam editor

Deno.test("the test editor's buttons re-render the form with everything typed and save nothing", async () => {
  const typed = {
    ...EXAM,
    description: "Описание как было",
    "q.0.id": "",
    "q.0.question": "Сколько лап у собаки?",
    "q.0.option.0": "3",
    "q.0.option.1": "4",
    "q.0.correct": "1",
    "q.0.comment": "Считаем лапы",
  };
  const before = await db.selectFrom("steps").select(db.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const html = await see(await post(anna, "/studio/steps/new", { ...typed, op: "addOption.0" }));
  // Everything typed is back, plus a third, empty answer that has the focus.
  assertStringIncludes(html, 'value="Сколько лап у собаки?"');
  assertStringIncludes(html, "Описание как было");
  assertStringIncludes(html, "Считаем лапы");
  assertMatch(html, /name="q\.0\.option\.2" type="text" value\/>/);
  assertMatch(
    html,
    /<input[^>]*autofocus[^>]*name="q\.0\.option\.2"|name="q\.0\.option\.2"[^>]*autofocus/,
  );
  assertMatch(html, /name="q\.0\.correct" value="1" checked/);

  const added = await see(await post(anna, "/studio/steps/new", { ...typed, op: "addQuestion" }));
  assertStringIncludes(added, 'name="q.1.question"');

  // Removing the first answer moves the correct mark with the answer it was on.
  const removed = await see(
    await post(anna, "/studio/steps/new", {
      ...typed,
      "q.0.option.2": "5",
      op: "removeOption.0.0",
    }),
  );
  assertMatch(removed, /name="q\.0\.option\.0"[^>]*value="4"/);
  assertMatch(removed, /name="q\.0\.correct" value="0" checked/);

  const gone = await see(
    await post(anna, "/studio/steps/new", { ...typed, op: "removeQuestion.0" }),
  );
  assert(!gone.includes("Сколько лап у собаки?"));

  const after = await db.selectFrom("steps").select(db.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  assertEquals(Number(after.n), Number(before.n));
});

Deno.test("the test editor's drafts: indices renumbered, ops bounded", () => {
  const d = questionDrafts({
    "q.5.question": "Б",
    "q.2.question": "А",
    "q.2.option.3": "y",
    "q.2.option.1": "x",
    "q.2.correct": "3",
  })!;
  assertEquals(d.map((q) => q.question), ["А", "Б"]);
  assertEquals(d[0].option, ["x", "y"]);
  assertEquals(d[0].correct, "1");
  assertEquals(questionDrafts({ title: "x" }), null);
  // Two answers is the least: removing one more changes nothing.
  assertEquals(applyQuestionOp(d, "removeOption.0.0").drafts[0].option, ["x", "y"]);
  assertEquals(applyQuestionOp(d, "bogus.1").drafts, d);
});

Deno.test("bad test questions come back with field messages at each input, in Russian and English, typed values kept", async () => {
  const bad = {
    ...EXAM,
    "q.0.question": "Да",
    "q.0.option.0": "Один",
    "q.0.option.1": "",
    "q.0.comment": "к".repeat(501),
    "q.1.question": "Нормальный вопрос",
    "q.1.option.0": "а".repeat(201),
    "q.1.option.1": "Б",
    "q.1.correct": "1",
  };
  const ru = await see(await post(anna, "/studio/steps/new", bad, "ru"), 422);
  assertMatch(ru, /id="q\.0\.question-error">Вопрос: от 3 до 500/);
  assertMatch(ru, /id="q\.0\.option\.1-error">Нужно от 2 до 6\u00a0вариантов/);
  assertMatch(ru, /id="q\.0\.correct-error">Отметьте верный вариант/);
  assertMatch(ru, /id="q\.0\.comment-error">Комментарий: не длиннее 500/);
  assertMatch(ru, /id="q\.1\.option\.0-error">Вариант ответа: не длиннее 200/);
  assertStringIncludes(ru, 'value="Нормальный вопрос"');
  assertStringIncludes(ru, "Вопрос 1: Вопрос: от 3 до 500");
  // The editor is open so the messages are seen.
  assertMatch(ru, /<details class="exam-editor" id="q" open/);

  const en = await see(await post(anna, "/studio/steps/new", bad, "en"), 422);
  assertMatch(en, /id="q\.0\.question-error">Question: 3 to 500/);
  assertMatch(en, /id="q\.0\.correct-error">Mark the correct answer/);
  assertMatch(en, /id="q\.1\.option\.0-error">Answer: at most 200/);
});

Deno.test("an exam is saved with its test; question ids stay stable across an edit and new ones get new ids", async () => {
  const res = await post(anna, "/studio/steps/new", {
    ...EXAM,
    "q.0.question": "Сколько лап у собаки?",
    "q.0.option.0": "3",
    "q.0.option.1": "",
    "q.0.option.2": "4",
    "q.0.correct": "2",
    "q.1.question": "",
    "q.1.option.0": "",
    "q.1.option.1": "",
  });
  assertEquals(res.status, 303, await res.clone().text().then((s) => s.slice(0, 300)));
  const id = res.headers.get("location")!.split("/")[3].split("?")[0];
  const first = await checklist(id);
  // The blank question and the blank answer are dropped; the correct mark follows its answer.
  assertEquals(first.length, 1);
  assertEquals(first[0].options, ["3", "4"]);
  assertEquals(first[0].correctIndex, 1);
  const qid = first[0].id;

  // The editor shows the question with its id, plus one blank question.
  const page = await see(await anna.fetch(`/studio/steps/${id}`));
  assertMatch(page, new RegExp(`name="q\\.0\\.id" value="${qid}"`));
  assertStringIncludes(page, 'name="q.1.question"');

  const saved = await post(anna, `/studio/steps/${id}`, {
    ...EXAM,
    "q.0.id": "forged-id",
    "q.0.question": "Новый первый вопрос",
    "q.0.option.0": "Да",
    "q.0.option.1": "Нет",
    "q.0.correct": "0",
    "q.1.id": qid,
    "q.1.question": "Сколько лап у собаки? (уточнено)",
    "q.1.option.0": "3",
    "q.1.option.1": "4",
    "q.1.correct": "1",
    "q.1.comment": "Четыре",
  });
  assertEquals(saved.status, 303);
  await saved.body?.cancel();
  const second = await checklist(id);
  assertEquals(second.length, 2);
  assertEquals(second[1].id, qid, "the edited question keeps its id");
  assertEquals(second[1].comment, "Четыре");
  assert(second[0].id !== qid && second[0].id !== "forged-id", "a new question gets a new id");

  // Without any part the exam is refused; a test alone is a part.
  const empty = await post(anna, `/studio/steps/${id}`, {
    ...EXAM,
    "q.0.question": "",
    "q.0.option.0": "",
    "q.0.option.1": "",
  });
  assertStringIncludes(await see(empty, 422), "Экзамену нужна хотя бы одна часть");
});

Deno.test("learners see an edited test at once on the exam step", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    days: [{ steps: [{ type: "EXAMINATION", checklist: QUESTIONS }] }],
  });
  await openDayAs(t, lena, c);
  const stepId = c.days[0].stepIds[0];
  const res = await post(anna, `/studio/steps/${stepId}`, {
    ...EXAM,
    "q.0.id": "q1",
    "q.0.question": "Сколько ушей у собаки?",
    "q.0.option.0": "2",
    "q.0.option.1": "3",
    "q.0.correct": "0",
  });
  assertEquals(res.status, 303);
  await res.body?.cancel();
  assertEquals((await checklist(stepId)).map((q) => q.id), ["q1"]);
  const day = await see(await lena.fetch(dayUrl(c)));
  assertStringIncludes(day, "Сколько ушей у собаки?");
  assert(!day.includes("Хвалить сразу?"));
});

// ------------------------------------------------------- where else used

Deno.test("the step and day editors name the other courses before and after a save", async () => {
  const a = await makeCourse(t, { author: "anna", days: [{ steps: [{ type: "THEORY" }] }] });
  const dayId = a.days[0].dayId;
  const stepId = a.days[0].stepIds[0];
  // One course, opened from it: no notice.
  const single = await see(await anna.fetch(`/studio/steps/${stepId}?from=${a.courseId}`));
  assert(!single.includes("Этот шаг используется"));
  const singleDay = await see(await anna.fetch(`/studio/days/${dayId}?from=${a.courseId}`));
  assert(!singleDay.includes("Этот день используется"));
  // Opened from another course: the notice names the course.
  const other = await see(await anna.fetch(`/studio/steps/${stepId}?from=${newId()}`));
  assertStringIncludes(other, "Этот шаг используется в 1\u00a0курсе");

  const b = await makeCourse(t, { author: "anna", days: [{ dayId, steps: [] }] });
  const names = await db.selectFrom("courses").select(["id", "name"])
    .where("id", "in", [a.courseId, b.courseId]).execute();
  const step = await see(await anna.fetch(`/studio/steps/${stepId}`));
  assertStringIncludes(step, "Этот шаг используется в 2\u00a0курсах");
  assertStringIncludes(step, "Изменения увидят ученики всех этих курсов.");
  for (const c of names) {
    assertStringIncludes(step, `<a href="/studio/courses/${c.id}">${c.name}</a>`);
  }
  // The notice is inside the form, just above the save button.
  assert(step.indexOf("Этот шаг используется") < step.indexOf('class="form-actions"'));

  const day = await see(
    await anna.fetch(`/studio/days/${dayId}`, { headers: { cookie: "lang=en" } }),
  );
  assertStringIncludes(day, "This day is used in 2\u00a0courses");

  // After saving, the confirmation says it again.
  const saved = await post(anna, `/studio/steps/${stepId}`, { title: "Теория 2", type: "THEORY" });
  assertEquals(saved.status, 303);
  const loc = saved.headers.get("location")!;
  const after = await see(await anna.fetch(loc));
  assertStringIncludes(after, "Изменения уже видят ученики всех этих курсов.");
  const savedDay = await post(anna, `/studio/days/${dayId}`, { title: "День 1", type: "regular" });
  assertEquals(savedDay.status, 303);
  const afterDay = await see(await anna.fetch(savedDay.headers.get("location")!));
  assertStringIncludes(afterDay, "Этот день используется в 2\u00a0курсах");
});

// ---------------------------------------------------- checklist on the day

Deno.test("a step's checklist items are listed on the learner's day page, as a plain list", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    days: [{ steps: [{ type: "PRACTICE", title: "Прогулка" }] }],
  });
  await db.updateTable("steps").set({ checklist_items: json(["Поводок", "Лакомство <b>"]) })
    .where("id", "=", c.days[0].stepIds[0]).execute();
  invalidateCourses(t.services);
  const html = await see(await lena.fetch(dayUrl(c)));
  assertMatch(html, /<section class="step__checklist" aria-labelledby="checklist-[^"]+">/);
  assertStringIncludes(html, "<li>Поводок</li>");
  assertMatch(html, /<li>Лакомство &lt;b(&gt;|>)<\/li>/);
});

// --------------------------------------------------- archive and delete

async function exists(table: "training_days" | "courses", id: string) {
  return (await db.selectFrom(table).select("id").where("id", "=", id).executeTakeFirst()) !==
    undefined;
}

Deno.test("an unused day and an unused course are deleted after a confirmation page", async () => {
  const c = await makeCourse(t, { author: "anna", days: [{ steps: [{ type: "THEORY" }] }] });
  const dayId = c.days[0].dayId;
  // The editor links to the confirmation; the confirmation offers delete, names the course.
  assertStringIncludes(
    await see(await anna.fetch(`/studio/days/${dayId}`)),
    `/studio/days/${dayId}/remove`,
  );
  const confirm = await see(await anna.fetch(`/studio/days/${dayId}/remove`));
  assertStringIncludes(confirm, "его можно удалить насовсем");
  assertStringIncludes(confirm, `<a href="/studio/courses/${c.courseId}">`);
  assertStringIncludes(confirm, 'name="_action" value="delete"');
  assert(await exists("training_days", dayId), "the confirmation page deletes nothing");

  const del = await post(anna, `/studio/days/${dayId}/remove`, { _action: "delete" });
  assertEquals(del.status, 303);
  assertEquals(del.headers.get("location"), "/studio/days?done=deleted");
  assert(!(await exists("training_days", dayId)));
  const links = await db.selectFrom("day_on_course").select("id").where("day_id", "=", dayId)
    .execute();
  assertEquals(links.length, 0, "taken out of the course");
  assertStringIncludes(await see(await anna.fetch("/studio/days?done=deleted")), "День удалён.");

  const delCourse = await post(anna, `/studio/courses/${c.courseId}/remove`, { _action: "delete" });
  assertEquals(delCourse.status, 303);
  assertEquals(delCourse.headers.get("location"), "/studio/courses?done=deleted");
  assert(!(await exists("courses", c.courseId)));
});

Deno.test("a day and a course learners follow can only be archived; the learner's pages still render; restore brings them back", async () => {
  const c = await makeCourse(t, {
    author: "anna",
    days: [{ title: "Архивный день", steps: [{ type: "THEORY" }, { type: "PRACTICE" }] }],
  });
  const dayId = c.days[0].dayId;
  const stepIds = await openDayAs(t, lena, c);
  assert(stepIds.length > 0);

  const confirm = await see(await anna.fetch(`/studio/days/${dayId}/remove`));
  assertStringIncludes(confirm, "удалить его нельзя — только перенести в архив");
  assert(!confirm.includes('name="_action" value="delete"'), "no delete button");
  const refused = await post(anna, `/studio/days/${dayId}/remove`, { _action: "delete" }, "en");
  assertStringIncludes(await see(refused, 409), "it cannot be deleted, only archived");
  assert(await exists("training_days", dayId));

  const archived = await post(anna, `/studio/days/${dayId}/remove`, { _action: "archive" });
  assertEquals(archived.status, 303);
  assertEquals(archived.headers.get("location"), "/studio/days?done=archived");
  const list = await see(await anna.fetch("/studio/days"));
  assert(!list.includes("Архивный день"), "hidden from the studio's list");
  const course = await see(await anna.fetch(`/studio/courses/${c.courseId}`));
  assert(!course.includes(`<option value="${dayId}"`), "hidden from the day choices");
  assertStringIncludes(await see(await anna.fetch("/studio/archive")), "Архивный день");
  // The learner's day still renders with their progress.
  assertStringIncludes(await see(await lena.fetch(dayUrl(c))), "Архивный день");

  // The course: started by lena, so archive only; out of the catalogue.
  const courseName = `Курс ${c.slug}`;
  const courseConfirm = await see(await anna.fetch(`/studio/courses/${c.courseId}/remove`));
  assertStringIncludes(courseConfirm, "удалить его нельзя — только перенести в архив");
  const refusedCourse = await post(anna, `/studio/courses/${c.courseId}/remove`, {
    _action: "delete",
  });
  assertEquals(refusedCourse.status, 409);
  await refusedCourse.body?.cancel();
  const arch = await post(anna, `/studio/courses/${c.courseId}/remove`, { _action: "archive" });
  assertEquals(arch.status, 303);
  await arch.body?.cancel();
  const stranger = await signIn(t, "stranger", "USER");
  assert(
    !(await see(await stranger.fetch("/courses"))).includes(courseName),
    "out of the catalogue",
  );
  assertEquals((await stranger.fetch(`/courses/${c.slug}`)).status, 404);
  // lena keeps her progress and her pages.
  assertStringIncludes(await see(await lena.fetch(`/courses/${c.slug}`)), courseName);
  assertStringIncludes(await see(await lena.fetch(dayUrl(c))), "Архивный день");
  const rows = await db.selectFrom("user_steps").select("id").where("user_id", "=", lena.id)
    .where("id", "in", stepIds).execute();
  assertEquals(rows.length, stepIds.length);
  // And she can go on: finishing a step works on the archived course.
  const done = await lena.fetch(
    `/api/v1/training/days/${c.days[0].dayOnCourseId}/steps/${c.days[0].stepOnDayIds[0]}/complete`,
    { method: "POST" },
  );
  assertEquals(done.status, 200, await done.clone().text());
  await done.body?.cancel();

  // Restore from the archive page: back in the lists and the catalogue.
  const restore = await post(anna, "/studio/archive", {
    _action: "unarchive",
    kind: "course",
    id: c.courseId,
  });
  assertEquals(restore.status, 303);
  assertEquals(restore.headers.get("location"), `/studio/courses/${c.courseId}?done=unarchived`);
  await restore.body?.cancel();
  assertStringIncludes(await see(await stranger.fetch("/courses")), courseName);
  const restoreDay = await post(anna, "/studio/archive", {
    _action: "unarchive",
    kind: "day",
    id: dayId,
  });
  assertEquals(restoreDay.status, 303);
  await restoreDay.body?.cancel();
  assertStringIncludes(await see(await anna.fetch("/studio/days")), "Архивный день");
});

Deno.test("archive and delete: trainer B gets 404 on A's day and course, staff may, a learner gets 403", async () => {
  const c = await makeCourse(t, { author: "anna", days: [{ steps: [{ type: "THEORY" }] }] });
  const dayId = c.days[0].dayId;
  for (const path of [`/studio/days/${dayId}/remove`, `/studio/courses/${c.courseId}/remove`]) {
    const get = await boris.fetch(path);
    assertEquals(get.status, 404, path);
    await get.body?.cancel();
    for (const _action of ["archive", "delete"]) {
      const res = await post(boris, path, { _action });
      assertEquals(res.status, 404, `${path} ${_action}`);
      await res.body?.cancel();
    }
    const learner = await lena.fetch(path);
    assertEquals(learner.status, 403, path);
    await learner.body?.cancel();
    await see(await moder.fetch(path));
  }
  assert(await exists("training_days", dayId));
  assert(await exists("courses", c.courseId));
  // Restoring someone else's archived day is 404 too.
  await db.updateTable("training_days").set({ archived_at: new Date() }).where("id", "=", dayId)
    .execute();
  const res = await post(boris, "/studio/archive", {
    _action: "unarchive",
    kind: "day",
    id: dayId,
  });
  assertEquals(res.status, 404);
  await res.body?.cancel();
  assert(!(await see(await boris.fetch("/studio/archive"))).includes(dayId));
  assertEquals((await lena.fetch("/studio/archive")).status, 403);
});

// ------------------------------------------------------- template editing

async function makeTemplate(authorId: string, opts: { isPublic?: boolean } = {}) {
  const id = newId();
  await db.insertInto("step_templates").values({
    id,
    title: "Шаблон «Сидеть»",
    type: "EXAMINATION",
    description: "Описание шаблона",
    checklist: json(QUESTIONS),
    requires_written_feedback: true,
    tags: json(["щенок"]),
    is_public: opts.isPublic ?? true,
    usage_count: 3,
    author_id: authorId,
  }).execute();
  return id;
}

Deno.test("a template's author edits its content, test, category and tags; bad input comes back with ru/en messages", async () => {
  const id = await makeTemplate(anna.id);
  const page = await see(await anna.fetch(`/studio/templates/${id}`));
  assertStringIncludes(page, 'name="edit" value="1"');
  assertMatch(page, /name="q\.1\.id" value="q2"/);
  const category = await db.selectFrom("step_categories").select("id").limit(1)
    .executeTakeFirstOrThrow();

  const fields = {
    edit: "1",
    title: "Шаблон «Лежать»",
    type: "EXAMINATION",
    description: "Новое описание",
    categoryId: category.id,
    tags: "взрослая собака, контакт",
    "q.0.id": "q2",
    "q.0.question": "Хвалить сразу?",
    "q.0.option.0": "Да",
    "q.0.option.1": "Нет",
    "q.0.correct": "0",
  };
  const bad = await post(anna, `/studio/templates/${id}`, {
    ...fields,
    title: "Л",
    tags: Array.from({ length: 11 }, (_, i) => `тег${i}`).join(","),
    "q.0.correct": "",
  });
  const ru = await see(bad, 422);
  assertMatch(ru, /id="title-error">/);
  assertMatch(ru, /id="tags-error">Не больше 10/);
  assertMatch(ru, /id="q\.0\.correct-error">Отметьте верный вариант/);
  assertStringIncludes(ru, "Новое описание");
  const en = await see(
    await post(anna, `/studio/templates/${id}`, { ...fields, title: "Л" }, "en"),
    422,
  );
  assertMatch(en, /id="title-error">/);
  assertStringIncludes(en, "Edit the template");

  // An "add question" press saves nothing and keeps what was typed.
  const op = await see(
    await post(anna, `/studio/templates/${id}`, { ...fields, op: "addQuestion" }),
  );
  assertStringIncludes(op, 'value="Шаблон «Лежать»"');
  assertStringIncludes(op, 'name="q.1.question"');

  const ok = await post(anna, `/studio/templates/${id}`, fields);
  assertEquals(ok.status, 303);
  assertEquals(ok.headers.get("location"), `/studio/templates/${id}?done=edited`);
  await ok.body?.cancel();
  const row = await db.selectFrom("step_templates").selectAll().where("id", "=", id)
    .executeTakeFirstOrThrow();
  assertEquals(row.title, "Шаблон «Лежать»");
  assertEquals(row.category_id, category.id);
  assertEquals(row.tags, ["взрослая собака", "контакт"]);
  assertEquals(row.checklist.map((q) => q.id), ["q2"], "the kept question keeps its id");
  assertEquals(row.usage_count, 3, "editing is not a use");
  assertStringIncludes(
    await see(await anna.fetch(ok.headers.get("location")!)),
    "Шаблон сохранён.",
  );

  // A moderator may edit it too.
  const mod = await post(moder, `/studio/templates/${id}`, {
    ...fields,
    title: "Шаблон модератора",
  });
  assertEquals(mod.status, 303);
  await mod.body?.cancel();
});

Deno.test("template editing: trainer B sees a public template read-only and gets 404 on edit and on a private one; a learner gets 403", async () => {
  const pub = await makeTemplate(anna.id);
  const priv = await makeTemplate(anna.id, { isPublic: false });
  const view = await see(await boris.fetch(`/studio/templates/${pub}`));
  assert(!view.includes('name="edit"'), "no edit form for trainer B");
  const edit = await post(boris, `/studio/templates/${pub}`, {
    edit: "1",
    title: "Чужая правка",
    type: "THEORY",
  });
  assertEquals(edit.status, 404);
  await edit.body?.cancel();
  const hidden = await boris.fetch(`/studio/templates/${priv}`);
  assertEquals(hidden.status, 404);
  await hidden.body?.cancel();
  const row = await db.selectFrom("step_templates").select("title").where("id", "=", pub)
    .executeTakeFirstOrThrow();
  assertEquals(row.title, "Шаблон «Сидеть»");
  for (
    const res of [
      await lena.fetch(`/studio/templates/${pub}`),
      await post(lena, `/studio/templates/${pub}`, { edit: "1", title: "x", type: "THEORY" }),
    ]
  ) {
    assertEquals(res.status, 403);
    await res.body?.cancel();
  }
});
