/**
 * A kept course's videos on the server side (core/video/offline.ts and the
 * bundle): the learner with access gets the lowest rendition's playlist, its
 * segments, the key and the poster, each at a stable URL with its real size,
 * and what they download decrypts; nobody without access gets any of it (a
 * visitor 401, another learner 404), and once access is revoked or the
 * course closed, the bundle's version check and the key say 404 at once.
 */
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { throws as assertThrows } from "node:assert/strict";
import { assert, assertEquals, assertNotEquals } from "../helpers/assert.ts";
import { type CourseFixture, makeCourse } from "../training/helpers.ts";
import {
  addReadyVideo,
  decryptSegment,
  type HlsFixture,
  sequenceIv,
  useVideoInStep,
} from "../video/play_helpers.ts";
import {
  offlineBundlePath,
  videoImagePath,
  videoOfflineFilePath,
  videoOfflineKeyPath,
  videoOfflinePlaylistPath,
} from "@/core/paths.ts";
import type { OfflineBundle } from "@/core/offline/bundle.ts";
import { lowestRendition, offlinePlaylistText } from "@/core/video/offline.ts";
import { invalidateCourses } from "@/core/courses/cache.ts";

interface Fixture {
  t: TestApp;
  course: CourseFixture;
  videoId: string;
  fixture: HlsFixture;
  lena: Session;
  ivan: Session;
}

/** A private course whose first step shows a ready video; lena has access, ivan has not. */
async function setup(): Promise<Fixture> {
  const t = await openTestApp();
  const coach = await signIn(t, "coach", "TRAINER");
  const lena = await signIn(t, "lena");
  const ivan = await signIn(t, "ivan");
  const course = await makeCourse(t, {
    author: "coach",
    access: "PRIVATE",
    days: [
      { steps: [{ type: "THEORY", title: "Смотрим" }, { type: "PRACTICE", title: "Делаем" }] },
    ],
  });
  await t.services.db.insertInto("course_access")
    .values({ course_id: course.courseId, user_id: lena.id, granted_by: coach.id }).execute();
  const { videoId, fixture } = await addReadyVideo(t, coach.id);
  await useVideoInStep(t, course.days[0].stepIds[0], videoId);
  invalidateCourses(t.services);
  return { t, course, videoId, fixture, lena, ivan };
}

async function bundleOf(who: Session, slug: string): Promise<OfflineBundle> {
  const res = await who.fetch(offlineBundlePath(slug));
  assertEquals(res.status, 200);
  return await res.json() as OfflineBundle;
}

const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

Deno.test("offline video: the bundle keeps the lowest rendition, its key and poster, with real sizes", async () => {
  const f = await setup();
  await using _ = f.t;
  const { lena, videoId, fixture } = f;
  const b = await bundleOf(lena, f.course.slug);
  assertEquals(b.videos, 1);

  // The fixture has 240p (400 kb/s) and 120p (200 kb/s): only 120p is kept.
  const segNames = [...fixture.files.keys()].filter((k) => k.startsWith("120p/seg_"))
    .map((k) => k.slice("120p/".length));
  assert(segNames.length >= 2, "the fixture has several segments");
  const video = b.files.filter((x) => x.kind === "video" || x.kind === "key");
  assertEquals(video.map((x) => x.url), [
    videoOfflinePlaylistPath(videoId),
    ...segNames.map((n) => videoOfflineFilePath(videoId, "120p", n)),
    videoOfflineKeyPath(videoId),
  ]);
  assert(!b.files.some((x) => x.url.includes("240p")), "no other rendition");
  assert(!b.files.some((x) => x.url.includes("?t=")), "no expiring token in any kept URL");
  for (const n of segNames) {
    const listed = b.files.find((x) => x.url === videoOfflineFilePath(videoId, "120p", n));
    assertEquals(listed?.size, fixture.files.get(`120p/${n}`)!.byteLength, n);
  }
  const poster = b.files.find((x) => x.url === videoImagePath(videoId, "poster"));
  assertEquals(poster?.kind, "image");
  assertEquals(poster?.size, fixture.poster.byteLength);
  assertEquals(b.totalBytes, b.files.reduce((a, x) => a + x.size, 0));
  assertEquals(b.videoBytes, video.reduce((a, x) => a + x.size, 0));

  // What the browser downloads is exactly what was announced, and it plays.
  const got = new Map<string, Uint8Array>();
  for (const file of b.files) {
    const res = await lena.fetch(file.url);
    assertEquals(res.status, 200, file.url);
    const body = await bytes(res);
    if (file.kind !== "page") assertEquals(body.byteLength, file.size, file.url);
    got.set(file.url, body);
  }
  const playlist = new TextDecoder().decode(got.get(videoOfflinePlaylistPath(videoId)));
  assert(playlist.startsWith("#EXTM3U"));
  assertEquals(/URI="([^"]+)"/.exec(playlist)?.[1], videoOfflineKeyPath(videoId));
  assertEquals(
    playlist.split("\n").filter((l) => l && !l.startsWith("#")),
    segNames.map((n) => videoOfflineFilePath(videoId, "120p", n)),
  );
  const key = got.get(videoOfflineKeyPath(videoId))!;
  assertEquals([...key], [...fixture.key]);
  const first = got.get(videoOfflineFilePath(videoId, "120p", segNames[0]))! as Uint8Array<
    ArrayBuffer
  >;
  const ts = await decryptSegment(fixture.key, sequenceIv(0), first);
  assertEquals(ts[0], 0x47, "an MPEG-TS packet after decryption");

  // The key is never stored by a shared or the browser's HTTP cache.
  const keyRes = await lena.fetch(videoOfflineKeyPath(videoId));
  assertEquals(keyRes.headers.get("cache-control"), "private, no-store");
  await keyRes.body?.cancel();
  const plRes = await lena.fetch(videoOfflinePlaylistPath(videoId));
  assertEquals(plRes.headers.get("cache-control"), "private, no-store");
  await plRes.body?.cancel();
});

