/**
 * Exam videos go through the one upload path (core/uploads.ts with the
 * video policy): real MP4/WebM/MOV files are accepted by their bytes, other
 * files refused, over-limit streams cut off with nothing kept — and the
 * no-JavaScript exam form sends answers and video as one multipart POST
 * (CSRF token in the action URL), for the learner's own step only.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { LocalStorage } from "@/core/storage/local.ts";
import { receiveUpload, UploadError, VIDEO_UPLOAD } from "@/core/uploads.ts";
import { approveExam } from "@/core/training/exams.ts";
import { stepApiPath } from "@/core/paths.ts";
import {
  type CourseFixture,
  dayUrl,
  makeCourse,
  openDayAs,
  QUESTIONS,
  stepApi,
  stepRow,
} from "./helpers.ts";
import { makeJpeg, makeVideo, VIDEO_TYPES, type VideoExt } from "./videos.ts";

const TEXT_AS_MP4 = new TextEncoder().encode(
  "Это обычный текстовый файл, которому дали имя report.mp4.\n".repeat(4),
);

async function withStorage(fn: (s: LocalStorage) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "gafus-video-" });
  try {
    await fn(await LocalStorage.open(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A body delivered in small chunks, as a network would. */
function chunked(bytes: Uint8Array, size = 256): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(c) {
      if (off >= bytes.length) return c.close();
      c.enqueue(bytes.slice(off, off + size));
      off += size;
    },
  });
}

Deno.test("video policy with a small limit: real videos over it are cut off while streaming, nothing kept", async () => {
  await withStorage(async (storage) => {
    for (const ext of ["mp4", "webm", "mov"] as VideoExt[]) {
      const video = await makeVideo(ext);
      const limit = { ...VIDEO_UPLOAD, maxBytes: video.length - 1 };
      const keyFor = (e: string) => `exams/u1/s1/clip.${e}`;
      // Raw body (XHR/fetch upload), no Content-Length: only counting can stop it.
      let pulled = 0;
      const raw = new Request("http://x/", {
        method: "POST",
        headers: { "content-type": VIDEO_TYPES[ext] },
        body: chunked(video).pipeThrough(
          new TransformStream({
            transform(c, ctl) {
              pulled += c.length;
              ctl.enqueue(c);
            },
          }),
        ),
      });
      const err = await receiveUpload(storage, raw, { field: "video", policy: limit, keyFor })
        .then(() => null, (e) => e);
      assert(err instanceof UploadError, `${ext}: refused`);
      assertEquals([err.kind, err.status], ["tooLarge", 413], ext);
      assert(pulled <= video.length, ext);
      // Multipart (no-JS form), the file part streamed.
      const fd = new FormData();
      fd.append("written", "ответ");
      fd.append("video", new File([video], `clip.${ext}`, { type: VIDEO_TYPES[ext] }));
      const mp = await receiveUpload(
        storage,
        new Request("http://x/", { method: "POST", body: fd }),
        { field: "video", policy: limit, keyFor, fields: ["written"] },
      ).then(() => null, (e) => e);
      assert(mp instanceof UploadError, `${ext}: multipart refused`);
      assertEquals(mp.kind, "tooLarge");
      assertEquals(mp.values, { written: "ответ" }, "fields read before the file come back");
      assertEquals(await storage.list(""), [], ext);
      assertEquals(await Array.fromAsync(Deno.readDir(`${storage.root}/.tmp`)), [], ext);
      // Exactly at the limit it is stored, byte for byte, with the type its bytes prove.
      const ok = await receiveUpload(
        storage,
        new Request("http://x/", { method: "POST", body: chunked(video) }),
        { field: "video", policy: { ...VIDEO_UPLOAD, maxBytes: video.length }, keyFor },
      );
      assertEquals([ok.file?.size, ok.file?.contentType], [video.length, VIDEO_TYPES[ext]]);
      const got = await storage.get(ok.file!.key);
      assertEquals(new Uint8Array(await new Response(got!.body).arrayBuffer()), video);
      await storage.delete(ok.file!.key);
    }
  });
});

