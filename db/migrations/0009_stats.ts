/**
 * 0009 — trainer statistics: the learner's permission to show their diary to
 * the course's trainer, and the indexes the statistics queries read through.
 *
 * - `user_courses.diary_shared`: off by default; a diary is private until the
 *   learner turns it on for that course.
 * - `user_steps (user_training_id) INCLUDE (...)`: the per-course statistics
 *   aggregate every progress row of a course's trainings (completions per
 *   step, activity by weekday and hour); reached from
 *   `user_trainings_day_on_course_idx`, this index answers them from the
 *   index alone instead of visiting each row of user_steps.
 * - `user_trainings (day_on_course_id) INCLUDE (...)`: the same for the
 *   per-day numbers (status, timestamps for the median time per day).
 * - `user_courses (course_id, username order)` needs nothing new: the
 *   learner list joins users by primary key after `user_courses_course_idx`.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `ALTER TABLE user_courses ADD COLUMN diary_shared boolean NOT NULL DEFAULT false`,
  `CREATE INDEX user_steps_training_stats_idx ON user_steps (user_training_id)
     INCLUDE (step_on_day_id, status, completed_at, updated_at)`,
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
