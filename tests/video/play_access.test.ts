/**
 * Protected playback on local storage, with a real encrypted HLS video: who
 * may fetch the master playlist, a rendition playlist, a segment and the key
 * (visitor, learner with and without access to the private course, owning
 * trainer, another trainer, moderator); tokens that are expired, another
 * user's, another video's or of the wrong kind; revoking access stops the
 * key at once; playlists are rewritten with tokens; byte ranges; a segment
 * decrypted with the served key is a video ffprobe reads; resume positions.
 */
import { openTestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { makeCourse } from "../training/helpers.ts";
import { addReadyVideo, decryptSegment, sequenceIv, useVideoInStep } from "./play_helpers.ts";
import { playerProps, signPlaybackToken } from "@/core/video/playback.ts";
import {
  videoHlsFilePath,
  videoImagePath,
  videoKeyPath,
  videoMasterPath,
  videoProgressPath,
  videoSessionPath,
} from "@/core/paths.ts";
import type { SessionUser } from "@/core/auth/session_user.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());

const coach = await signIn(t, "coach", "TRAINER");
const lena = await signIn(t, "lena"); // has access to the private course
const ivan = await signIn(t, "ivan"); // has not
const other = await signIn(t, "other_trainer", "TRAINER");
const moder = await signIn(t, "moder", "MODERATOR");

const course = await makeCourse(t, {
  author: "coach",
  access: "PRIVATE",
  days: [{ steps: [{ type: "THEORY", title: "Смотрим" }, { type: "THEORY", title: "Ещё" }] }],
});
await t.services.db.insertInto("course_access")
  .values({ course_id: course.courseId, user_id: lena.id, granted_by: coach.id }).execute();
const { videoId, fixture } = await addReadyVideo(t, coach.id);
await useVideoInStep(t, course.days[0].stepIds[0], videoId);
// A second video in the same course: tokens must not cross between them.
const { videoId: otherVideoId } = await addReadyVideo(t, coach.id);
await useVideoInStep(t, course.days[0].stepIds[1], otherVideoId);

const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

async function errorCode(res: Response): Promise<string> {
  const body = await res.json();
  return body.error;
}

/** A master URL for `who` through the API (what the player does on play). */
async function session(who: Session, id = videoId): Promise<Response> {
  return await who.fetch(videoSessionPath(id), { method: "POST" });
}

/** URLs with tokens minted for `userId` directly (as if one had leaked or access was lost since). */
async function mintedUrls(userId: string, id = videoId, ttl = 600) {
  const m = await signPlaybackToken(t.services, { userId, videoId: id, kind: "master" }, ttl);
  const r = await signPlaybackToken(t.services, { userId, videoId: id, kind: "request" }, ttl);
  return {
    master: videoMasterPath(id, m.token),
    rendition: videoHlsFilePath(id, "240p", "index.m3u8", r.token),
    segment: videoHlsFilePath(id, "240p", "seg_00000.ts", r.token),
    key: videoKeyPath(id, r.token),
  };
}

/** Follows the player's path: session → master → rendition → segment and key. */
async function playThrough(who: Session) {
  const s = await session(who);
  assertEquals(s.status, 200, `${who.username} session`);
  const { url, expiresAt } = await s.json();
  assert(expiresAt > Date.now() + 3600_000, "the master URL lives about two hours");
  const master = await who.fetch(url);
  assertEquals(master.status, 200);
  assertEquals(master.headers.get("content-type"), "application/vnd.apple.mpegurl");
  assertEquals(master.headers.get("cache-control"), "private, no-store");
  const masterText = await master.text();
  const renditionUrls = masterText.split("\n").filter((l) => l && !l.startsWith("#"));
  assertEquals(renditionUrls.length, 2);
  for (const u of renditionUrls) {
    assertMatch(
      u,
      new RegExp(`^/api/v1/videos/${videoId}/hls/(240p|120p)/index\\.m3u8\\?t=[\\w.-]+$`),
    );
  }
  const rendition = await who.fetch(renditionUrls[0]);
  assertEquals(rendition.status, 200);
  assertEquals(rendition.headers.get("cache-control"), "private, no-store");
  const text = await rendition.text();
  assert(!text.includes("gafus-key"), "the key placeholder is replaced");
  const keyUrl = /URI="([^"]+)"/.exec(text)![1];
  assertMatch(keyUrl, new RegExp(`^/api/v1/videos/${videoId}/key\\?t=[\\w.-]+$`));
  const segments = text.split("\n").filter((l) => l && !l.startsWith("#"));
  assertEquals(segments.length, 3);
  for (const u of segments) {
    assertMatch(
      u,
      new RegExp(`^/api/v1/videos/${videoId}/hls/240p/seg_0000\\d\\.ts\\?t=[\\w.-]+$`),
    );
  }
  return { masterText, text, keyUrl, segments, renditionUrls };
}