Deno.test("video policy refuses a renamed text file and a JPEG, raw or multipart, keeping nothing", async () => {
  await withStorage(async (storage) => {
    const keyFor = (e: string) => `exams/u1/s1/clip.${e}`;
    for (const [what, bytes] of [["text", TEXT_AS_MP4], ["jpeg", await makeJpeg()]] as const) {
      const raw = new Request("http://x/", {
        method: "POST",
        headers: { "content-type": "video/mp4" },
        body: bytes,
      });
      const err = await receiveUpload(storage, raw, {
        field: "video",
        policy: VIDEO_UPLOAD,
        keyFor,
      })
        .then(() => null, (e) => e);
      assert(err instanceof UploadError, what);
      assertEquals([err.kind, err.status], ["notVideo", 415], what);
      const fd = new FormData();
      fd.append("video", new File([bytes], "report.mp4", { type: "video/mp4" }));
      const mp = await receiveUpload(
        storage,
        new Request("http://x/", { method: "POST", body: fd }),
        { field: "video", policy: VIDEO_UPLOAD, keyFor },
      ).then(() => null, (e) => e);
      assert(mp instanceof UploadError, what);
      assertEquals(mp.kind, "notVideo", what);
    }
    assertEquals(await storage.list(""), []);
  });
});

async function videoExam(t: TestApp, opts: { written?: boolean } = {}) {
  const c = await makeCourse(t, {
    author: "examiner",
    days: [{
      steps: [{
        type: "EXAMINATION",
        title: "Видеоэкзамен",
        requiresVideo: true,
        requiresWritten: opts.written ?? true,
        checklist: QUESTIONS,
      }],
    }],
  });
  const learner = await signIn(t, "nojs");
  const [exam] = await openDayAs(t, learner, c);
  return { c, learner, exam };
}

/** The exam form's attributes as the day page renders them (what a browser without JS uses). */
async function examForm(who: Session, c: CourseFixture) {
  const html = await (await who.fetch(dayUrl(c))).text();
  const form = /<form\b[^>]*class="exam__form"[^>]*>/.exec(html)?.[0] ?? "";
  const attr = (name: string) =>
    new RegExp(`\\s${name}="([^"]*)"`).exec(form)?.[1]?.replaceAll("&amp;", "&") ?? null;
  const file = /<input\b[^>]*type="file"[^>]*>/.exec(html)?.[0] ?? "";
  return { html, action: attr("action"), enctype: attr("enctype"), method: attr("method"), file };
}

function examFields(fields: Record<string, string>, video?: { bytes: Uint8Array; name: string }) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  // Browsers send an empty file part when no file is chosen.
  fd.append(
    "video",
    video
      ? new File([video.bytes as Uint8Array<ArrayBuffer>], video.name, { type: "video/mp4" })
      : new File([], "", { type: "application/octet-stream" }),
  );
  return fd;
}

/** POSTs like a browser without JavaScript: cookie only, no CSRF header. */
function postForm(t: TestApp, who: Session, action: string, body: FormData) {
  return t.fetch(action, { method: "POST", headers: who.headers(), body });
}

