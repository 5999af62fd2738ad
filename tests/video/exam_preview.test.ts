/**
 * Exam videos for review: a submission with a real clip gets one small
 * H.264/AAC copy (short side ≤ 480 px) through the `exam-video-preview`
 * job, the review page plays it (the original until then, with a note),
 * only the learner, the course's trainer and staff can fetch it, a
 * replaced video takes its copy along, and a corrupt file leaves the
 * original offered with the failure shown.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { act, type CourseFixture, makeCourse, openDayAs, stepApi } from "../training/helpers.ts";
import { mediaPath, studioExamPath } from "@/core/paths.ts";
import { examReviewKey, makeExamPreview, REVIEW_SHORT_SIDE } from "@/core/video/exam.ts";
import { probeVideo } from "@/core/video/probe.ts";

async function ffmpeg(args: string[]): Promise<void> {
  const out = await new Deno.Command("ffmpeg", {
    args: ["-v", "error", "-y", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
}

/** A short 720p clip with a tone, as a phone would send (moov at the end, as ffmpeg writes by default). */
async function clip720(): Promise<Uint8Array<ArrayBuffer>> {
  const dir = await Deno.makeTempDir({ prefix: "gafus-exam-clip-" });
  try {
    await ffmpeg([
      ...["-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25:duration=2"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
      ...["-shortest", `${dir}/clip.mp4`],
    ]);
    return await Deno.readFile(`${dir}/clip.mp4`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function videoExamCourse(t: TestApp) {
  return makeCourse(t, {
    author: "coach_a",
    days: [{
      steps: [{ type: "EXAMINATION", title: "Видеоэкзамен", requiresVideo: true }],
    }],
  });
}

/** Uploads `bytes` as the learner's exam video and sends the exam; returns the row. */
async function sendVideo(t: TestApp, learner: Session, c: CourseFixture, bytes: Uint8Array) {
  const [exam] = await openDayAs(t, learner, c);
  const up = await learner.fetch(stepApi(exam, "video"), {
    method: "POST",
    headers: { "content-type": "video/mp4" },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  assertEquals(up.status, 200, await up.clone().text());
  const { key } = await up.json() as { key: string };
  const sent = await act(learner, exam, "exam", { videoKey: key });
  assertEquals(sent.status, 200, JSON.stringify(sent.json));
  return await t.services.db.selectFrom("exam_results").selectAll()
    .where("user_step_id", "=", exam).executeTakeFirstOrThrow();
}

async function page(who: Session, path: string) {
  const r = await who.fetch(path);
  return { status: r.status, text: await r.text() };
}

function examRow(t: TestApp, id: string) {
  return t.services.db.selectFrom("exam_results").selectAll().where("id", "=", id)
    .executeTakeFirstOrThrow();
}

Deno.test("exam video: the job makes one small H.264 copy (≤ 480p) that the review page plays, for the right people only", async () => {
  await using t = await openTestApp();
  const c = await videoExamCourse(t);
  const coach = await signIn(t, "coach_a");
  const other = await signIn(t, "coach_b", "TRAINER");
  const mod = await signIn(t, "mod", "MODERATOR");
  const learner = await signIn(t, "pupil");
  const stranger = await signIn(t, "stranger");
  const row = await sendVideo(t, learner, c, await clip720());
  assertEquals([row.video_review_status, row.video_review_key], ["PENDING", null]);

  // Before the job: the original plays, with the note that a lighter copy is coming.
  let review = await page(coach, studioExamPath(row.id));
  assertEquals(review.status, 200);
  assertMatch(review.text, new RegExp(`<video[^>]*src="${mediaPath(row.video_key!)}"`));
  assertStringIncludes(review.text, 'data-video="original"');
  assertStringIncludes(review.text, 'data-review-status="PENDING"');
  assertStringIncludes(review.text, "Готовим облегчённую копию");

  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 60_000 });
  const done = await examRow(t, row.id);
  const key = examReviewKey(row.video_key!);
  assertEquals([done.video_review_status, done.video_review_key, done.video_review_error], [
    "READY",
    key,
    null,
  ]);
  assert(key.startsWith(`exams/${learner.id}/`) && key.endsWith(".small.mp4"), key);
  // The job shows on the queue status page's data like every other job, with its result.
  const jobs = await t.services.jobs.list({ queue: "video-transcoding", state: "done" });
  const job = jobs.jobs.find((j) => j.name === "exam-video-preview");
  assert(job, "the preview job is listed in video-transcoding");
  assertEquals((job.result as { outcome: string }).outcome, "ready");

  // The copy really is small: H.264 with audio, 854×480 from 1280×720, about 1 Mbit/s at most.
  const dir = await Deno.makeTempDir();
  try {
    const got = await t.services.storage.get(key);
    assertEquals(got?.contentType, "video/mp4");
    await Deno.writeFile(`${dir}/r.mp4`, got!.body);
    const p = await probeVideo(`${dir}/r.mp4`);
    assertEquals([p.videoCodec, p.width, p.height, p.hasAudio], ["h264", 854, 480, true]);
    assert(p.height <= REVIEW_SHORT_SIDE);
    assert((p.bitrateKbps ?? 0) <= 1_200, `bitrate ${p.bitrateKbps}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  // The review page now plays the copy and still offers the original.
  review = await page(coach, studioExamPath(row.id));
  assertMatch(review.text, new RegExp(`<video[^>]*src="${mediaPath(key)}"`));
  assertStringIncludes(review.text, 'data-video="review"');
  assertStringIncludes(review.text, `href="${mediaPath(row.video_key!)}"`);
  assertStringIncludes(review.text, "Скачать оригинал");

  // Private like the original: the learner, the course's trainer and staff.
  for (
    const [who, status] of [
      [coach, 200],
      [mod, 200],
      [learner, 200],
      [other, 404],
      [stranger, 404],
    ] as const
  ) {
    const r = await who.fetch(mediaPath(key));
    assertEquals(r.status, status, who.username);
    await r.body?.cancel();
  }
  const anon = await t.fetch(mediaPath(key));
  assert(anon.status !== 200, "not for visitors");
  await anon.body?.cancel();
  assertEquals((await page(other, studioExamPath(row.id))).status, 404);
  assertEquals((await page(stranger, studioExamPath(row.id))).status, 403);

  // A crash after storing a copy but before publishing it: the rerun writes the same key
  // again (replacing whatever is there) and publishes once.
  await t.services.jobs.stop();
  await t.services.db.updateTable("exam_results")
    .set({ video_review_key: null, video_review_status: "PENDING" }).where("id", "=", row.id)
    .execute();
  await t.services.storage.put(key, new TextEncoder().encode("partial"), {
    contentType: "video/mp4",
  });
  const rerun = await makeExamPreview(t.services, row.id, row.video_key!, {
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    job: { attempt: 2, maxAttempts: 3 },
  });
  assertEquals(rerun.outcome, "ready");
  assertEquals((await examRow(t, row.id)).video_review_key, key);
  assert((await t.services.storage.head(key))!.size > 1_000, "the partial file was replaced");
  assertEquals((await t.services.storage.list(`exams/${learner.id}/`)).length, 2);

  // Sending the answers again with the same video keeps the copy (no new job).
  const [us] = await openDayAs(t, learner, c);
  assertEquals((await act(learner, us, "exam", {})).status, 200);
  assertEquals((await examRow(t, row.id)).video_review_status, "READY");

  // A new video replaces the old one: the old original and its copy are deleted, a new copy waits.
  const prefix = `exams/${learner.id}/${row.user_step_id}/`;
  const replaced = await sendVideo(t, learner, c, await clip720());
  assert(replaced.video_key !== row.video_key);
  assertEquals([replaced.video_review_status, replaced.video_review_key], ["PENDING", null]);
  assertEquals((await t.services.storage.list(prefix)).map((o) => o.key), [replaced.video_key]);
});

Deno.test("exam video: a corrupt file fails its preview, and the review page still offers the original", async () => {
  await using t = await openTestApp();
  const c = await videoExamCourse(t);
  const coach = await signIn(t, "coach_a");
  const learner = await signIn(t, "pupil");
  // A real MP4 cut short: its header passes the upload check, but the index (moov, at the end) is gone.
  const whole = await clip720();
  const row = await sendVideo(t, learner, c, whole.slice(0, 4_000));
  // The submission enqueued its job; the sweeper (for a crash before the enqueue) adds no second one.
  assertEquals(await t.services.jobs.sweep("exam-video-preview"), 1);
  const queued = await t.services.jobs.list({ queue: "video-transcoding", state: "queued" });
  assertEquals(queued.jobs.map((j) => j.payload), [{ examId: row.id, videoKey: row.video_key }]);

  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  const failed = await examRow(t, row.id);
  assertEquals([failed.video_review_status, failed.video_review_key], ["FAILED", null]);
  assertMatch(failed.video_review_error ?? "", /^corrupt\b/);
  // Nothing but the original is stored.
  assertEquals(
    (await t.services.storage.list(`exams/${learner.id}/`)).map((o) => o.key),
    [row.video_key],
  );

  const review = await page(coach, studioExamPath(row.id));
  assertEquals(review.status, 200);
  assertMatch(review.text, new RegExp(`<video[^>]*src="${mediaPath(row.video_key!)}"`));
  assertStringIncludes(review.text, 'data-review-status="FAILED"');
  assertStringIncludes(
    review.text,
    "Облегчённую копию сделать не удалось (файл повреждён или не читается)",
  );
  const en = await coach.fetch(studioExamPath(row.id), {
    headers: { cookie: "lang=en" },
  });
  assertStringIncludes(await en.text(), "A lighter copy could not be made");
});
