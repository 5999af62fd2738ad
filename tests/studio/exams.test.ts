/**
 * Exam review in the studio (/studio/exams): the trainer is told of each new
 * submission and finds it in the queue; filters and counts; the detail with
 * answers against the key; approve and return through the page (the learner
 * told, the step completed or reopened, the history kept); who may see what;
 * the private exam video.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { newId } from "@/platform/ids.ts";
import { examDetail, listExams, parseExamFilters } from "@/core/studio/exams.ts";
import { ForbiddenError, NotFoundError } from "@/core/auth/guards.ts";
import { studioExamPath, studioExamsPath } from "@/core/paths.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import {
  act,
  type CourseFixture,
  makeCourse,
  openDayAs,
  QUESTIONS,
  stepApi,
  stepRow,
} from "../training/helpers.ts";
import { makeVideo } from "../training/videos.ts";

const viewer = (s: Session) => ({ id: s.id, role: s.role });

async function examCourse(t: TestApp, author: string, opts: { video?: boolean } = {}) {
  return await makeCourse(t, {
    author,
    days: [{
      title: "Первый день",
      steps: [{
        type: "EXAMINATION",
        title: "Экзамен",
        checklist: QUESTIONS,
        requiresWritten: true,
        requiresVideo: opts.video ?? false,
      }],
    }],
  });
}

/** `learner` sends answers on the course's exam; returns their user step id. */
async function submit(
  t: TestApp,
  learner: Session,
  c: CourseFixture,
  body: Record<string, unknown> = { answers: { q1: 1, q2: 1 }, written: "Мой ответ" },
): Promise<string> {
  const [exam] = await openDayAs(t, learner, c);
  const r = await act(learner, exam, "exam", body);
  assertEquals(r.status, 200, JSON.stringify(r.json));
  return exam;
}

async function examIdOf(t: TestApp, userStepId: string): Promise<string> {
  return (await t.services.db.selectFrom("exam_results").select("id")
    .where("user_step_id", "=", userStepId).executeTakeFirstOrThrow()).id;
}

async function notes(t: TestApp, userId: string) {
  return await t.services.db.selectFrom("notifications")
    .select(["id", "kind", "title", "body", "url"])
    .where("user_id", "=", userId).orderBy("created_at").execute();
}