Deno.test("without JavaScript: answers and video go as one multipart form, CSRF token in the action URL", async () => {
  await using t = await openTestApp();
  const { c, learner, exam } = await videoExam(t);
  const form = await examForm(learner, c);
  assertEquals([form.method, form.enctype], ["post", "multipart/form-data"]);
  assert(form.action, "the form has an action");
  const url = new URL(form.action, "http://localhost");
  assertEquals(url.pathname, `${dayUrl(c)}/exam`);
  assertEquals(url.searchParams.get("step"), c.days[0].stepOnDayIds[0]);
  assertEquals(url.searchParams.get("_csrf"), learner.csrf);
  assertStringIncludes(form.file, 'name="video"');
  assertStringIncludes(form.file, 'accept="video/mp4,video/webm,video/quicktime');
  assertStringIncludes(form.file, "required");
  assert(!form.html.includes("включите JavaScript"), "no 'needs JavaScript' dead end");

  const mov = await makeVideo("mov");
  const r = await postForm(
    t,
    learner,
    form.action,
    examFields({ answer_q1: "1", answer_q2: "0", written: "Сидит, ждёт, идёт рядом." }, {
      bytes: mov,
      name: "IMG_0042.MOV",
    }),
  );
  assertEquals(r.status, 303);
  const sd = (await stepRow(t, exam)).step_on_day_id;
  assertEquals(r.headers.get("location"), `${dayUrl(c)}?notice=sent#step-${sd}`);

  const row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals([row.status, row.test_score, row.written_answer], [
    "PENDING",
    2,
    "Сидит, ждёт, идёт рядом.",
  ]);
  assertMatch(row.video_key ?? "", new RegExp(`^exams/${learner.id}/${exam}/[^/]+\\.mov$`));
  const stored = await t.services.storage.get(row.video_key!);
  assertEquals(stored?.contentType, "video/quicktime");
  assertEquals(new Uint8Array(await new Response(stored!.body).arrayBuffer()), mov);
  assertEquals((await stepRow(t, exam)).status, "IN_PROGRESS");

  // The day page after the redirect says so, and shows the video.
  const page = await (await learner.fetch(r.headers.get("location")!)).text();
  assertStringIncludes(page, "Ответы отправлены тренеру");
  assertStringIncludes(page, `src="/media/${row.video_key}"`);
});

Deno.test("without JavaScript: no CSRF token in the action URL → 403 and nothing stored", async () => {
  await using t = await openTestApp();
  const { c, learner, exam } = await videoExam(t);
  const form = await examForm(learner, c);
  const url = new URL(form.action!, "http://localhost");
  const mp4 = await makeVideo("mp4");
  const fields = { answer_q1: "1", answer_q2: "0", written: "x" };

  url.searchParams.delete("_csrf");
  const none = await postForm(
    t,
    learner,
    url.pathname + url.search,
    examFields(fields, {
      bytes: mp4,
      name: "a.mp4",
    }),
  );
  assertEquals(none.status, 403);
  await none.body?.cancel();
  // In the body it does not count: multipart bodies are not read by the middleware.
  const inBody = await postForm(
    t,
    learner,
    url.pathname + url.search,
    examFields({ ...fields, _csrf: learner.csrf }, { bytes: mp4, name: "a.mp4" }),
  );
  assertEquals(inBody.status, 403);
  await inBody.body?.cancel();
  url.searchParams.set("_csrf", "forged-token");
  const forged = await postForm(
    t,
    learner,
    url.pathname + url.search,
    examFields(fields, {
      bytes: mp4,
      name: "a.mp4",
    }),
  );
  assertEquals(forged.status, 403);
  await forged.body?.cancel();

  assertEquals(await t.services.storage.list("exams/"), []);
  assertEquals(await t.services.db.selectFrom("exam_results").selectAll().execute(), []);
  assertEquals((await stepRow(t, exam)).status, "NOT_STARTED");
});

