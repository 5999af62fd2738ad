/**
 * `canWatchVideo`, the rule every playback request asks: the owner and staff
 * always; others through a course that uses the video in a live step of a
 * live day and that they may view (public, granted, or archived but started
 * by them); a draft course, an archived step or a removed step opens nothing.
 */
import { openTestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { assertEquals } from "../helpers/assert.ts";
import { makeCourse } from "../training/helpers.ts";
import { addReadyVideo, useVideoInStep } from "./play_helpers.ts";
import { canWatchVideo } from "@/core/video/access.ts";
import { rewritePlaylist } from "@/core/video/playback.ts";
import type { SessionUser } from "@/core/auth/session_user.ts";

const t = await openTestApp();
globalThis.addEventListener("unload", () => t.close());
const s = t.services;

function viewer(x: Session): SessionUser {
  return {
    id: x.id,
    username: x.username,
    role: x.role,
    locale: "ru",
    timeZone: "UTC",
    sessionVersion: 0,
  };
}

const coach = await signIn(t, "coach", "TRAINER");
const lena = await signIn(t, "lena");
const ivan = await signIn(t, "ivan");
const admin = await signIn(t, "root", "ADMIN");

Deno.test("canWatchVideo: owner and staff always; nobody else without a course", async () => {
  const { videoId } = await addReadyVideo(t, coach.id);
  assertEquals(await canWatchVideo(s, viewer(coach), videoId), true);
  assertEquals(await canWatchVideo(s, viewer(admin), videoId), true);
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), false);
  assertEquals(await canWatchVideo(s, null, videoId), false);
  assertEquals(await canWatchVideo(s, viewer(admin), "not-an-id"), false);
  assertEquals(await canWatchVideo(s, viewer(admin), crypto.randomUUID()), false);
});

Deno.test("canWatchVideo: a public course opens it to everyone, a draft to nobody else", async () => {
  const { videoId } = await addReadyVideo(t, coach.id);
  const c = await makeCourse(t, { author: "coach", days: [{ steps: [{ type: "THEORY" }] }] });
  await useVideoInStep(t, c.days[0].stepIds[0], videoId);
  assertEquals(await canWatchVideo(s, null, videoId), true);
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), true);
  await s.db.updateTable("courses").set({ published_at: null }).where("id", "=", c.courseId)
    .execute();
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), false);
  assertEquals(await canWatchVideo(s, null, videoId), false);
});

Deno.test("canWatchVideo: an archived step or a step taken off the day opens nothing", async () => {
  const { videoId } = await addReadyVideo(t, coach.id);
  const c = await makeCourse(t, { author: "coach", days: [{ steps: [{ type: "THEORY" }] }] });
  await useVideoInStep(t, c.days[0].stepIds[0], videoId);
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), true);
  await s.db.updateTable("step_on_day").set({ archived_at: new Date() })
    .where("id", "=", c.days[0].stepOnDayIds[0]).execute();
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), false);
  await s.db.updateTable("step_on_day").set({ archived_at: null })
    .where("id", "=", c.days[0].stepOnDayIds[0]).execute();
  await s.db.updateTable("steps").set({ archived_at: new Date() })
    .where("id", "=", c.days[0].stepIds[0]).execute();
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), false);
});

Deno.test("canWatchVideo: an archived course stays open to learners who started it", async () => {
  const { videoId } = await addReadyVideo(t, coach.id);
  const c = await makeCourse(t, { author: "coach", days: [{ steps: [{ type: "THEORY" }] }] });
  await useVideoInStep(t, c.days[0].stepIds[0], videoId);
  await s.db.insertInto("user_courses").values({ user_id: lena.id, course_id: c.courseId })
    .execute();
  await s.db.updateTable("courses").set({ archived_at: new Date() }).where("id", "=", c.courseId)
    .execute();
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), true);
  assertEquals(await canWatchVideo(s, viewer(ivan), videoId), false);
  assertEquals(await canWatchVideo(s, null, videoId), false);
});

Deno.test("rewritePlaylist: every URI gets the app's URL with the token; odd URIs are refused", () => {
  const id = crypto.randomUUID();
  const out = rewritePlaylist(
    [
      "#EXTM3U",
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-KEY:METHOD=AES-128,URI="gafus-key",IV=0x00000000000000000000000000000001',
      "#EXTINF:4.0,",
      "seg_00001.ts",
      "#EXT-X-ENDLIST",
    ].join("\r\n"),
    id,
    "720p",
    "TOK",
  );
  assertEquals(out.split("\n"), [
    "#EXTM3U",
    `#EXT-X-MAP:URI="/api/v1/videos/${id}/hls/720p/init.mp4?t=TOK"`,
    `#EXT-X-KEY:METHOD=AES-128,URI="/api/v1/videos/${id}/key?t=TOK",IV=0x00000000000000000000000000000001`,
    "#EXTINF:4.0,",
    `/api/v1/videos/${id}/hls/720p/seg_00001.ts?t=TOK`,
    "#EXT-X-ENDLIST",
  ]);
  for (const bad of ["../720p/seg.ts", "https://evil.example/seg.ts", "a/b/c.ts", "seg.exe"]) {
    let threw = false;
    try {
      rewritePlaylist(`#EXTM3U\n${bad}\n`, id, bad.includes("/") ? "" : "720p", "TOK");
    } catch {
      threw = true;
    }
    assertEquals(threw, true, bad);
  }
});

Deno.test("canWatchVideo: a course's presentation video opens to whoever may view the course", async () => {
  const { videoId } = await addReadyVideo(t, coach.id);
  const c = await makeCourse(t, { author: "coach", days: [{ steps: [{ type: "THEORY" }] }] });
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), false);
  await s.db.updateTable("courses").set({ video_id: videoId }).where("id", "=", c.courseId)
    .execute();
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), true);
  // Private: only a learner with access.
  await s.db.updateTable("courses").set({ access: "PRIVATE" }).where("id", "=", c.courseId)
    .execute();
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), false);
  await s.db.insertInto("course_access").values({ course_id: c.courseId, user_id: lena.id })
    .execute();
  assertEquals(await canWatchVideo(s, viewer(lena), videoId), true);
  assertEquals(await canWatchVideo(s, viewer(ivan), videoId), false);
});