async function subscribe(t: TestApp, userId: string) {
  await t.services.db.insertInto("push_subscriptions").values({
    id: newId(),
    user_id: userId,
    endpoint: `http://127.0.0.1:9/${userId}`,
    p256dh:
      "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  }).execute();
}

async function html(who: Session, path: string): Promise<{ status: number; text: string }> {
  const res = await who.fetch(path);
  return { status: res.status, text: await res.text() };
}

Deno.test("a submission notifies the course's trainer (in-app and push, their language) and shows in the queue with counts", async () => {
  await using t = await openTestApp();
  const c = await examCourse(t, "coach_a");
  const trainer = await signIn(t, "coach_a");
  await subscribe(t, trainer.id);
  const learner = await signIn(t, "pupil");
  const exam = await submit(t, learner, c);
  const examId = await examIdOf(t, exam);

  const n = await notes(t, trainer.id);
  assertEquals(n.map((x) => [x.kind, x.title, x.body, x.url]), [[
    "exam.submitted",
    "Новый экзамен: «Экзамен»",
    "Экзамен ждёт проверки. Отправил: pupil.",
    studioExamPath(examId),
  ]]);
  const pushes = await t.services.jobs.list({ queue: "push", state: "queued", limit: 100 });
  assert(
    pushes.jobs.some((j) => (j.payload as PushJob).notificationId === n[0].id),
    "a push job for the trainer's notification",
  );

  // Changing answers still waiting is not a new submission: no second notice.
  assertEquals(
    (await act(learner, exam, "exam", { answers: { q1: 1, q2: 0 }, written: "Ещё" }))
      .status,
    200,
  );
  assertEquals((await notes(t, trainer.id)).length, 1);

  const queue = await listExams(t.services, viewer(trainer), parseExamFilters({}));
  assertEquals(queue.counts, { PENDING: 1, APPROVED: 0, RETURNED: 0 });
  assertEquals(queue.items.map((i) => [i.id, i.learner, i.stepTitle, i.dayTitle, i.status]), [
    [examId, "pupil", "Экзамен", "Первый день", "PENDING"],
  ]);
  const page = await html(trainer, studioExamsPath());
  assertEquals(page.status, 200);
  assertStringIncludes(page.text, `href="${studioExamPath(examId)}"`);
  assertStringIncludes(page.text, "pupil");
  assertStringIncludes(page.text, "Ждут проверки");
  // The header's studio link carries the pending count.
  assertStringIncludes(page.text, "1\u00a0экзамен ждёт проверки");

  // A trainer who reads English gets the notice in English.
  const cEn = await examCourse(t, "coach_en");
  await t.services.db.updateTable("users").set({ locale: "en" }).where("username", "=", "coach_en")
    .execute();
  const en = await signIn(t, "coach_en");
  await submit(t, learner, cEn);
  assertEquals((await notes(t, en.id)).map((x) => [x.title, x.body]), [[
    "New exam: “Экзамен”",
    "Sent for review by pupil.",
  ]]);
});

Deno.test("the queue filters by course and status, counts follow the course filter, newest first", async () => {
  await using t = await openTestApp();
  const c1 = await examCourse(t, "coach_a");
  const c2 = await examCourse(t, "coach_a");
  const trainer = await signIn(t, "coach_a");
  const [p1, p2, p3] = [
    await signIn(t, "pp1"),
    await signIn(t, "pp2"),
    await signIn(t, "pp3"),
  ];
  await submit(t, p1, c1);
  await submit(t, p2, c1);
  const e3 = await examIdOf(t, await submit(t, p3, c2));
  const approved = await examIdOf(t, (await openDayAs(t, p1, c1))[0]);
  assertEquals(
    (await trainer.post(studioExamPath(approved), { decision: "approve", comment: "" })).status,
    303,
  );

  const all = await listExams(t.services, viewer(trainer), parseExamFilters({}));
  assertEquals(all.counts, { PENDING: 2, APPROVED: 1, RETURNED: 0 });
  assertEquals(all.items.map((i) => i.learner), ["pp3", "pp2", "pp1"], "newest first");
  assertEquals(all.courses.length, 2);

  const byCourse = await html(trainer, studioExamsPath(`?course=${c2.courseId}`));
  assertEquals(byCourse.status, 200);
  assertStringIncludes(byCourse.text, studioExamPath(e3));
  assert(!byCourse.text.includes(studioExamPath(approved)));
  const c1Only = await listExams(
    t.services,
    viewer(trainer),
    parseExamFilters({ course: c1.courseId }),
  );
  assertEquals(c1Only.counts, { PENDING: 1, APPROVED: 1, RETURNED: 0 });

  const pending = await listExams(
    t.services,
    viewer(trainer),
    parseExamFilters(new URLSearchParams("status=PENDING&course=")),
  );
  assertEquals(pending.items.map((i) => i.learner), ["pp3", "pp2"]);
  const done = await html(trainer, studioExamsPath("?status=APPROVED"));
  assertStringIncludes(done.text, studioExamPath(approved));
  assert(!done.text.includes(studioExamPath(e3)));
  // Nonsense filters are dropped; a page past the end shows the last one.
  const odd = await listExams(
    t.services,
    viewer(trainer),
    parseExamFilters({ status: "LOST", page: "99", course: "x" }),
  );
  assertEquals([odd.items.length, odd.page, odd.pages], [3, 1, 1]);
  // The GET form keeps the chosen values.
  assertStringIncludes(done.text, `<option value="APPROVED" selected`);
});

Deno.test("the detail shows the learner, course, day and step, each answer against the key, the score and the written answer", async () => {
  await using t = await openTestApp();
  const c = await examCourse(t, "coach_a");
  const trainer = await signIn(t, "coach_a");
  const learner = await signIn(t, "pupil");
  await t.services.db.insertInto("pets").values({
    id: newId(),
    owner_id: learner.id,
    name: "Бобик",
    breed: "Корги",
  }).execute();
  const examId = await examIdOf(
    t,
    await submit(t, learner, c, { answers: { q1: 1, q2: 1 }, written: "Сидит <b>ровно</b>" }),
  );
  const d = await examDetail(t.services, viewer(trainer), examId);
  assertEquals(d.answers.map((a) => [a.id, a.chosen, a.correctIndex, a.correct]), [
    ["q1", 1, 1, true],
    ["q2", 1, 0, false],
  ]);
  assertEquals([d.score, d.maxScore, d.percent, d.passed], [1, 2, 50, false]);

  const page = await html(trainer, studioExamPath(examId));
  assertEquals(page.status, 200);
  for (
    const text of [
      "pupil",
      "Бобик, Корги",
      c.slug,
      "День 1: Первый день",
      "Шаг 1: Экзамен",
      "Тест: 1 из 2 (50\u00a0%)",
      "Ответ ученика: 4",
      "Ответ ученика: Нет",
      "Правильный ответ: Да",
      "Верно",
      "Неверно",
      "Сидит &lt;b",
      "Это первая попытка.",
      'name="decision" value="approve"',
      'name="decision" value="return"',
      '<label for="comment">',
    ]
  ) assertStringIncludes(page.text, text);
  assert(!page.text.includes("<b>ровно"), "the written answer is text, not markup");
});

Deno.test("approving from the page: flash, learner notified, step completed, counts change; a second verdict is refused on the page", async () => {
  await using t = await openTestApp();
  const c = await examCourse(t, "coach_a");
  const trainer = await signIn(t, "coach_a");
  const learner = await signIn(t, "pupil");
  const exam = await submit(t, learner, c);
  const examId = await examIdOf(t, exam);

  const r = await trainer.post(studioExamPath(examId), { decision: "approve", comment: "Браво" });
  assertEquals(r.status, 303);
  assertEquals(r.headers.get("location"), `${studioExamPath(examId)}?done=approve`);
  const after = await html(trainer, r.headers.get("location")!);
  assertStringIncludes(after.text, "Экзамен зачтён. Ученик получил уведомление.");
  assertStringIncludes(after.text, "Браво");
  assert(!after.text.includes('name="decision"'), "no verdict form once reviewed");

  assertEquals((await notes(t, learner.id)).map((n) => n.kind), ["exam.approved"]);
  assertEquals((await stepRow(t, exam)).status, "COMPLETED");
  const q = await listExams(t.services, viewer(trainer), parseExamFilters({}));
  assertEquals(q.counts, { PENDING: 0, APPROVED: 1, RETURNED: 0 });
  assert(!(await html(trainer, studioExamsPath())).text.includes("ждёт проверки"), "no badge");

  const again = await trainer.post(studioExamPath(examId), { decision: "return", comment: "x" });
  assertEquals(again.status, 409);
  assertStringIncludes(await again.text(), "Этот экзамен уже проверен, решение не изменено.");
  assertEquals((await notes(t, learner.id)).length, 1);
});

Deno.test("returning needs a comment (field error, text kept); returned, the learner is told, sends again, and both attempts are kept", async () => {
  await using t = await openTestApp();
  const c = await examCourse(t, "coach_a");
  const trainer = await signIn(t, "coach_a");
  const learner = await signIn(t, "pupil");
  const exam = await submit(t, learner, c, { answers: { q1: 0, q2: 1 }, written: "Первая" });
  const examId = await examIdOf(t, exam);

  const empty = await trainer.post(studioExamPath(examId), { decision: "return", comment: "  " });
  assertEquals(empty.status, 422);
  const emptyHtml = await empty.text();
  assertStringIncludes(emptyHtml, "Напишите комментарий для ученика");
  assertStringIncludes(emptyHtml, 'aria-invalid="true"');
  const noDecision = await trainer.post(studioExamPath(examId), {
    decision: "maybe",
    comment: "Мой черновик",
  });
  assertEquals(noDecision.status, 422);
  const noDecisionHtml = await noDecision.text();
  assertStringIncludes(noDecisionHtml, "Выберите: зачесть или вернуть на доработку");
  assertStringIncludes(noDecisionHtml, "Мой черновик");
  const english = await trainer.fetch(studioExamPath(examId), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: "lang=en" },
    body: new URLSearchParams({ decision: "return", comment: "", _csrf: trainer.csrf }),
  });
  assertEquals(english.status, 422);
  assertStringIncludes(await english.text(), "Write a comment for the learner");
  assertEquals((await stepRow(t, exam)).status, "IN_PROGRESS");

  const r = await trainer.post(studioExamPath(examId), {
    decision: "return",
    comment: "Переделай второе",
  });
  assertEquals(r.status, 303);
  assertEquals(r.headers.get("location"), `${studioExamPath(examId)}?done=return`);
  const n = await notes(t, learner.id);
  assertEquals(n.map((x) => [x.kind, x.body]), [[
    "exam.returned",
    "Комментарий тренера: Переделай второе",
  ]]);
  assertEquals(
    (await listExams(t.services, viewer(trainer), parseExamFilters({}))).counts,
    { PENDING: 0, APPROVED: 0, RETURNED: 1 },
  );

  // The learner may send again; the trainer hears of it again.
  const again = await act(learner, exam, "exam", { answers: { q1: 1, q2: 0 }, written: "Вторая" });
  assertEquals(again.status, 200);
  assertEquals(
    (await notes(t, trainer.id)).map((x) => x.kind),
    ["exam.submitted", "exam.submitted"],
  );
  const d = await examDetail(t.services, viewer(trainer), examId);
  assertEquals([d.status, d.written, d.score], ["PENDING", "Вторая", 2]);
  assertEquals(d.history.map((h) => [h.status, h.written, h.score, h.trainerComment]), [
    ["RETURNED", "Первая", 0, "Переделай второе"],
  ]);
  const page = await html(trainer, studioExamPath(examId));
  assertStringIncludes(page.text, "Попытка 1");
  assertStringIncludes(page.text, "Попытка 2 (текущая)");
  assertStringIncludes(page.text, "Переделай второе");

  // The second attempt approved: the step is done, the history still has the first.
  await trainer.post(studioExamPath(examId), { decision: "approve", comment: "" });
  assertEquals((await stepRow(t, exam)).status, "COMPLETED");
  assertEquals((await examDetail(t.services, viewer(trainer), examId)).history.length, 1);
});

