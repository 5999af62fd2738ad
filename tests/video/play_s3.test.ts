/**
 * Playback on S3 (s3rver on loopback): a segment request, after the same
 * token and access checks, answers with a redirect to a short-lived
 * presigned URL of the private bucket, and that URL serves the segment (and
 * byte ranges of it); playlists and the key still come from the app.
 */
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { startS3 } from "../storage/s3_server.ts";
import { makeCourse } from "../training/helpers.ts";
import { addReadyVideo, useVideoInStep } from "./play_helpers.ts";
import { videoSessionPath } from "@/core/paths.ts";

Deno.test("playback on S3: segments redirect to a working presigned URL", async () => {
  await using s3 = await startS3();
  await using t = await openTestApp(s3.env);
  assertEquals(t.services.storage.kind, "s3");
  const coach = await signIn(t, "coach", "TRAINER");
  const lena = await signIn(t, "lena");
  const ivan = await signIn(t, "ivan");
  const course = await makeCourse(t, {
    author: "coach",
    access: "PRIVATE",
    days: [{ steps: [{ type: "THEORY" }] }],
  });
  await t.services.db.insertInto("course_access")
    .values({ course_id: course.courseId, user_id: lena.id, granted_by: coach.id }).execute();
  const { videoId, fixture } = await addReadyVideo(t, coach.id);
  await useVideoInStep(t, course.days[0].stepIds[0], videoId);

  const { url } = await (await lena.fetch(videoSessionPath(videoId), { method: "POST" })).json();
  const master = await (await lena.fetch(url)).text();
  const renditionUrl = master.split("\n").find((l) => l.includes("/240p/"))!;
  const playlist = await (await lena.fetch(renditionUrl)).text();
  const segUrl = playlist.split("\n").find((l) => l.includes("seg_00002"))!;

  const res = await lena.fetch(segUrl, { redirect: "manual" });
  assertEquals(res.status, 302);
  assertEquals(res.headers.get("cache-control"), "private, no-store");
  const location = res.headers.get("location")!;
  assert(location.startsWith(s3.config.endpoint!), location);
  assert(location.includes("X-Amz-Signature="), "the URL is presigned");
  const whole = fixture.files.get("240p/seg_00002.ts")!;
  const direct = await fetch(location);
  assertEquals(direct.status, 200);
  assertEquals(new Uint8Array(await direct.arrayBuffer()), whole);
  const ranged = await fetch(location, { headers: { range: "bytes=0-187" } });
  assertEquals(ranged.status, 206);
  assertEquals(new Uint8Array(await ranged.arrayBuffer()), whole.slice(0, 188));
  // Someone without access gets no redirect at all.
  const refused = await ivan.fetch(segUrl, { redirect: "manual" });
  assertEquals(refused.status, 403, "lena's token is not ivan's");
  await refused.body?.cancel();

  const key = playlist.match(/URI="([^"]+)"/)![1];
  assertEquals(new Uint8Array(await (await lena.fetch(key)).arrayBuffer()), fixture.key);
});
