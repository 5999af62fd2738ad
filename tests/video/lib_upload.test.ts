/**
 * The studio's video upload (core/video/library.ts): a real small clip
 * becomes a PENDING row with its source in storage and one `video-transcode`
 * job (the transcoder itself never runs here); refusals — not a video by
 * its bytes, unreadable, no video stream, too long (a lower limit setting),
 * too large — say why in Russian and English and leave nothing on disk, in
 * storage or in the database; an upload cut off half-way leaves nothing;
 * and the same on S3 (s3rver).
 */
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { videoSourceKey } from "@/core/video/layout.ts";
import { startS3 } from "../storage/s3_server.ts";
import { apiVideo, leftovers, makeClips, postVideos, queuedTranscodes } from "./lib_helpers.ts";

const clips = await makeClips();
const t = await openTestApp();
globalThis.addEventListener("unload", async () => {
  await t.close();
  await Deno.remove(clips.dir, { recursive: true }).catch(() => {});
});

const anna = await signIn(t, "anna", "TRAINER");

async function videoRows(app: TestApp = t) {
  return await app.services.db.selectFrom("videos").selectAll().orderBy("created_at").execute();
}

async function assertNothingLeft(app: TestApp, rowsBefore: number) {
  assertEquals((await videoRows(app)).length, rowsBefore, "no new video row");
  const left = await leftovers(app);
  assertEquals(left.tmp, [], "the temp upload directory is gone");
  const known = new Set((await videoRows(app)).map((r) => r.id));
  assertEquals(
    left.stored.filter((k) => !known.has(k.split("/")[1])),
    [],
    "no stored file of a refused video",
  );
}

async function uploadAndCheck(app: TestApp) {
  const who = await signIn(app, "anna", "TRAINER");
  const before = await queuedTranscodes(app);
  const res = await postVideos(app, who, [{ name: "Урок 1.mp4", bytes: clips.clip }]);
  assertEquals(res.status, 303);
  assertEquals(res.headers.get("location"), "/studio/videos?done=uploaded");
  const rows = await videoRows(app);
  const v = rows.at(-1)!;
  assertEquals(v.status, "PENDING");
  assertEquals(v.owner_id, who.id);
  assertEquals(v.original_name, "Урок 1.mp4");
  assertEquals(v.mime_type, "video/mp4");
  assertEquals([v.width, v.height, v.duration_sec], [160, 90, 2]);
  assertEquals(Number(v.size_bytes), clips.clip.length);
  assertEquals(v.source_key, videoSourceKey(v.id, "mp4"));
  const src = await app.services.storage.get(v.source_key!);
  assert(src, "the source is in storage");
  assertEquals(new Uint8Array(await new Response(src.body).arrayBuffer()), clips.clip);
  assertEquals(await queuedTranscodes(app), [...before, v.id], "exactly one job for it");
  assertEquals((await leftovers(app)).tmp, [], "the temp copy is gone");
  return v;
}

Deno.test("a trainer uploads a real clip without JavaScript: PENDING row, source stored, one transcode job", async () => {
  await uploadAndCheck(t);
  const page = await (await anna.fetch("/studio/videos?done=uploaded")).text();
  assertStringIncludes(page, "Урок 1.mp4");
  assertStringIncludes(page, "Загружено, ждёт перекодирования");
});

Deno.test("the island's JSON upload answers 201 with the video; two files in one form make two videos", async () => {
  const res = await apiVideo(t, anna, { name: "a.mp4", bytes: clips.clip });
  assertEquals(res.status, 201);
  const body = await res.json();
  assertEquals(body.videos.length, 1);
  assertEquals(body.videos[0].status, "PENDING");
  assertEquals(body.videos[0].durationSec, 2);
  const jobs = await queuedTranscodes(t);
  assertEquals(jobs.at(-1), body.videos[0].id);

  const n = (await videoRows()).length;
  const two = await postVideos(t, anna, [
    { name: "b.mp4", bytes: clips.clip },
    { name: "c.mp4", bytes: clips.clip },
  ]);
  assertEquals(two.status, 303);
  assertEquals((await videoRows()).length, n + 2);
});

