/**
 * 0009 — trainer statistics: the learner's permission to show their diary to
 * the course's trainer, and the indexes the statistics queries read through.
 *
 * - `user_courses.diary_shared`: off by default; a diary is private until the
 *   learner turns it on for that course.
 * - Covering indexes for the per-course aggregates. A course's trainings
 *   are found by `user_trainings_day_on_course_idx`; its progress rows by
 *   `user_steps (user_training_id)` including what the funnel and the
 *   activity read, and the per-day numbers by `user_trainings
 *   (day_on_course_id)` including status and timestamps: on a database of
 *   many courses both are index-only scans, never a visit to each row (see
 *   the plans in bench/stats.ts). Where one course is most of the table, the
 *   planner rightly reads the table instead. `updated_at` stays out: the
 *   trigger changes it on every update, and no statistic on the page needs it.
 * - The learner list needs nothing new: `user_courses_course_idx`, then
 *   users by primary key.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `ALTER TABLE user_courses ADD COLUMN diary_shared boolean NOT NULL DEFAULT false`,
  `CREATE INDEX user_steps_training_stats_idx ON user_steps (user_training_id)
     INCLUDE (step_on_day_id, status, completed_at)`,
  `CREATE INDEX user_trainings_day_stats_idx ON user_trainings (day_on_course_id)
     INCLUDE (id, user_id, status, started_at, completed_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP INDEX user_trainings_day_stats_idx`).execute(db);
  await sql.raw(`DROP INDEX user_steps_training_stats_idx`).execute(db);
  await sql.raw(`ALTER TABLE user_courses DROP COLUMN diary_shared`).execute(db);
}
