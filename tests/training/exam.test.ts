/**
 * Exams: scoring on the server, submission ("waiting for the trainer"),
 * approval and return by the course author or staff only, resubmission,
 * and notifications to the learner.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { approveExam, returnExam, scoreTest } from "@/core/training/exams.ts";
import { ForbiddenError, NotFoundError } from "@/core/auth/guards.ts";
import { TrainingError } from "@/core/training/errors.ts";
import { stepApiPath } from "@/core/paths.ts";
import { z } from "zod";
import { act, dayUrl, makeCourse, openDayAs, QUESTIONS, stepApi, stepRow } from "./helpers.ts";
import { makeJpeg, makeVideo } from "./videos.ts";
import { sniffVideo } from "@/core/uploads.ts";

Deno.test("test answers are scored against the checklist", () => {
  assertEquals(scoreTest(QUESTIONS, { q1: 1, q2: 0 }), { score: 2, max: 2 });
  assertEquals(scoreTest(QUESTIONS, { q1: 0, q2: 0 }), { score: 1, max: 2 });
  assertEquals(scoreTest(QUESTIONS, {}), { score: 0, max: 2 });
  assertEquals(scoreTest([], {}), { score: 0, max: 0 });
});

async function examSetup() {
  const t = await openTestApp();
  const c = await makeCourse(t, {
    author: "author1",
    days: [{
      steps: [
        { type: "PRACTICE" },
        { type: "EXAMINATION", title: "Экзамен", checklist: QUESTIONS, requiresWritten: true },
      ],
    }],
  });
  const learner = await signIn(t, "student");
  const [practice, exam] = await openDayAs(t, learner, c);
  await act(learner, practice, "complete");
  return { t, c, learner, exam };
}

async function notes(t: Awaited<ReturnType<typeof openTestApp>>, userId: string) {
  return await t.services.db.selectFrom("notifications").select(["kind", "title", "body"])
    .where("user_id", "=", userId).orderBy("created_at").execute();
}

Deno.test("submitting an exam scores it and puts the step in 'waiting for the trainer'", async () => {
  const { t, c, learner, exam } = await examSetup();
  await using _ = t;
  // The correct options are never sent to the browser.
  const before = await (await learner.fetch(dayUrl(c))).text();
  assert(!before.includes("correctIndex"), "no correct answers in the page");

  const bad = await act(learner, exam, "exam", { answers: { q1: 1 }, written: " " });
  assertEquals(bad.status, 400);
  const fields = bad.json.fields as Record<string, string>;
  assertEquals(fields["answers.q2"], "Ответьте на все вопросы теста");
  assertEquals(fields.written, "Напишите ответ");
  const outOfRange = await act(learner, exam, "exam", { answers: { q1: 7, q2: 0 }, written: "x" });
  assertEquals(outOfRange.status, 400);
  const tooLong = await act(learner, exam, "exam", {
    answers: { q1: 1, q2: 0 },
    written: "я".repeat(10_001),
  });
  assertEquals(
    (tooLong.json.fields as Record<string, string>).written,
    "Не длиннее 10000\u00a0символов",
  );

  const r = await act(learner, exam, "exam", {
    answers: { q1: 0, q2: 0 },
    written: "Всё получилось",
  });
  assertEquals(r.status, 200);
  const e = r.json.exam as Record<string, unknown>;
  assertEquals([e.status, e.score, e.maxScore, e.percent, e.passed], ["PENDING", 1, 2, 50, false]);
  assertEquals((r.json.step as { status: string }).status, "IN_PROGRESS");
  assertEquals(r.json.day, { status: "IN_PROGRESS" });
  const row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals(row.test_answers, { q1: 0, q2: 0 });
  assertEquals(row.written_answer, "Всё получилось");
  assertEquals(row.course_id, c.courseId);

  // The page shows the waiting state and the score.
  const html = await (await learner.fetch(dayUrl(c))).text();
  assertStringIncludes(html, "Ждёт проверки");
  assertStringIncludes(html, "Тест: 1 из 2 (50\u00a0%)");

  // While waiting the learner may change the answers.
  const again = await act(learner, exam, "exam", {
    answers: { q1: 1, q2: 0 },
    written: "Исправил",
  });
  assertEquals((again.json.exam as { score: number }).score, 2);
  assertEquals(
    (await t.services.db.selectFrom("exam_results").selectAll().execute()).length,
    1,
    "one result per step",
  );
});

Deno.test("the author approves: step completed, day rolled up, learner notified, answers closed", async () => {
  const { t, c, learner, exam } = await examSetup();
  await using _ = t;
  await act(learner, exam, "exam", { answers: { q1: 1, q2: 0 }, written: "Готово" });
  const examId = (await t.services.db.selectFrom("exam_results").select("id")
    .executeTakeFirstOrThrow()).id;
  const author = await signIn(t, "author1");
  const r = await approveExam(t.services, { id: author.id, role: author.role }, examId, {
    comment: "Молодец",
  });
  assertEquals(r.exam.status, "APPROVED");
  assertEquals(r.celebrate, "course");
  assertEquals((await stepRow(t, exam)).status, "COMPLETED");
  const day = await t.services.db.selectFrom("user_trainings").select("status")
    .where("user_id", "=", learner.id).executeTakeFirstOrThrow();
  assertEquals(day.status, "COMPLETED");
  const n = await notes(t, learner.id);
  assertEquals(n.map((x) => [x.kind, x.title]), [["exam.approved", "«Экзамен» зачтён ✅"]]);

  const closed = await act(learner, exam, "exam", { answers: { q1: 1, q2: 0 }, written: "ещё" });
  assertEquals([closed.status, closed.json.error], [409, "exam_closed"]);
  await assertRejects(
    () => approveExam(t.services, { id: author.id, role: author.role }, examId),
    TrainingError,
  );
  const html = await (await learner.fetch(dayUrl(c))).text();
  assertStringIncludes(html, "Экзамен зачтён");
  assertStringIncludes(html, "Молодец");
});

Deno.test("the author returns it with a comment; the learner fixes it and sends it again", async () => {
  const { t, c, learner, exam } = await examSetup();
  await using _ = t;
  const pending = await act(learner, exam, "exam", {
    answers: { q1: 0, q2: 1 },
    written: "Не уверен",
  });
  // While waiting for the trainer only the score shows: per-question verdicts
  // would let a learner resend until every answer is right.
  assertEquals((pending.json.exam as { perQuestion: unknown[] }).perQuestion, []);
  const examId = (await t.services.db.selectFrom("exam_results").select("id")
    .executeTakeFirstOrThrow()).id;
  const author = await signIn(t, "author1");
  const actor = { id: author.id, role: author.role };
  await assertRejects(() => returnExam(t.services, actor, examId, { comment: "  " }), z.ZodError);

  const r = await returnExam(t.services, actor, examId, {
    comment: "Перечитайте теорию про подзыв",
  });
  assertEquals(r.exam.status, "RETURNED");
  assertEquals(r.celebrate, null);
  // Reviewed: now the learner sees which answers were right.
  assertEquals(r.exam.perQuestion.map((q) => [q.id, q.correct]), [["q1", false], ["q2", false]]);
  assertEquals((await stepRow(t, exam)).status, "IN_PROGRESS");
  const n = await notes(t, learner.id);
  assertEquals(n.map((x) => [x.kind, x.title, x.body]), [[
    "exam.returned",
    "«Экзамен» требует доработки",
    "Комментарий тренера: Перечитайте теорию про подзыв",
  ]]);
  const html = await (await learner.fetch(dayUrl(c))).text();
  assertStringIncludes(html, "На доработке");
  assertStringIncludes(html, "Перечитайте теорию про подзыв");

  // A returned exam is not pending: it cannot be approved before the learner sends it again.
  await assertRejects(() => approveExam(t.services, actor, examId), TrainingError);
  const again = await act(learner, exam, "exam", { answers: { q1: 1, q2: 0 }, written: "Понял" });
  assertEquals((again.json.exam as { status: string }).status, "PENDING");
  const row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals([row.trainer_comment, row.reviewed_at], [null, null]);
  await approveExam(t.services, actor, examId);
  assertEquals((await stepRow(t, exam)).status, "COMPLETED");
});

Deno.test("only the course author or staff may review: not the learner, not another trainer", async () => {
  const { t, learner, exam } = await examSetup();
  await using _ = t;
  await act(learner, exam, "exam", { answers: { q1: 1, q2: 0 }, written: "Готово" });
  const examId = (await t.services.db.selectFrom("exam_results").select("id")
    .executeTakeFirstOrThrow()).id;
  const stranger = await signIn(t, "other_trainer", "TRAINER");
  await assertRejects(
    () => approveExam(t.services, { id: learner.id, role: learner.role }, examId),
    ForbiddenError,
  );
  await assertRejects(
    () => approveExam(t.services, { id: stranger.id, role: stranger.role }, examId),
    NotFoundError,
  );
  await assertRejects(
    () =>
      returnExam(t.services, { id: stranger.id, role: stranger.role }, examId, { comment: "x" }),
    NotFoundError,
  );
  await assertRejects(
    () => approveExam(t.services, { id: stranger.id, role: stranger.role }, "not-an-id"),
    NotFoundError,
  );
  assertEquals((await stepRow(t, exam)).status, "IN_PROGRESS");
  const row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals(row.status, "PENDING");

  const moderator = await signIn(t, "moder", "MODERATOR");
  const r = await approveExam(t.services, { id: moderator.id, role: moderator.role }, examId);
  assertEquals(r.exam.status, "APPROVED");
  const reviewed = await t.services.db.selectFrom("exam_results").selectAll()
    .executeTakeFirstOrThrow();
  assertEquals(reviewed.reviewed_by, moderator.id);
});

Deno.test("an exam that asks for a video is refused without one", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "EXAMINATION", requiresVideo: true }] }],
  });
  const learner = await signIn(t, "vlad");
  const [exam] = await openDayAs(t, learner, c);
  const r = await act(learner, exam, "exam", {});
  assertEquals([r.status, r.json.error, r.json.message], [
    422,
    "video_missing",
    "Добавьте видеоотчёт.",
  ]);
  // Someone else's file (or a made-up key) does not count.
  const forged = await act(learner, exam, "exam", { videoKey: `exams/x/${exam}/a.webm` });
  assertEquals(forged.status, 422);
  assertEquals((await stepRow(t, exam)).status, "NOT_STARTED");
});

const MP4 = new Uint8Array([
  ...[0, 0, 0, 0x18],
  ...new TextEncoder().encode("ftypmp42"),
  ...new Uint8Array(200).fill(7),
]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(80)]);

Deno.test("video report: checked by its bytes, stored per learner and step, old files deleted", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    author: "videocoach",
    days: [{ steps: [{ type: "EXAMINATION", requiresVideo: true, checklist: QUESTIONS }] }],
  });
  const learner = await signIn(t, "filmmaker");
  const other = await signIn(t, "peeker");
  const [exam] = await openDayAs(t, learner, c);
  const upload = (who: typeof learner, body: BodyInit, type = "video/mp4") =>
    who.fetch(stepApi(exam, "video"), {
      method: "POST",
      headers: { "content-type": type },
      body,
    });

  const png = await upload(learner, PNG, "video/mp4");
  assertEquals(png.status, 415);
  const refused = await png.json();
  assertEquals([refused.error, refused.message], [
    "not_video",
    "Это не видео (нужен MP4, WebM или MOV)",
  ]);
  // Another learner cannot reach my step by its id (they address steps by day and step on day).
  const theirs = await other.fetch(stepApiPath(c.days[0].dayOnCourseId, exam, "video"), {
    method: "POST",
    headers: { "content-type": "video/mp4" },
    body: MP4,
  });
  assertEquals(theirs.status, 404);
  await theirs.body?.cancel();

  const first = await (await upload(learner, MP4)).json();
  assertEquals(first.contentType, "video/mp4");
  assert((first.key as string).startsWith(`exams/${learner.id}/${exam}/`));
  assert((first.key as string).endsWith(".mp4"));
  // A second upload before sending replaces the first file.
  const second = await (await upload(learner, await makeVideo("webm"), "video/webm")).json();
  assertEquals(second.contentType, "video/webm");
  assertEquals(await t.services.storage.head(first.key), null);
  assert(await t.services.storage.head(second.key));

  const sent = await act(learner, exam, "exam", {
    answers: { q1: 1, q2: 0 },
    videoKey: second.key,
  });
  assertEquals(sent.status, 200);
  assertEquals((sent.json.exam as { videoUrl: string }).videoUrl, `/media/${second.key}`);

  // Who may watch it: the learner and the course author; nobody else.
  const mine = await learner.fetch(`/media/${second.key}`);
  assertEquals([mine.status, mine.headers.get("content-type")], [200, "video/webm"]);
  await mine.body?.cancel();
  const peek = await other.fetch(`/media/${second.key}`);
  assertEquals(peek.status, 404);
  await peek.body?.cancel();
  const author = await signIn(t, "videocoach");
  const review = await author.fetch(`/media/${second.key}`);
  assertEquals(review.status, 200);
  await review.body?.cancel();

  // Sending again with a new video deletes the one it replaces.
  const third = await (await upload(learner, MP4)).json();
  assert(await t.services.storage.head(second.key), "the sent video stays until replaced");
  await act(learner, exam, "exam", { answers: { q1: 1, q2: 0 }, videoKey: third.key });
  assertEquals(await t.services.storage.head(second.key), null);
  const files = await t.services.storage.list(`exams/${learner.id}/${exam}/`);
  assertEquals(files.map((f) => f.key), [third.key]);

  // Sending the answers again without a new video keeps the video already sent.
  const again = await act(learner, exam, "exam", { answers: { q1: 0, q2: 0 } });
  assertEquals(again.status, 200);
  assertEquals((again.json.exam as { videoUrl: string }).videoUrl, `/media/${third.key}`);
  assert(await t.services.storage.head(third.key), "the kept video is not deleted");
});

Deno.test("video report: more than 100 MB is refused while streaming and nothing is kept", async () => {
  await using t = await openTestApp();
  const c = await makeCourse(t, {
    days: [{ steps: [{ type: "EXAMINATION", requiresVideo: true }] }],
  });
  const learner = await signIn(t, "bigfile");
  const [exam] = await openDayAs(t, learner, c);
  const chunk = new Uint8Array(1024 * 1024);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent === 0) ctrl.enqueue(MP4);
      else if (sent > 101) return ctrl.close();
      else ctrl.enqueue(chunk);
      sent++;
    },
  });
  const r = await learner.fetch(stepApi(exam, "video"), {
    method: "POST",
    headers: { "content-type": "video/mp4" },
    body,
  });
  assertEquals(r.status, 413);
  const refused = await r.json();
  assertEquals([refused.error, refused.message], [
    "too_large",
    "Файл слишком большой (максимум 100\u00a0МБ)",
  ]);
  assertEquals(await t.services.storage.list(`exams/${learner.id}/`), []);

  // A declared size over the limit is refused before reading.
  const declared = await learner.fetch(stepApi(exam, "video"), {
    method: "POST",
    headers: { "content-type": "video/mp4", "content-length": String(200 * 1024 * 1024) },
    body: MP4,
  });
  assertEquals(declared.status, 413);
  await declared.body?.cancel();
});

Deno.test("video containers are recognised by their first bytes only", async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  // Real files as ffmpeg writes them.
  assertEquals(sniffVideo(await makeVideo("mp4")), { contentType: "video/mp4", ext: "mp4" });
  assertEquals(sniffVideo(await makeVideo("mov")), { contentType: "video/quicktime", ext: "mov" });
  assertEquals(sniffVideo(await makeVideo("webm")), { contentType: "video/webm", ext: "webm" });
  // Only the head is looked at: the first 64 bytes are enough.
  assertEquals(sniffVideo((await makeVideo("webm")).subarray(0, 64))?.ext, "webm");
  const box = (size: number, type: string, brand: string) =>
    new Uint8Array([0, 0, 0, size, ...enc(type), ...enc(brand), 0, 0, 0, 0]);
  assertEquals(sniffVideo(box(0x14, "moov", "xxxx"))?.ext, "mov", "old QuickTime atom");
  // A text file renamed to .mp4, a JPEG photo, HEIC photos and M4A audio (also
  // `ftyp` boxes), Matroska that is not WebM, and nothing at all are refused.
  assertEquals(sniffVideo(enc("Это просто текст, переименованный в video.mp4\n")), null);
  assertEquals(sniffVideo(await makeJpeg()), null);
  assertEquals(sniffVideo(box(0x18, "ftyp", "heic")), null);
  assertEquals(sniffVideo(box(0x18, "ftyp", "M4A ")), null);
  assertEquals(sniffVideo(enc("abcdftypisom and more text")), null, "text that says ftyp");
  const mkv = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88, ...enc("matroska")]);
  assertEquals(sniffVideo(mkv), null);
  assertEquals(sniffVideo(PNG), null);
  assertEquals(sniffVideo(new Uint8Array(0)), null);
});
