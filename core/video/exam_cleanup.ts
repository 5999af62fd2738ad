/**
 * The daily `exam-cleanup`: learners' exam videos are kept only as long as
 * a review needs them (config `examVideoRetention`).
 *
 * - APPROVED: `approvedDays` (30) after the review — the verdict is final.
 * - PENDING: `pendingDays` (90) after sending — nobody reviewed it by then.
 * - RETURNED: like pending, counted from the return: the learner may still
 *   send the answers again with the same video, so it is kept as long as an
 *   open exam's. (A new video replaces the old one at once, core/training/exams.ts.)
 *
 * Every stored file of the video goes — the original and the review copy,
 * by their exact keys, whatever their name looks like — and then the row
 * keeps `video_deleted_at` and the reason, so both pages can say the video
 * was removed. Files first, row second: a crash in between leaves the row
 * to be found again, and deleting a missing file is no error, so a rerun
 * finishes the work and deletes nothing twice. Work goes in batches (keyset
 * by id), each row committed on its own, so a backlog never holds one long
 * transaction. A copy published by a preview job racing with this lands on
 * a removed row; the maintenance sweep (which only counts live rows' files
 * as referenced) removes it.
 */
import type { Services } from "../services.ts";
import type { ExamVideoDeleteReason } from "@/db/schema.ts";
import { examVideoFiles } from "./exam.ts";

const DAY = 24 * 3600_000;

export const CLEANUP_BATCH = 200;

export interface ExamCleanupResult {
  /** Exams whose video was removed, by status. */
  approved: number;
  pending: number;
  returned: number;
  /** Stored files that existed and were deleted. */
  files: number;
  batches: number;
}

export interface ExamCleanupOptions {
  now?: Date;
  batchSize?: number;
  signal?: AbortSignal;
}

/** Removes the exam videos past their retention; see the module comment. */
export async function cleanupExamVideos(
  s: Services,
  opts: ExamCleanupOptions = {},
): Promise<ExamCleanupResult> {
  const now = opts.now ?? new Date();
  const batchSize = opts.batchSize ?? CLEANUP_BATCH;
  const { approvedDays, pendingDays } = s.config.examVideoRetention;
  const approvedBefore = new Date(now.getTime() - approvedDays * DAY);
  const openBefore = new Date(now.getTime() - pendingDays * DAY);
  const result: ExamCleanupResult = { approved: 0, pending: 0, returned: 0, files: 0, batches: 0 };
  let after = "";
  for (;;) {
    opts.signal?.throwIfAborted();
    const rows = await s.db.selectFrom("exam_results")
      .select(["id", "status", "video_key", "video_review_key"])
      .where("video_key", "is not", null)
      .where("video_deleted_at", "is", null)
      .where("id", ">", after)
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "APPROVED"), eb("reviewed_at", "<", approvedBefore)]),
          eb.and([eb("status", "=", "PENDING"), eb("submitted_at", "<", openBefore)]),
          eb.and([
            eb("status", "=", "RETURNED"),
            eb(eb.fn.coalesce("reviewed_at", "submitted_at"), "<", openBefore),
          ]),
        ])
      )
      .orderBy("id").limit(batchSize).execute();
    if (rows.length === 0) break;
    result.batches++;
    for (const row of rows) {
      opts.signal?.throwIfAborted();
      const videoKey = row.video_key!;
      for (const key of examVideoFiles(videoKey, row.video_review_key)) {
        if (!(await s.storage.head(key))) continue;
        await s.storage.delete(key);
        result.files++;
      }
      const reason: ExamVideoDeleteReason = row.status === "APPROVED"
        ? "auto_cleanup_approved"
        : "auto_cleanup_pending";
      // Only the video this run deleted: a resubmission meanwhile brought a new one.
      const done = await s.db.updateTable("exam_results")
        .set({
          video_deleted_at: now,
          video_delete_reason: reason,
          video_review_key: null,
          video_review_status: null,
          video_review_error: null,
        })
        .where("id", "=", row.id).where("video_key", "=", videoKey)
        .where("video_deleted_at", "is", null)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) > 0) {
        if (row.status === "APPROVED") result.approved++;
        else if (row.status === "PENDING") result.pending++;
        else result.returned++;
      }
    }
    after = rows[rows.length - 1].id;
    if (rows.length < batchSize) break;
  }
  return result;
}