Deno.test("playback: learner with access, owner and moderator play through; the key is the video's", async () => {
  for (const who of [lena, coach, moder]) {
    const p = await playThrough(who);
    const seg = await who.fetch(p.segments[0]);
    assertEquals(seg.status, 200);
    assertEquals(seg.headers.get("accept-ranges"), "bytes");
    assertEquals(await bytes(seg), fixture.files.get("240p/seg_00000.ts"));
    const key = await who.fetch(p.keyUrl);
    assertEquals(key.status, 200);
    assertEquals(key.headers.get("cache-control"), "no-store");
    assertEquals(await bytes(key), fixture.key);
  }
});

Deno.test("playback: learner without access and another trainer get 404 everywhere", async () => {
  for (const who of [ivan, other]) {
    const s = await session(who);
    assertEquals(s.status, 404, `${who.username} session`);
    await s.body?.cancel();
    const urls = await mintedUrls(who.id);
    for (const [what, url] of Object.entries(urls)) {
      const res = await who.fetch(url);
      assertEquals(res.status, 404, `${who.username} ${what}`);
      assertEquals(await errorCode(res), "not_found");
    }
  }
});

Deno.test("playback: a visitor gets 401 for every file, even with a learner's valid token", async () => {
  const urls = await mintedUrls(lena.id);
  for (const [what, url] of Object.entries(urls)) {
    const res = await t.fetch(url);
    assertEquals(res.status, 401, what);
    assertEquals(await errorCode(res), "unauthenticated");
  }
});

Deno.test("playback: expired, another user's, another video's and wrong-kind tokens are refused", async () => {
  const expired = await mintedUrls(lena.id, videoId, -5);
  for (const [what, url] of Object.entries(expired)) {
    const res = await lena.fetch(url);
    assertEquals(res.status, 401, `expired ${what}`);
    assertEquals(await errorCode(res), "video_token_expired");
  }
  // Lena's URLs presented by the moderator's session (who could watch it himself).
  const lenas = await mintedUrls(lena.id);
  for (const [what, url] of Object.entries(lenas)) {
    const res = await moder.fetch(url);
    assertEquals(res.status, 403, `another user's ${what}`);
    assertEquals(await errorCode(res), "video_token_invalid");
  }
  // A token for the other video, used on this one.
  const forOther = await mintedUrls(lena.id, otherVideoId);
  for (const [what, url] of Object.entries(forOther)) {
    const res = await lena.fetch(url.replace(otherVideoId, videoId));
    assertEquals(res.status, 403, `another video's ${what}`);
    assertEquals(await errorCode(res), "video_token_invalid");
  }
  // The master token opens the master playlist only.
  const m = lenas.master.split("?t=")[1];
  const res = await lena.fetch(videoKeyPath(videoId, decodeURIComponent(m)));
  assertEquals(res.status, 403);
  await res.body?.cancel();
  const forged = await lena.fetch(videoKeyPath(videoId, "not.a.token"));
  assertEquals(forged.status, 403);
  await forged.body?.cancel();
});

Deno.test("playback: revoking a learner's course access stops the key at once", async () => {
  const maria = await signIn(t, "maria");
  await t.services.db.insertInto("course_access")
    .values({ course_id: course.courseId, user_id: maria.id, granted_by: coach.id }).execute();
  const p = await playThrough(maria);
  const before = await maria.fetch(p.keyUrl);
  assertEquals(before.status, 200);
  await before.body?.cancel();
  await t.services.db.deleteFrom("course_access")
    .where("course_id", "=", course.courseId).where("user_id", "=", maria.id).execute();
  const after = await maria.fetch(p.keyUrl);
  assertEquals(after.status, 404, "the same, unexpired token no longer opens the key");
  await after.body?.cancel();
});