Deno.test("access: trainer B gets 404 on A's exams, staff see and review all, a learner gets 403, a visitor goes to login", async () => {
  await using t = await openTestApp();
  const c = await examCourse(t, "coach_a");
  const a = await signIn(t, "coach_a");
  const b = await signIn(t, "coach_b", "TRAINER");
  await examCourse(t, "coach_b");
  const learner = await signIn(t, "pupil");
  const exam = await submit(t, learner, c);
  const examId = await examIdOf(t, exam);

  // Trainer B: nothing in the list, 404 on the course filter, the detail and the verdict.
  const bList = await html(b, studioExamsPath());
  assertEquals(bList.status, 200);
  assert(!bList.text.includes(examId));
  assertEquals(
    (await listExams(t.services, viewer(b), parseExamFilters({}))).counts,
    { PENDING: 0, APPROVED: 0, RETURNED: 0 },
  );
  assertEquals((await html(b, studioExamsPath(`?course=${c.courseId}`))).status, 404);
  assertEquals((await html(b, studioExamPath(examId))).status, 404);
  const bPost = await b.post(studioExamPath(examId), { decision: "approve" });
  assertEquals(bPost.status, 404);
  await bPost.body?.cancel();
  const bBad = await b.post(studioExamPath(examId), { decision: "return", comment: "" });
  assertEquals(bBad.status, 404, "not found before the input is looked at");
  await bBad.body?.cancel();
  await assertRejects(() => examDetail(t.services, viewer(b), examId), NotFoundError);
  assertEquals((await html(b, studioExamPath("not-an-id"))).status, 404);

  // The learner (even the one who sent it): 403 on every studio page and in core.
  assertEquals((await html(learner, studioExamsPath())).status, 403);
  assertEquals((await html(learner, studioExamPath(examId))).status, 403);
  const lPost = await learner.post(studioExamPath(examId), { decision: "approve" });
  assertEquals(lPost.status, 403);
  await lPost.body?.cancel();
  await assertRejects(
    () => listExams(t.services, viewer(learner), parseExamFilters({})),
    ForbiddenError,
  );
  await assertRejects(() => examDetail(t.services, viewer(learner), examId), ForbiddenError);

  // A visitor is sent to log in.
  const visitor = await t.fetch(studioExamPath(examId));
  assertEquals(visitor.status, 303);
  assertStringIncludes(visitor.headers.get("location")!, "/login?next=");
  await visitor.body?.cancel();

  assertEquals((await stepRow(t, exam)).status, "IN_PROGRESS", "nothing changed so far");

  // Moderator and admin see it; the admin's verdict counts.
  const mod = await signIn(t, "mod", "MODERATOR");
  const admin = await signIn(t, "root", "ADMIN");
  for (const staff of [mod, admin]) {
    assertStringIncludes((await html(staff, studioExamsPath())).text, studioExamPath(examId));
    assertEquals((await html(staff, studioExamPath(examId))).status, 200);
    assertEquals(
      (await html(staff, studioExamsPath(`?course=${c.courseId}`))).status,
      200,
    );
  }
  const r = await admin.post(studioExamPath(examId), { decision: "approve", comment: "" });
  assertEquals(r.status, 303);
  assertEquals((await stepRow(t, exam)).status, "COMPLETED");
  assertEquals((await html(a, studioExamPath(examId))).status, 200);
});