Deno.test("without JavaScript: another learner cannot upload to my exam (404, nothing stored)", async () => {
  await using t = await openTestApp();
  const { c, exam } = await videoExam(t);
  const other = await signIn(t, "intruder");
  await openDayAs(t, other, c);
  // The intruder's own valid token, my step's id (steps are addressed by day and step on the day).
  const action = `${dayUrl(c)}/exam?${new URLSearchParams({ step: exam, _csrf: other.csrf })}`;
  const r = await postForm(
    t,
    other,
    action,
    examFields({ answer_q1: "1", answer_q2: "0", written: "чужое" }, {
      bytes: await makeVideo("mp4"),
      name: "a.mp4",
    }),
  );
  assertEquals(r.status, 404);
  await r.body?.cancel();
  // And through the API (raw body) the same.
  const api = await other.fetch(stepApiPath(c.days[0].dayOnCourseId, exam, "video"), {
    method: "POST",
    headers: { "content-type": "video/mp4" },
    body: await makeVideo("mp4"),
  });
  assertEquals(api.status, 404);
  await api.body?.cancel();
  assertEquals(await t.services.storage.list("exams/"), []);
  assertEquals(await t.services.db.selectFrom("exam_results").selectAll().execute(), []);
  assertEquals((await stepRow(t, exam)).status, "NOT_STARTED");
  // Not logged in: to the login page, nothing stored.
  const anon = await t.fetch(action, {
    method: "POST",
    body: examFields({}, { bytes: await makeVideo("mp4"), name: "a.mp4" }),
  });
  assert([303, 403].includes(anon.status), `anonymous: ${anon.status}`);
  await anon.body?.cancel();
  assertEquals(await t.services.storage.list("exams/"), []);
});

Deno.test("without JavaScript: a refused file or invalid answers show the form again, nothing sent is lost", async () => {
  await using t = await openTestApp();
  const { c, learner, exam } = await videoExam(t);
  const { action } = await examForm(learner, c);
  const prefix = `exams/${learner.id}/${exam}/`;

  // A text file named .mp4: 415, the message next to the file input, answers kept, nothing stored.
  const text = await postForm(
    t,
    learner,
    action!,
    examFields({ answer_q1: "1", answer_q2: "1", written: "Мой ответ" }, {
      bytes: TEXT_AS_MP4,
      name: "report.mp4",
    }),
  );
  assertEquals(text.status, 415);
  let html = await text.text();
  assertStringIncludes(html, "Это не видео (нужен MP4, WebM или MOV)");
  assertStringIncludes(html, "Ответы не отправлены");
  assertMatch(html, /<input[^>]*name="answer_q2"[^>]*value="1"[^>]*checked/);
  assertStringIncludes(html, ">Мой ответ</textarea>");
  assertEquals(await t.services.storage.list(prefix), []);

  // A file whose declared size is over 100 MB: refused at the file part, answers kept.
  const big = await t.fetch(action!, {
    method: "POST",
    headers: learner.headers({ "content-length": String(150 * 1024 * 1024) }),
    body: examFields({ answer_q1: "2", written: "Большой файл" }, {
      bytes: await makeVideo("mp4"),
      name: "big.mp4",
    }),
  });
  assertEquals(big.status, 413);
  html = await big.text();
  assertStringIncludes(html, "Файл слишком большой (максимум 100\u00a0МБ)");
  assertMatch(html, /<input[^>]*name="answer_q1"[^>]*value="2"[^>]*checked/);
  assertEquals(await t.services.storage.list(prefix), []);

  // In English for an English-speaking learner.
  const en = await t.fetch(action!, {
    method: "POST",
    headers: learner.headers({ cookie: "lang=en" }),
    body: examFields({ written: "x" }, { bytes: await makeJpeg(), name: "photo.mp4" }),
  });
  assertEquals(en.status, 415);
  assertStringIncludes(await en.text(), "This is not a video (MP4, WebM or MOV)");

  // A real video but the written answer missing: 422; the video is kept and carried in the form.
  const webm = await makeVideo("webm");
  const missing = await postForm(
    t,
    learner,
    action!,
    examFields({ answer_q1: "1", answer_q2: "0", written: "  " }, {
      bytes: webm,
      name: "clip.webm",
    }),
  );
  assertEquals(missing.status, 422);
  html = await missing.text();
  assertStringIncludes(html, "Напишите ответ");
  const stored = await t.services.storage.list(prefix);
  assertEquals(stored.length, 1);
  assertStringIncludes(html, `name="video_key" value="${stored[0].key}"`);
  assertEquals(await t.services.db.selectFrom("exam_results").selectAll().execute(), []);

  // Sent again with that key and no new file: accepted with the stored video.
  const fixed = await postForm(
    t,
    learner,
    action!,
    examFields({
      answer_q1: "1",
      answer_q2: "0",
      written: "Теперь с ответом",
      video_key: stored[0].key,
    }),
  );
  assertEquals(fixed.status, 303);
  await fixed.body?.cancel();
  let row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals([row.video_key, row.written_answer], [stored[0].key, "Теперь с ответом"]);

  // Answers changed later without a new file: the sent video stays.
  const again = await postForm(
    t,
    learner,
    action!,
    examFields({ answer_q1: "0", answer_q2: "0", written: "Исправил тест" }),
  );
  assertEquals(again.status, 303);
  await again.body?.cancel();
  row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assertEquals([row.video_key, row.test_score], [stored[0].key, 1]);

  // A new file replaces the sent one, whose file is deleted.
  const replaced = await postForm(
    t,
    learner,
    action!,
    examFields({ answer_q1: "1", answer_q2: "0", written: "Новое видео" }, {
      bytes: await makeVideo("mp4"),
      name: "new.mp4",
    }),
  );
  assertEquals(replaced.status, 303);
  await replaced.body?.cancel();
  row = await t.services.db.selectFrom("exam_results").selectAll().executeTakeFirstOrThrow();
  assert(row.video_key!.endsWith(".mp4"));
  assertEquals((await t.services.storage.list(prefix)).map((f) => f.key), [row.video_key]);

  // Once approved, the form goes back to the day page with the reason; nothing is stored.
  const author = await signIn(t, "examiner");
  await approveExam(t.services, { id: author.id, role: author.role }, row.id);
  const closed = await postForm(
    t,
    learner,
    action!,
    examFields({ answer_q1: "1", answer_q2: "0", written: "ещё" }, {
      bytes: await makeVideo("mp4"),
      name: "late.mp4",
    }),
  );
  assertEquals(closed.status, 303);
  assertEquals(
    closed.headers.get("location"),
    `${dayUrl(c)}?error=exam_closed&for=${c.days[0].stepOnDayIds[0]}#step-notice`,
  );
  assertEquals((await t.services.storage.list(prefix)).map((f) => f.key), [row.video_key]);
});

