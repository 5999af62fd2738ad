/**
 * `exam-cleanup`, on local storage and on S3 (s3rver): with the clock moved
 * on (fake Date), approved exams lose their video 30 days after the review,
 * pending ones 90 days after sending, returned ones 90 days after the
 * return (not after sending) — the original AND the review copy really gone from storage
 * (listed), the exam keeping a note both pages show. A rerun deletes
 * nothing and does not fail on files already gone; the maintenance sweep
 * keeps live exams' copies.
 */
import FakeTimers from "@sinonjs/fake-timers";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type Session, signIn } from "../helpers/session.ts";
import { startS3 } from "../storage/s3_server.ts";
import {
  act,
  type CourseFixture,
  dayUrl,
  makeCourse,
  openDayAs,
  stepApi,
} from "../training/helpers.ts";
import { makeVideo } from "../training/videos.ts";
import { approveExam, returnExam } from "@/core/training/exams.ts";
import { studioExamPath } from "@/core/paths.ts";
import { examReviewKey } from "@/core/video/exam.ts";
import type { ExamCleanupResult } from "@/core/video/exam_cleanup.ts";

const DAY = 24 * 3600_000;

async function sendVideo(t: TestApp, learner: Session, c: CourseFixture) {
  const [exam] = await openDayAs(t, learner, c);
  const up = await learner.fetch(stepApi(exam, "video"), {
    method: "POST",
    headers: { "content-type": "video/mp4" },
    body: await makeVideo("mp4"),
  });
  assertEquals(up.status, 200);
  const { key } = await up.json() as { key: string };
  assertEquals((await act(learner, exam, "exam", { videoKey: key })).status, 200);
  return await t.services.db.selectFrom("exam_results").select(["id", "video_key"])
    .where("user_step_id", "=", exam).executeTakeFirstOrThrow();
}

/**
 * Runs the cleanup job through the runtime as if `days` had passed since the
 * exams were sent and reviewed. Local storage: the wall clock moves (a fake
 * Date). S3 signs each request with the time and the server refuses a skewed
 * one, so there the exams' own times move back instead.
 */
async function cleanupAt(t: TestApp, days: number, batchSize?: number) {
  const { db } = t.services;
  let clock: ReturnType<typeof FakeTimers.install> | null = null;
  if (t.services.storage.kind === "local") {
    clock = FakeTimers.install({
      now: Date.now() + days * DAY,
      toFake: ["Date"],
      shouldAdvanceTime: true,
    });
  } else {
    for (const [id, at] of sentAt) {
      const back = (d: Date | null) => d && new Date(d.getTime() - days * DAY);
      await db.updateTable("exam_results")
        .set({ submitted_at: back(at.submitted)!, reviewed_at: back(at.reviewed) })
        .where("id", "=", id).execute();
    }
  }
  try {
    const id = await t.services.jobs.enqueue("exam-cleanup", batchSize ? { batchSize } : {});
    await t.services.jobs.drain({ timeoutMs: 30_000 });
    const info = (await t.services.jobs.get(id))!;
    assertEquals(info.state, "done", JSON.stringify(info.lastError));
    return info.result as ExamCleanupResult;
  } finally {
    clock?.uninstall();
  }
}

/** The exams' real times (S3 runs shift them from these). */
const sentAt = new Map<string, { submitted: Date; reviewed: Date | null }>();

async function recordTimes(t: TestApp) {
  sentAt.clear();
  const rows = await t.services.db.selectFrom("exam_results")
    .select(["id", "submitted_at", "reviewed_at"]).execute();
  for (const r of rows) sentAt.set(r.id, { submitted: r.submitted_at, reviewed: r.reviewed_at });
}

function filesOf(t: TestApp, videoKey: string) {
  const prefix = videoKey.slice(0, videoKey.lastIndexOf("/") + 1);
  return t.services.storage.list(prefix).then((l) => l.map((o) => o.key).sort());
}

function rowOf(t: TestApp, id: string) {
  return t.services.db.selectFrom("exam_results")
    .select(["video_deleted_at", "video_delete_reason", "video_review_key", "video_key"])
    .where("id", "=", id).executeTakeFirstOrThrow();
}