Deno.test("the exam video plays for the course's trainer and staff, not for another trainer", async () => {
  await using t = await openTestApp();
  const c = await examCourse(t, "coach_a", { video: true });
  const a = await signIn(t, "coach_a");
  const b = await signIn(t, "coach_b", "TRAINER");
  const mod = await signIn(t, "mod", "MODERATOR");
  const learner = await signIn(t, "pupil");
  const [exam] = await openDayAs(t, learner, c);
  const up = await learner.fetch(stepApi(exam, "video"), {
    method: "POST",
    headers: { "content-type": "video/mp4" },
    body: await makeVideo("mp4"),
  });
  assertEquals(up.status, 200);
  const { key, url } = await up.json() as { key: string; url: string };
  const sent = await act(learner, exam, "exam", {
    answers: { q1: 1, q2: 0 },
    written: "Видео приложено",
    videoKey: key,
  });
  assertEquals(sent.status, 200);
  const examId = await examIdOf(t, exam);

  const page = await html(a, studioExamPath(examId));
  assertStringIncludes(page.text, `<video`);
  assertStringIncludes(page.text, `src="${url}"`);
  for (const [who, status] of [[a, 200], [mod, 200], [learner, 200], [b, 404]] as const) {
    const res = await who.fetch(url);
    assertEquals(res.status, status, who.username);
    await res.body?.cancel();
  }
  const anon = await t.fetch(url);
  assert(anon.status !== 200, "not for visitors");
  await anon.body?.cancel();
});