Deno.test("exam video API: real MP4, WebM and MOV accepted; renamed text and JPEG refused in the user's language", async () => {
  await using t = await openTestApp();
  const { learner, exam } = await videoExam(t);
  const upload = (body: Uint8Array, type: string, lang = "ru") =>
    learner.fetch(stepApi(exam, "video"), {
      method: "POST",
      headers: { "content-type": type, cookie: `lang=${lang}` },
      body: body as Uint8Array<ArrayBuffer>,
    });
  for (
    const [body, lang, message] of [
      [TEXT_AS_MP4, "ru", "Это не видео (нужен MP4, WebM или MOV)"],
      [await makeJpeg(), "en", "This is not a video (MP4, WebM or MOV)"],
    ] as const
  ) {
    const r = await upload(body, "video/mp4", lang);
    assertEquals(r.status, 415);
    const json = await r.json();
    assertEquals([json.error, json.message, json.fields], ["not_video", message, {
      video: message,
    }]);
  }
  assertEquals(await t.services.storage.list("exams/"), []);
  for (const ext of ["mp4", "webm", "mov"] as VideoExt[]) {
    // The declared type is ignored: the bytes decide.
    const r = await upload(await makeVideo(ext), "application/octet-stream");
    assertEquals(r.status, 200, ext);
    const v = await r.json();
    assertEquals(v.contentType, VIDEO_TYPES[ext]);
    assert((v.key as string).endsWith(`.${ext}`));
  }
  const empty = await upload(new Uint8Array(0), "video/mp4");
  assertEquals(empty.status, 400);
  assertEquals((await empty.json()).error, "required");
});
