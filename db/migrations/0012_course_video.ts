/**
 * 0012 — a course's presentation video.
 *
 * `courses.video_id`: an uploaded video (the trainer's library) shown on the
 * course page. RESTRICT like `steps.video_id`: a video a course shows cannot
 * be deleted from under it (the library refuses and names the course).
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `ALTER TABLE courses ADD COLUMN video_id text REFERENCES videos (id) ON DELETE RESTRICT`,
  // The library's "who uses this video" and the RESTRICT check look it up.
  `CREATE INDEX courses_video_idx ON courses (video_id) WHERE video_id IS NOT NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER TABLE courses DROP COLUMN video_id`).execute(db);
}
