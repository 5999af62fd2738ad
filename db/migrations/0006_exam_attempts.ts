/**
 * 0006 — the history of exam attempts.
 *
 * `exam_results` holds one row per learner step: the latest answers, upserted
 * when the learner sends again. Before an answer that a trainer returned is
 * replaced, submitExam copies it here, so the trainer sees every earlier
 * attempt (answers, score, verdict and comment) next to the current one.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(
    `CREATE TABLE exam_attempts (
       id              text PRIMARY KEY DEFAULT gen_random_uuid()::text,
       exam_result_id  text NOT NULL REFERENCES exam_results (id) ON DELETE CASCADE,
       user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       step_id         text NOT NULL REFERENCES steps (id) ON DELETE RESTRICT,
       test_answers    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(test_answers) = 'object'),
       test_score      integer CHECK (test_score >= 0),
       test_max_score  integer CHECK (test_max_score >= 0),
       written_answer  text CHECK (length(written_answer) <= 10000),
       had_video       boolean NOT NULL DEFAULT false,
       status          text NOT NULL CHECK (status IN ('APPROVED', 'RETURNED')),
       trainer_comment text CHECK (length(trainer_comment) <= 2000),
       reviewed_at     timestamptz,
       reviewed_by     text REFERENCES users (id) ON DELETE SET NULL,
       submitted_at    timestamptz NOT NULL,
       created_at      timestamptz NOT NULL DEFAULT now()
     )`,
  ).execute(db);
  await sql.raw(
    `CREATE INDEX exam_attempts_result_idx ON exam_attempts (exam_result_id, submitted_at)`,
  ).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE exam_attempts`).execute(db);
}