Deno.test("refusals say why in ru and en and leave nothing behind", async () => {
  const n = (await videoRows()).length;
  const cases = [
    {
      bytes: new TextEncoder().encode("just some text, not a video at all, sorry"),
      status: 415,
      ru: "видео",
      en: "video",
    },
    { bytes: clips.broken, status: 422, ru: "Не удалось прочитать видеофайл", en: "read" },
    { bytes: clips.audioOnly, status: 422, ru: "В файле нет видеодорожки", en: "no video track" },
  ] as const;
  for (const c of cases) {
    const ru = await postVideos(t, anna, [{ name: "x.mp4", bytes: c.bytes }], "ru");
    assertEquals(ru.status, c.status);
    const html = await ru.text();
    assertStringIncludes(html, c.ru);
    assertStringIncludes(html, 'aria-invalid="true"');
    const en = await apiVideo(t, anna, { name: "x.mp4", bytes: c.bytes }, "en");
    assertEquals(en.status, c.status);
    const body = await en.json();
    assertStringIncludes(JSON.stringify(body), c.en);
    await assertNothingLeft(t, n);
  }
  // One bad file among good ones refuses the whole form.
  const mixed = await postVideos(t, anna, [
    { name: "ok.mp4", bytes: clips.clip },
    { name: "bad.mp4", bytes: clips.audioOnly },
  ]);
  assertEquals(mixed.status, 422);
  await assertNothingLeft(t, n);
});

Deno.test("too long and too large follow the settings (VIDEO_MAX_SECONDS, VIDEO_MAX_UPLOAD_MB)", async () => {
  const small = await openTestApp({ VIDEO_MAX_SECONDS: "1", VIDEO_MAX_UPLOAD_MB: "1" });
  try {
    const who = await signIn(small, "anna", "TRAINER");
    const long = await apiVideo(small, who, { name: "long.mp4", bytes: clips.clip }, "en");
    assertEquals(long.status, 422);
    assertStringIncludes(JSON.stringify(await long.json()), "longer than 1");
    const big = new Uint8Array(1024 * 1024 + 10);
    big.set(clips.clip.subarray(0, 64));
    const large = await postVideos(small, who, [{ name: "big.mp4", bytes: big }], "ru");
    assertEquals(large.status, 413);
    assertStringIncludes(await large.text(), "1\u00a0МБ");
    await assertNothingLeft(small, 0);
  } finally {
    await small.close();
  }
});

Deno.test("an upload cut off half-way (the client aborts the body) leaves nothing", async () => {
  const n = (await videoRows()).length;
  const jobs = (await queuedTranscodes(t)).length;
  const boundary = "----gafus-abort";
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="videos"; filename="cut.mp4"\r\n` +
      `Content-Type: video/mp4\r\n\r\n`,
  );
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent === 0) c.enqueue(head);
      else if (sent < 4) c.enqueue(clips.clip.subarray((sent - 1) * 1024, sent * 1024));
      else c.error(new Error("client went away"));
      sent++;
    },
  });
  const res = await t.fetch(`/studio/videos?_csrf=${encodeURIComponent(anna.csrf)}`, {
    method: "POST",
    body,
    headers: anna.headers({ "content-type": `multipart/form-data; boundary=${boundary}` }),
    // @ts-ignore: Deno's fetch needs it for a streamed body.
    duplex: "half",
  }).catch((e) => e);
  assert(res instanceof Response, String(res));
  // A refusal of that request (the client's doing), not a server error.
  assertEquals(res.status, 400);
  assertStringIncludes(await res.text(), "Загрузка прервалась");
  await assertNothingLeft(t, n);
  assertEquals((await queuedTranscodes(t)).length, jobs, "no job");
});

Deno.test({
  name: "on S3 (s3rver): upload stores the source in the bucket, delete removes every object",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using s3 = await startS3();
    const app = await openTestApp(s3.env);
    try {
      assertEquals(app.services.storage.kind, "s3");
      const v = await uploadAndCheck(app);
      await app.services.storage.put(`videos/${v.id}/thumb.jpg`, new Uint8Array([1, 2, 3]), {
        contentType: "image/jpeg",
      });
      const who = await signIn(app, "anna", "TRAINER");
      const del = await who.post(`/studio/videos/${v.id}/delete`, {});
      assertEquals(del.status, 303);
      assertEquals(await app.services.storage.list(`videos/${v.id}/`), []);
      assertEquals((await videoRows(app)).length, 0);
      const bad = await postVideos(app, who, [{ name: "x.mp4", bytes: clips.audioOnly }]);
      assertEquals(bad.status, 422);
      await assertNothingLeft(app, 0);
    } finally {
      await app.close();
    }
  },
});