Deno.test("offline video: nothing of it for a visitor (401) or a learner without access (404)", async () => {
  const f = await setup();
  await using _ = f.t;
  const { t, ivan, videoId } = f;
  const urls = [
    videoOfflinePlaylistPath(videoId),
    videoOfflineFilePath(videoId, "120p", "seg_00000.ts"),
    videoOfflineKeyPath(videoId),
  ];
  for (const url of urls) {
    const visitor = await t.fetch(url);
    assertEquals(visitor.status, 401, url);
    await visitor.body?.cancel();
    const outsider = await ivan.fetch(url);
    assertEquals(outsider.status, 404, url);
    const body = await outsider.text();
    assert(!body.includes("EXTM3U") && body.length > 16, "no playlist and no key");
  }
  const res = await ivan.fetch(offlineBundlePath(f.course.slug));
  assertEquals(res.status, 404);
  await res.body?.cancel();
});

Deno.test("offline video: only the kept rendition's segments, no playlists, no other files", async () => {
  const f = await setup();
  await using _ = f.t;
  const { lena, videoId } = f;
  for (
    const [rendition, file] of [
      ["240p", "seg_00000.ts"],
      ["120p", "index.m3u8"],
      ["120p", "seg_99999.ts"],
      ["120p", "..%2Fposter.jpg"],
    ]
  ) {
    const res = await lena.fetch(`/api/v1/videos/${videoId}/offline/${rendition}/${file}`);
    assertEquals(res.status, 404, `${rendition}/${file}`);
    await res.body?.cancel();
  }
});

Deno.test("offline video: revoking access or closing the course ends the version and the key at once", async () => {
  const f = await setup();
  await using _ = f.t;
  const { t, lena, videoId, course } = f;
  const version = () => lena.fetch(offlineBundlePath(course.slug) + "?version");
  const key = () => lena.fetch(videoOfflineKeyPath(videoId));
  let r = await key();
  assertEquals(r.status, 200);
  await r.body?.cancel();

  await t.services.db.deleteFrom("course_access").where("user_id", "=", lena.id).execute();
  invalidateCourses(t.services);
  for (const res of [await version(), await key()]) {
    assertEquals(res.status, 404, res.url);
    await res.body?.cancel();
  }

  // Access back, then the course is unpublished: the same.
  await t.services.db.insertInto("course_access")
    .values({ course_id: course.courseId, user_id: lena.id }).execute();
  invalidateCourses(t.services);
  r = await key();
  assertEquals(r.status, 200);
  await r.body?.cancel();
  await t.services.db.updateTable("courses").set({ published_at: null })
    .where("id", "=", course.courseId).execute();
  invalidateCourses(t.services);
  for (const res of [await version(), await key()]) {
    assertEquals(res.status, 404, res.url);
    await res.body?.cancel();
  }
});

Deno.test("offline video: the version follows the video (transcoded again, removed from the step)", async () => {
  const f = await setup();
  await using _ = f.t;
  const { t, lena, videoId, course } = f;
  const v1 = (await bundleOf(lena, course.slug)).version;
  assertEquals((await bundleOf(lena, course.slug)).version, v1);
  await t.services.db.updateTable("videos").set({ transcoded_at: new Date(Date.now() + 1000) })
    .where("id", "=", videoId).execute();
  const v2 = (await bundleOf(lena, course.slug)).version;
  assertNotEquals(v2, v1);
  await t.services.db.updateTable("steps").set({ video_id: null })
    .where("id", "=", course.days[0].stepIds[0]).execute();
  invalidateCourses(t.services);
  const b = await bundleOf(lena, course.slug);
  assertNotEquals(b.version, v2);
  assertEquals(b.videos, 0);
  assert(!b.files.some((x) => x.url.includes(videoId)), "nothing of the removed video");
});

Deno.test("offline video: the lowest rendition is the cheapest; a stored playlist with a foreign URI is refused", () => {
  const r = (name: string, bandwidth: number, height: number) => ({
    name,
    width: height * 2,
    height,
    bandwidth,
    playlist: `${name}/index.m3u8`,
  });
  assertEquals(lowestRendition([r("720p", 2_800_000, 720), r("240p", 400_000, 240)])?.name, "240p");
  assertEquals(lowestRendition([r("b", 400_000, 360), r("a", 400_000, 240)])?.name, "a");
  assertEquals(lowestRendition([]), null);
  const ok = offlinePlaylistText(
    '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="gafus-key"\n#EXTINF:2,\nseg_00000.ts\n',
    "v1",
    "240p",
  );
  assertEquals(ok.segments, ["seg_00000.ts"]);
  assert(ok.text.includes('URI="/api/v1/videos/v1/offline/key"'));
  assertThrows(() => offlinePlaylistText("#EXTM3U\n../240p/index.m3u8\n", "v1", "240p"));
  assertThrows(() => offlinePlaylistText("#EXTM3U\nhttps://evil.example/x.ts\n", "v1", "240p"));
});