for (const backend of ["local", "s3"] as const) {
  Deno.test(`exam-cleanup (${backend}): by age and status, originals and review copies really gone, notes shown, rerun harmless`, async () => {
    await using s3 = backend === "s3" ? await startS3() : null;
    await using t = await openTestApp(s3?.env ?? {});
    assertEquals(t.services.storage.kind, backend);
    const c = await makeCourse(t, {
      author: "coach_a",
      days: [{ steps: [{ type: "EXAMINATION", title: "Видеоэкзамен", requiresVideo: true }] }],
    });
    const coach = await signIn(t, "coach_a");
    const trainer = { id: coach.id, role: coach.role };
    const approvedBy = await signIn(t, "pupil_approved");
    const pendingBy = await signIn(t, "pupil_pending");
    const returnedBy = await signIn(t, "pupil_returned");
    const approved = await sendVideo(t, approvedBy, c);
    const pending = await sendVideo(t, pendingBy, c);
    const returned = await sendVideo(t, returnedBy, c);
    await approveExam(t.services, trainer, approved.id);
    await returnExam(t.services, trainer, returned.id, { comment: "Снимите ближе" });
    // Sent long ago but returned only now: kept as long as an open exam, counted from the return.
    const lateBy = await signIn(t, "pupil_late");
    const late = await sendVideo(t, lateBy, c);
    await returnExam(t.services, trainer, late.id, { comment: "Ещё раз" });
    await t.services.db.updateTable("exam_results")
      .set({ submitted_at: new Date(Date.now() - 100 * DAY) }).where("id", "=", late.id).execute();

    await recordTimes(t);

    // The review copies are made by the real job (tiny clips: fast).
    t.services.jobs.start();
    await t.services.jobs.drain({ timeoutMs: 60_000 });
    for (const e of [approved, pending, returned, late]) {
      assertEquals(
        await filesOf(t, e.video_key!),
        [e.video_key!, examReviewKey(e.video_key!)].sort(),
        "original and copy stored",
      );
    }

    // The orphan sweep knows the copies as referenced: it keeps every live file.
    const sweep = await t.services.jobs.enqueue("maintenance", { orphanMinAgeMs: 0 });
    await t.services.jobs.drain({ timeoutMs: 30_000 });
    assertEquals((await t.services.jobs.get(sweep))?.state, "done");
    for (const e of [approved, pending, returned]) {
      assertEquals((await filesOf(t, e.video_key!)).length, 2, "maintenance kept live exam files");
    }

    // 29 days on: nothing is due.
    assertEquals(await cleanupAt(t, 29), {
      approved: 0,
      pending: 0,
      returned: 0,
      files: 0,
      batches: 0,
    });

    // 31 days on: the approved exam's video goes, original and copy; the open ones stay.
    const first = await cleanupAt(t, 31);
    assertEquals([first.approved, first.pending, first.returned, first.files], [1, 0, 0, 2]);
    assertEquals(await filesOf(t, approved.video_key!), []);
    const a = await rowOf(t, approved.id);
    assertEquals([a.video_delete_reason, a.video_review_key], ["auto_cleanup_approved", null]);
    if (backend === "local") {
      assert(a.video_deleted_at && a.video_deleted_at.getTime() > Date.now() + 30 * DAY);
    }
    assertEquals(a.video_key, approved.video_key, "the exam remembers it had a video");
    for (const e of [pending, returned, late]) {
      assertEquals((await filesOf(t, e.video_key!)).length, 2, "open exams keep their video");
    }

    // 91 days on, one row per batch: the pending and the returned ones go too.
    const second = await cleanupAt(t, 91, 1);
    assertEquals([second.approved, second.pending, second.returned, second.files], [0, 1, 2, 6]);
    assert(second.batches >= 2, `batches: ${second.batches}`);
    for (const e of [approved, pending, returned, late]) {
      assertEquals(await filesOf(t, e.video_key!), [], "nothing left in storage");
    }
    assertEquals(await t.services.storage.list("exams/"), []);
    assertEquals((await rowOf(t, pending.id)).video_delete_reason, "auto_cleanup_pending");
    assertEquals((await rowOf(t, returned.id)).video_delete_reason, "auto_cleanup_pending");

    // A rerun finds nothing; a row left unmarked by a crash after its files went is finished
    // without an error and without deleting anything.
    assertEquals((await cleanupAt(t, 92)).files, 0);
    await t.services.db.updateTable("exam_results")
      .set({ video_deleted_at: null, video_delete_reason: null })
      .where("id", "=", approved.id).execute();
    const rerun = await cleanupAt(t, 92);
    assertEquals([rerun.approved, rerun.files], [1, 0]);

    // The job is on the queue status page like the others.
    const admin = await signIn(t, "root", "ADMIN");
    const ops = await admin.fetch("/ops/queues/exam-cleanup");
    assertEquals(ops.status, 200);
    assertStringIncludes(await ops.text(), "exam-cleanup");

    // The notes: the trainer's review page and the learner's exam.
    const review = await (await coach.fetch(studioExamPath(approved.id))).text();
    assertStringIncludes(review, "data-video-removed");
    assertStringIncludes(review, "после одобрения экзамена видео хранится 30\u00a0дней");
    assert(!review.includes("<video"), "no player for a removed video");
    const pendingReview = await (await coach.fetch(studioExamPath(pending.id))).text();
    assertStringIncludes(pendingReview, "без итоговой проверки хранится 90\u00a0дней");
    const day = await (await pendingBy.fetch(dayUrl(c))).text();
    assertStringIncludes(day, "Отправленное видео удалено: истёк срок его хранения.");
  });
}
