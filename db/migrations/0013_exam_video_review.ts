/**
 * 0013 — a small copy of each exam video for the trainer's review page
 * (core/video/exam.ts makes it in the `video-transcoding` queue).
 *
 * - `video_review_status`: PENDING (waiting for its job), READY, FAILED;
 *   null when the exam has no video. Existing videos start PENDING so the
 *   job's sweeper makes their copies too.
 * - `video_review_key`: the copy, next to the original, set only once the
 *   file is stored (a half-made copy is never named).
 * - `video_review_error`: why the copy failed (`corrupt`, `timeout`,
 *   `ffmpeg`, `tooLong`, `missing`, optionally `: detail`); the original is
 *   still offered.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `ALTER TABLE exam_results ADD COLUMN video_review_key text`,
  `ALTER TABLE exam_results ADD COLUMN video_review_status text
     CHECK (video_review_status IN ('PENDING', 'READY', 'FAILED'))`,
  `ALTER TABLE exam_results ADD COLUMN video_review_error text
     CHECK (length(video_review_error) <= 500)`,
  `UPDATE exam_results SET video_review_status = 'PENDING'
     WHERE video_key IS NOT NULL AND video_deleted_at IS NULL`,
  // The job's sweeper: copies still to make.
  `CREATE INDEX exam_results_review_pending_idx ON exam_results (id)
     WHERE video_review_status = 'PENDING' AND video_deleted_at IS NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP INDEX exam_results_review_pending_idx`).execute(db);
  for (const col of ["video_review_error", "video_review_status", "video_review_key"]) {
    await sql.raw(`ALTER TABLE exam_results DROP COLUMN ${col}`).execute(db);
  }
}
