/**
 * 0010 — personalised courses.
 *
 * `courses.personalised`: the course asks each learner, once, for their
 * name, gender and their pet's name (with its Russian cases), which step and
 * day texts then use through placeholders (core/personalisation/). The
 * answers are per learner and course (`course_personalisation`). Deleting
 * the pet keeps the answers (the name was copied): `pet_id` is only where
 * the name came from.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `ALTER TABLE courses ADD COLUMN personalised boolean NOT NULL DEFAULT false`,
  `CREATE TABLE course_personalisation (
     user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     course_id    text NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
     learner_name text NOT NULL CHECK (length(learner_name) BETWEEN 1 AND 60),
     gender       text NOT NULL CHECK (gender IN ('male', 'female')),
     pet_id       text REFERENCES pets (id) ON DELETE SET NULL,
     pet_name     text NOT NULL CHECK (length(pet_name) BETWEEN 1 AND 50),
     pet_gender   text CHECK (pet_gender IN ('male', 'female')),
     pet_cases    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(pet_cases) = 'object'),
     created_at   timestamptz NOT NULL DEFAULT now(),
     updated_at   timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (user_id, course_id)
   )`,
  // Course deletion cascades through this index instead of a scan.
  `CREATE INDEX course_personalisation_course_idx ON course_personalisation (course_id)`,
  `CREATE INDEX course_personalisation_pet_idx ON course_personalisation (pet_id)`,
  `CREATE TRIGGER course_personalisation_touch_updated_at BEFORE UPDATE ON course_personalisation
     FOR EACH ROW EXECUTE FUNCTION gafus_touch_updated_at()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE course_personalisation`).execute(db);
  await sql.raw(`ALTER TABLE courses DROP COLUMN personalised`).execute(db);
}
