/**
 * The studio's video library beyond the upload (core/video/library.ts):
 * the list and its status JSON, rename with messages in ru and en, retry of
 * a failed video, delete (refused with the list of steps and courses that
 * use it), the thumbnail route, the step and course pickers (own video
 * accepted, another trainer's refused, staff any) and who may do what.
 * Rows are made directly: no ffmpeg here (lib_upload.test.ts has the clips).
 */
import { openTestApp } from "../helpers/app.ts";
import { postForm, type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { json } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import type { VideoStatus } from "@/db/schema.ts";
import { videoThumbnailKey } from "@/core/video/layout.ts";
import { makeCourse } from "../training/helpers.ts";
import { queuedTranscodes } from "./lib_helpers.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const db = t.services.db;

const anna = await signIn(t, "anna", "TRAINER");
const boris = await signIn(t, "boris", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");
const admin = await signIn(t, "root", "ADMIN");
const lena = await signIn(t, "lena", "USER");

async function makeVideo(
  owner: Session,
  opts: { status?: VideoStatus; progress?: number; error?: string; name?: string } = {},
): Promise<string> {
  const id = newId();
  const ready = opts.status === "READY";
  await db.insertInto("videos").values({
    id,
    owner_id: owner.id,
    original_name: opts.name ?? `clip-${id.slice(-6)}.mp4`,
    mime_type: "video/mp4",
    size_bytes: 1000,
    duration_sec: 125,
    width: 1280,
    height: 720,
    status: opts.status ?? "PENDING",
    progress: opts.progress ?? 0,
    error: opts.error ?? null,
    source_key: `videos/${id}/source.mp4`,
    renditions: json(
      ready
        ? [
          { name: "240p", width: 426, height: 240, bandwidth: 500000, playlist: "240p/index.m3u8" },
          { name: "720p", width: 1280, height: 720, bandwidth: 3e6, playlist: "720p/index.m3u8" },
        ]
        : [],
    ),
    thumbnail_key: ready ? videoThumbnailKey(id) : null,
  }).execute();
  await t.services.storage.put(`videos/${id}/source.mp4`, new Uint8Array([0, 0, 0, 1]), {
    contentType: "video/mp4",
  });
  if (ready) {
    await t.services.storage.put(videoThumbnailKey(id), new Uint8Array([0xff, 0xd8, 0xff, 1]), {
      contentType: "image/jpeg",
    });
  }
  return id;
}

const row = (id: string) =>
  db.selectFrom("videos").selectAll().where("id", "=", id).executeTakeFirst();

Deno.test("the list shows the trainer's own videos with status, percent, duration, renditions and translated failure", async () => {
  const waiting = await makeVideo(anna, { name: "waiting.mp4" });
  const busy = await makeVideo(anna, { status: "PROCESSING", progress: 40, name: "busy.mp4" });
  const ready = await makeVideo(anna, { status: "READY", name: "ready.mp4" });
  const failed = await makeVideo(anna, { status: "FAILED", error: "corrupt: moov atom not found" });
  const others = await makeVideo(boris, { name: "boris-secret.mp4" });

  const html = await (await anna.fetch("/studio/videos")).text();
  for (const name of ["waiting.mp4", "busy.mp4", "ready.mp4"]) assertStringIncludes(html, name);
  assert(!html.includes("boris-secret.mp4"), "another trainer's video is not listed");
  assertStringIncludes(html, "Загружено, ждёт перекодирования");
  assertStringIncludes(html, "Перекодируется: 40%");
  assertStringIncludes(html, "Ошибка: файл повреждён");
  assertStringIncludes(html, "02:05");
  assertStringIncludes(html, "240p, 720p");
  assertStringIncludes(html, `/studio/videos/${ready}/thumb`);
  assertStringIncludes(html, 'aria-live="polite"');
  assertStringIncludes(html, "Обновить состояние", "no-JS refresh link while transcoding");
  const en = await (await anna.fetch("/studio/videos", { headers: { cookie: "lang=en" } })).text();
  assertStringIncludes(en, "Transcoding: 40%");
  assertStringIncludes(en, "Failed: the file is corrupt");

  // The status JSON the island polls: only the viewer's videos among the ids.
  const res = await anna.fetch(`/api/v1/studio/videos?ids=${[busy, failed, others].join(",")}`);
  assertEquals(res.status, 200);
  const body = await res.json() as {
    videos: { id: string; status: string; progress: number; error: string | null }[];
  };
  assertEquals(body.videos.map((v) => v.id).sort(), [busy, failed].sort());
  assertEquals(body.videos.find((v) => v.id === busy)!.progress, 40);
  assertEquals(body.videos.find((v) => v.id === failed)!.error, "corrupt");
  await db.updateTable("videos").set({ status: "PROCESSING", progress: 75 }).where(
    "id",
    "=",
    waiting,
  )
    .execute();
  const again = await (await anna.fetch(`/api/v1/studio/videos?ids=${waiting}`)).json();
  assertEquals([again.videos[0].status, again.videos[0].progress], ["PROCESSING", 75]);

  // Staff see everyone's, with the author.
  const staff = await (await moder.fetch("/studio/videos")).text();
  assertStringIncludes(staff, "boris-secret.mp4");
  assertStringIncludes(staff, "Автор");
});

Deno.test("rename: the title is saved; a blank one comes back with the message (ru, en) and what was typed", async () => {
  const id = await makeVideo(anna, { name: "raw-upload.mov" });
  const ok = await postForm(t, anna, `/studio/videos/${id}`, {
    _action: "rename",
    title: "  Урок   первый ",
  });
  assertEquals(ok.status, 303);
  assertEquals((await row(id))!.display_name, "Урок первый");
  const page = await (await anna.fetch(`/studio/videos/${id}?done=renamed`)).text();
  assertStringIncludes(page, "Урок первый");
  assertStringIncludes(page, "Исходный файл: raw-upload.mov");
  assertStringIncludes(page, "Загружено, ждёт перекодирования", "its status, live on its page");
  assertStringIncludes(page, 'aria-live="polite"');

  const bad = await postForm(
    t,
    anna,
    `/studio/videos/${id}`,
    { _action: "rename", title: "   " },
    "ru",
  );
  assertEquals(bad.status, 422);
  assertStringIncludes(await bad.text(), "Название: от 1 до 200\u00a0символов");
  const long = "Д".repeat(201);
  const badEn = await postForm(
    t,
    anna,
    `/studio/videos/${id}`,
    { _action: "rename", title: long },
    "en",
  );
  assertEquals(badEn.status, 422);
  const text = await badEn.text();
  assertStringIncludes(text, "Title: 1 to 200\u00a0characters");
  assertStringIncludes(text, long, "what was typed comes back");
  assertEquals((await row(id))!.display_name, "Урок первый");
});

Deno.test("retry: a failed video goes back to PENDING with a new job; anything else is refused", async () => {
  const id = await makeVideo(anna, { status: "FAILED", error: "timeout", progress: 60 });
  const page = await (await anna.fetch(`/studio/videos/${id}`)).text();
  assertStringIncludes(page, "Перекодировать снова");
  const before = await queuedTranscodes(t);
  const res = await postForm(t, anna, `/studio/videos/${id}`, { _action: "retry" });
  assertEquals(res.status, 303);
  const r = (await row(id))!;
  assertEquals([r.status, r.progress, r.error], ["PENDING", 0, null]);
  assertEquals(await queuedTranscodes(t), [...before, id]);
  const twice = await postForm(t, anna, `/studio/videos/${id}`, { _action: "retry" });
  assertEquals(twice.status, 409);
  assertEquals((await queuedTranscodes(t)).length, before.length + 1, "no second job");
});

Deno.test("delete: an unused video goes with every file; a used one is refused with the steps and courses that use it", async () => {
  const unused = await makeVideo(anna, { status: "READY" });
  const confirm = await (await anna.fetch(`/studio/videos/${unused}/delete`)).text();
  assertStringIncludes(confirm, "Видео и все его файлы будут удалены безвозвратно");
  const del = await postForm(t, anna, `/studio/videos/${unused}/delete`, {});
  assertEquals(del.status, 303);
  assertEquals(del.headers.get("location"), "/studio/videos?done=deleted");
  assertEquals(await row(unused), undefined);
  assertEquals(await t.services.storage.list(`videos/${unused}/`), []);

  const used = await makeVideo(anna, { status: "READY" });
  const c = await makeCourse(t, {
    author: "anna",
    days: [{ steps: [{ type: "THEORY", title: "Шаг с видео" }] }],
  });
  await db.updateTable("steps").set({ video_id: used }).where("id", "=", c.days[0].stepIds[0])
    .execute();
  await db.updateTable("courses").set({ video_id: used }).where("id", "=", c.courseId).execute();
  const page = await (await anna.fetch(`/studio/videos/${used}/delete`)).text();
  assertStringIncludes(page, "Шаг «Шаг с видео»");
  assertStringIncludes(page, `Курс «Курс ${c.slug}»`);
  assert(!page.includes("Видео и все его файлы"), "no confirmation while used");
  const refused = await postForm(t, anna, `/studio/videos/${used}/delete`, {});
  assertEquals(refused.status, 409);
  assertStringIncludes(await refused.text(), "Шаг «Шаг с видео»");
  assert(await row(used), "the row stays");
  assertEquals((await t.services.storage.list(`videos/${used}/`)).length, 2, "the files stay");
});

Deno.test("step picker: own video accepted, another trainer's refused, not beside a link; staff may pick any", async () => {
  const mine = await makeVideo(anna, { status: "READY", name: "mine.mp4" });
  const theirs = await makeVideo(boris, { status: "READY", name: "theirs.mp4" });
  const form = await (await anna.fetch("/studio/steps/new?type=THEORY")).text();
  assertStringIncludes(form, `<option value="${mine}"`);
  assert(!form.includes(theirs), "another trainer's video is not offered");

  const created = await postForm(t, anna, "/studio/steps/new", {
    title: "Шаг с видео",
    type: "THEORY",
    videoId: mine,
  });
  assertEquals(created.status, 303);
  const stepId = created.headers.get("location")!.split("/")[3].split("?")[0];
  assertEquals(
    (await db.selectFrom("steps").select("video_id").where("id", "=", stepId).executeTakeFirst())!
      .video_id,
    mine,
  );

  const refused = await postForm(t, anna, `/studio/steps/${stepId}`, {
    title: "Шаг с чужим видео",
    type: "THEORY",
    videoId: theirs,
  }, "ru");
  assertEquals(refused.status, 422);
  const html = await refused.text();
  assertStringIncludes(html, "Это видео нельзя выбрать");
  assertStringIncludes(html, "Шаг с чужим видео", "what was typed comes back");
  assert(!html.includes("theirs.mp4"), "a submitted id does not reveal another trainer's video");
  const both = await postForm(t, anna, `/studio/steps/${stepId}`, {
    title: "Шаг",
    type: "THEORY",
    videoId: mine,
    videoUrl: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
  });
  assertEquals(both.status, 422);

  const byStaff = await postForm(t, moder, `/studio/steps/${stepId}`, {
    title: "Шаг с видео",
    type: "THEORY",
    videoId: theirs,
  });
  assertEquals(byStaff.status, 303);
  assertEquals(
    (await db.selectFrom("steps").select("video_id").where("id", "=", stepId).executeTakeFirst())!
      .video_id,
    theirs,
  );
  // The author's editor keeps the video staff chose (listed, and saving keeps it).
  const editor = await (await anna.fetch(`/studio/steps/${stepId}`)).text();
  assertStringIncludes(editor, `<option value="${theirs}" selected`);
  const kept = await postForm(t, anna, `/studio/steps/${stepId}`, {
    title: "Шаг с видео",
    type: "THEORY",
    videoId: theirs,
  });
  assertEquals(kept.status, 303);
  // "No video" clears it.
  const cleared = await postForm(t, anna, `/studio/steps/${stepId}`, {
    title: "Шаг без видео",
    type: "THEORY",
    videoId: "",
  });
  assertEquals(cleared.status, 303);
  assertEquals(
    (await db.selectFrom("steps").select("video_id").where("id", "=", stepId).executeTakeFirst())!
      .video_id,
    null,
  );
});

Deno.test("course picker: a presentation video from the own library; another trainer's is a field error", async () => {
  const mine = await makeVideo(anna, { status: "READY" });
  const theirs = await makeVideo(boris, { status: "READY" });
  const c = await makeCourse(t, { author: "anna", days: [{ steps: [{ type: "THEORY" }] }] });
  const fields = { name: "Курс с видео", level: "BEGINNER", access: "PUBLIC" };
  const ok = await postForm(t, anna, `/studio/courses/${c.courseId}`, { ...fields, videoId: mine });
  assertEquals(ok.status, 303);
  const stored = async () =>
    (await db.selectFrom("courses").select("video_id").where("id", "=", c.courseId)
      .executeTakeFirst())!.video_id;
  assertEquals(await stored(), mine);
  const bad = await postForm(t, anna, `/studio/courses/${c.courseId}`, {
    ...fields,
    videoId: theirs,
  }, "en");
  assertEquals(bad.status, 422);
  assertStringIncludes(await bad.text(), "This video cannot be chosen");
  assertEquals(await stored(), mine);
  const byAdmin = await postForm(t, admin, `/studio/courses/${c.courseId}`, {
    ...fields,
    videoId: theirs,
  });
  assertEquals(byAdmin.status, 303);
  assertEquals(await stored(), theirs);
  const created = await postForm(t, boris, "/studio/courses/new", { ...fields, videoId: mine });
  assertEquals(created.status, 422, "a new course cannot take another trainer's video either");
});

Deno.test("who may do what: USER 403, another trainer 404, owner and staff 200, visitor to login", async () => {
  const id = await makeVideo(anna, { status: "READY" });
  const pages = [
    `/studio/videos/${id}`,
    `/studio/videos/${id}/delete`,
    `/studio/videos/${id}/thumb`,
  ];
  for (const p of pages) {
    assertEquals((await anna.fetch(p)).status, 200, `owner ${p}`);
    assertEquals((await moder.fetch(p)).status, 200, `moderator ${p}`);
    assertEquals((await admin.fetch(p)).status, 200, `admin ${p}`);
    assertEquals((await boris.fetch(p)).status, 404, `other trainer ${p}`);
    assertEquals((await lena.fetch(p)).status, 403, `learner ${p}`);
    const visitor = await t.fetch(p, { redirect: "manual" });
    assert([302, 303].includes(visitor.status), `visitor ${p}: ${visitor.status}`);
  }
  const thumb = await anna.fetch(`/studio/videos/${id}/thumb`);
  assertEquals(thumb.headers.get("content-type"), "image/jpeg");
  assertStringIncludes(thumb.headers.get("cache-control") ?? "", "private");
  assertEquals((await lena.fetch("/studio/videos")).status, 403);
  assertEquals((await lena.fetch("/api/v1/studio/videos")).status, 403);
  assertEquals((await t.fetch("/api/v1/studio/videos")).status, 401);
  // Changes by another trainer are 404 and change nothing.
  for (const action of ["rename", "retry"]) {
    const r = await postForm(t, boris, `/studio/videos/${id}`, { _action: action, title: "x" });
    assertEquals(r.status, 404, action);
  }
  assertEquals((await postForm(t, boris, `/studio/videos/${id}/delete`, {})).status, 404);
  assertEquals((await postForm(t, lena, `/studio/videos/${id}/delete`, {})).status, 403);
  assert(await row(id), "still there");
  assertEquals((await row(id))!.display_name, null);
  const api = await boris.fetch(`/api/v1/studio/videos?ids=${id}`);
  assertEquals((await api.json()).videos, [], "the status API says nothing about it");
  // The studio menu links the library.
  assertStringIncludes(await (await anna.fetch("/studio")).text(), 'href="/studio/videos"');
});