Deno.test("playback: a segment range request gives 206 with exactly those bytes", async () => {
  const p = await playThrough(lena);
  const whole = fixture.files.get("240p/seg_00000.ts")!;
  const res = await lena.fetch(p.segments[0], { headers: { range: "bytes=188-375" } });
  assertEquals(res.status, 206);
  assertEquals(res.headers.get("content-range"), `bytes 188-375/${whole.byteLength}`);
  assertEquals(res.headers.get("accept-ranges"), "bytes");
  assertEquals(await bytes(res), whole.slice(188, 376));
});

async function ffprobeReads(data: Uint8Array): Promise<boolean> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeFile(file, data);
    const out = await new Deno.Command("ffprobe", {
      args: ["-v", "error", "-show_streams", "-select_streams", "v", "-of", "json", file],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return false;
    const streams = JSON.parse(new TextDecoder().decode(out.stdout)).streams ?? [];
    return streams.some((s: { codec_name?: string }) => s.codec_name === "h264");
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("playback: a fetched segment is encrypted and decrypts with the fetched key", async () => {
  const p = await playThrough(lena);
  const seg = await bytes(await lena.fetch(p.segments[1]));
  const key = await bytes(await lena.fetch(p.keyUrl));
  assert(!(await ffprobeReads(seg)), "an encrypted segment is not readable as video");
  const ivAttr = /IV=0x([0-9a-fA-F]{32})/.exec(p.text)?.[1];
  const iv = ivAttr
    ? new Uint8Array(ivAttr.match(/../g)!.map((h) => parseInt(h, 16)))
    : sequenceIv(1);
  assert(await ffprobeReads(await decryptSegment(key, iv, seg)), "decrypted, it is H.264");
});

Deno.test("resume: progress is saved per user and video, by fetch and by beacon", async () => {
  const viewer: SessionUser = {
    id: lena.id,
    username: lena.username,
    role: lena.role,
    locale: "ru",
    timeZone: "Europe/Moscow",
    sessionVersion: 0,
  };
  assertEquals((await playerProps(t.services, viewer, videoId))?.startAt, 0);
  const res = await lena.fetch(videoProgressPath(videoId), {
    method: "POST",
    body: JSON.stringify({ position: 2.6 }),
  });
  assertEquals(res.status, 200);
  assertEquals(await res.json(), { position: 2 });
  assertEquals((await playerProps(t.services, viewer, videoId))?.startAt, 2);
  // A beacon: no header, the token in the URL, JSON as text/plain.
  const beacon = await t.fetch(videoProgressPath(videoId, lena.csrf), {
    method: "POST",
    body: JSON.stringify({ position: 1 }),
    headers: lena.headers({ "content-type": "text/plain;charset=UTF-8" }),
  });
  assertEquals(beacon.status, 200);
  await beacon.body?.cancel();
  assertEquals((await playerProps(t.services, viewer, videoId))?.startAt, 1);
  const noCsrf = await t.fetch(videoProgressPath(videoId), {
    method: "POST",
    body: JSON.stringify({ position: 1 }),
    headers: lena.headers({ "content-type": "text/plain;charset=UTF-8" }),
  });
  assertEquals(noCsrf.status, 403);
  await noCsrf.body?.cancel();
  // Someone without access cannot write a position for the video.
  const ivans = await ivan.fetch(videoProgressPath(videoId), {
    method: "POST",
    body: JSON.stringify({ position: 1 }),
  });
  assertEquals(ivans.status, 404);
  await ivans.body?.cancel();
  assertEquals(
    await playerProps(t.services, { ...viewer, id: ivan.id, username: ivan.username }, videoId),
    null,
  );
});

Deno.test("poster: shown to who may watch (owner, learner with access, staff), 404 to others", async () => {
  for (const [who, status] of [[coach, 200], [lena, 200], [moder, 200], [ivan, 404]] as const) {
    const res = await who.fetch(videoImagePath(videoId, "poster"));
    assertEquals(res.status, status, who.username);
    if (status === 200) assertEquals(res.headers.get("content-type"), "image/jpeg");
    await res.body?.cancel();
  }
  const thumb = await coach.fetch(videoImagePath(videoId, "thumb"));
  assertEquals(thumb.status, 200);
  await thumb.body?.cancel();
  const visitor = await t.fetch(videoImagePath(videoId, "poster"));
  assertEquals(visitor.status, 404);
  await visitor.body?.cancel();
});
