/**
 * 0001 — the core schema: identity, pets, content, progress, media,
 * notifications and error tracking.
 *
 * Conventions (hold for every later migration too):
 * - Ids are `text`. The app issues UUIDv7 strings with `newId()` (core/ids.ts);
 *   `gen_random_uuid()::text` is only a fallback for rows written by hand.
 * - Timestamps are `timestamptz`; calendar dates (birth dates) are `date` and
 *   reach JS as the string `YYYY-MM-DD`.
 * - Enumerations are `text` + CHECK, so adding a value is a one-line
 *   constraint swap rather than an `ALTER TYPE`, and both drivers see strings.
 * - `updated_at` is maintained by the trigger `gafus_touch_updated_at`: code
 *   never has to remember it (an explicit value in the UPDATE wins).
 *
 * Delete rules, in short (details next to each table):
 * - Deleting a user deletes what belongs to that user (profile, pets, tokens,
 *   progress, subscriptions, notifications …) by CASCADE.
 * - Content (courses, days, steps, videos) is RESTRICT towards its author and
 *   towards every progress row that points at it: deleting content that a
 *   learner has progress on FAILS, and the app archives it (`archived_at`)
 *   instead. Nothing a learner did is ever erased by an edit in the studio.
 * - "Who did it" references (granted_by, reviewed_by, resolved_by) are SET NULL.
 *
 * Written in PostgreSQL 15 syntax; PGlite (PostgreSQL 18) runs the same text.
 * Each statement is executed on its own: the extended query protocol used by
 * both drivers accepts one statement per call.
 */
import { type Kysely, sql } from "kysely";

const UP: string[] = [
  // ---------------------------------------------------------------- helpers
  `CREATE FUNCTION gafus_touch_updated_at() RETURNS trigger
     LANGUAGE plpgsql AS $$
   BEGIN
     -- Keep an updated_at the statement set on purpose; otherwise stamp now().
     IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
       NEW.updated_at := now();
     END IF;
     RETURN NEW;
   END $$`,

  // Small key/value store for the app itself (seed marker, one-off flags).
  `CREATE TABLE app_meta (
     key        text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
     value      jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,

  // --------------------------------------------------------------- identity
  `CREATE TABLE users (
     id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     -- Lower case only, so a plain UNIQUE is case-insensitive in practice.
     username         text NOT NULL UNIQUE
                      CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9_]{3,32}$'),
     email            text CHECK (email IS NULL OR (length(email) <= 254 AND position('@' IN email) > 1)),
     password_hash    text NOT NULL,
     role             text NOT NULL DEFAULT 'USER'
                      CHECK (role IN ('USER', 'TRAINER', 'MODERATOR', 'ADMIN')),
     locale           text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
     time_zone        text NOT NULL DEFAULT 'Europe/Moscow' CHECK (length(time_zone) BETWEEN 1 AND 64),
     telegram_chat_id bigint UNIQUE,
     -- Carried in the session token; bumping it revokes every session.
     session_version  integer NOT NULL DEFAULT 1 CHECK (session_version >= 1),
     disabled_at      timestamptz,
     last_login_at    timestamptz,
     created_at       timestamptz NOT NULL DEFAULT now(),
     updated_at       timestamptz NOT NULL DEFAULT now()
   )`,
  // Emails compare case-insensitively; NULL (no email) is allowed many times.
  `CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email)) WHERE email IS NOT NULL`,

  `CREATE TABLE user_profiles (
     user_id    text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
     full_name  text CHECK (length(full_name) <= 120),
     about      text CHECK (length(about) <= 2000),
     birth_date date CHECK (birth_date >= DATE '1900-01-01'),
     telegram   text CHECK (length(telegram) <= 64),
     instagram  text CHECK (length(instagram) <= 64),
     website    text CHECK (length(website) <= 300),
     avatar_key text CHECK (length(avatar_key) <= 500),
     -- Private by default; registration sets it when the PUBLIC_PROFILE consent is given.
     is_public  boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,

  // Consent log: append-only, one row per acceptance (a new version = a new row).
  `CREATE TABLE consents (
     id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     type        text NOT NULL CHECK (type IN ('PERSONAL_DATA', 'PRIVACY_POLICY', 'PUBLIC_PROFILE')),
     version     text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
     accepted_at timestamptz NOT NULL DEFAULT now(),
     ip          text CHECK (length(ip) <= 64),
     user_agent  text CHECK (length(user_agent) <= 1000)
   )`,
  `CREATE INDEX consents_user_type_idx ON consents (user_id, type, accepted_at DESC)`,

  // Only a hash of the token is stored: a database leak does not leak live links.
  `CREATE TABLE password_reset_tokens (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     token_hash text NOT NULL UNIQUE,
     expires_at timestamptz NOT NULL,
     used_at    timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id, created_at DESC)`,
  `CREATE INDEX password_reset_tokens_expires_idx ON password_reset_tokens (expires_at)`,

  `CREATE TABLE telegram_link_tokens (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     token_hash text NOT NULL UNIQUE,
     expires_at timestamptz NOT NULL,
     used_at    timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX telegram_link_tokens_user_idx ON telegram_link_tokens (user_id)`,
  `CREATE INDEX telegram_link_tokens_expires_idx ON telegram_link_tokens (expires_at)`,

  // ------------------------------------------------------------------- pets
  `CREATE TABLE pets (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     owner_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 50),
     type       text NOT NULL DEFAULT 'DOG' CHECK (type IN ('DOG', 'CAT')),
     breed      text CHECK (length(breed) <= 50),
     birth_date date CHECK (birth_date >= DATE '1990-01-01'),
     height_cm  double precision CHECK (height_cm > 0 AND height_cm <= 200),
     weight_kg  double precision CHECK (weight_kg > 0 AND weight_kg <= 200),
     notes      text CHECK (length(notes) <= 500),
     photo_key  text CHECK (length(photo_key) <= 500),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX pets_owner_idx ON pets (owner_id, created_at)`,

  // ------------------------------------------------------------------ media
  // Videos are content: the owner is RESTRICT because the files live in
  // storage and must be removed by the app (a CASCADE would orphan them).
  `CREATE TABLE videos (
     id             text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     owner_id       text NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
     original_name  text NOT NULL CHECK (length(original_name) BETWEEN 1 AND 255),
     display_name   text CHECK (length(display_name) <= 200),
     mime_type      text NOT NULL CHECK (length(mime_type) <= 100),
     size_bytes     bigint NOT NULL CHECK (size_bytes >= 0),
     duration_sec   integer CHECK (duration_sec >= 0),
     width          integer CHECK (width > 0),
     height         integer CHECK (height > 0),
     status         text NOT NULL DEFAULT 'PENDING'
                    CHECK (status IN ('PENDING', 'PROCESSING', 'READY', 'FAILED')),
     progress       smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
     error          text,
     source_key     text,
     hls_prefix     text,
     renditions     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(renditions) = 'array'),
     thumbnail_key  text,
     -- Per-video AES-128 key for HLS segment encryption (hex); served only
     -- through the access-checked key endpoint.
     encryption_key text,
     transcoded_at  timestamptz,
     created_at     timestamptz NOT NULL DEFAULT now(),
     updated_at     timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX videos_owner_idx ON videos (owner_id, created_at DESC)`,
  `CREATE INDEX videos_unfinished_idx ON videos (created_at) WHERE status IN ('PENDING', 'PROCESSING')`,

  // ---------------------------------------------------------------- content
  `CREATE TABLE courses (
     id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     slug              text NOT NULL UNIQUE
                       CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
     name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
     short_description text NOT NULL DEFAULT '' CHECK (length(short_description) <= 300),
     description       text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
     equipment         text NOT NULL DEFAULT '' CHECK (length(equipment) <= 2000),
     level             text NOT NULL DEFAULT 'BEGINNER'
                       CHECK (level IN ('BEGINNER', 'INTERMEDIATE', 'ADVANCED', 'EXPERT')),
     duration          text CHECK (length(duration) <= 60),
     logo_key          text CHECK (length(logo_key) <= 500),
     video_url         text CHECK (length(video_url) <= 500),
     access            text NOT NULL DEFAULT 'PUBLIC' CHECK (access IN ('PUBLIC', 'PRIVATE')),
     show_in_profile   boolean NOT NULL DEFAULT true,
     published_at      timestamptz,            -- NULL = draft
     archived_at       timestamptz,            -- hidden from new learners, kept for old ones
     avg_rating        double precision CHECK (avg_rating BETWEEN 1 AND 5),
     review_count      integer NOT NULL DEFAULT 0 CHECK (review_count >= 0),
     -- A course cannot lose its author silently: reassign or delete the course first.
     author_id         text NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
     created_at        timestamptz NOT NULL DEFAULT now(),
     updated_at        timestamptz NOT NULL DEFAULT now()
   )`,
  // The catalogue: published, public, not archived, newest first.
  `CREATE INDEX courses_catalogue_idx ON courses (published_at DESC)
     WHERE access = 'PUBLIC' AND published_at IS NOT NULL AND archived_at IS NULL`,
  `CREATE INDEX courses_author_idx ON courses (author_id, created_at DESC)`,

  // Days are reusable across courses (and steps across days).
  `CREATE TABLE training_days (
     id                            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     title                         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
     description                   text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
     equipment                     text NOT NULL DEFAULT '' CHECK (length(equipment) <= 2000),
     type                          text NOT NULL DEFAULT 'regular'
                                   CHECK (type IN ('regular', 'introduction', 'instructions', 'diagnostics', 'summary')),
     -- Completion in any course counts in every course that uses this day.
     share_progress_across_courses boolean NOT NULL DEFAULT false,
     show_course_path_export       boolean NOT NULL DEFAULT false,
     author_id                     text NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
     archived_at                   timestamptz,
     created_at                    timestamptz NOT NULL DEFAULT now(),
     updated_at                    timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX training_days_author_idx ON training_days (author_id, created_at DESC)`,

  `CREATE TABLE steps (
     id                        text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     title                     text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
     description               text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
     type                      text NOT NULL
                               CHECK (type IN ('TRAINING', 'BREAK', 'THEORY', 'PRACTICE', 'DIARY', 'EXAMINATION')),
     -- Timer length: required (1..6000 s) for TRAINING and BREAK, absent otherwise.
     duration_sec              integer,
     estimated_duration_sec    integer CHECK (estimated_duration_sec BETWEEN 1 AND 86400),
     video_url                 text CHECK (length(video_url) <= 500),  -- external embed
     -- RESTRICT: a video used by a step cannot vanish from under it.
     video_id                  text REFERENCES videos (id) ON DELETE RESTRICT,
     images                    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(images) = 'array'),
     pdfs                      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(pdfs) = 'array'),
     -- Test questions of an EXAMINATION: [{id, question, options[], correctIndex, comment?}].
     checklist                 jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(checklist) = 'array'),
     requires_video_report     boolean NOT NULL DEFAULT false,
     requires_written_feedback boolean NOT NULL DEFAULT false,
     pass_percent              smallint NOT NULL DEFAULT 70 CHECK (pass_percent BETWEEN 0 AND 100),
     author_id                 text NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
     archived_at               timestamptz,
     created_at                timestamptz NOT NULL DEFAULT now(),
     updated_at                timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT steps_timer_duration CHECK (
       CASE WHEN type IN ('TRAINING', 'BREAK')
            THEN duration_sec IS NOT NULL AND duration_sec BETWEEN 1 AND 6000
            ELSE duration_sec IS NULL END),
     -- An exam must ask for something: a test, a written answer or a video.
     CONSTRAINT steps_exam_has_task CHECK (
       type <> 'EXAMINATION' OR requires_video_report OR requires_written_feedback
       OR jsonb_array_length(checklist) > 0),
     CONSTRAINT steps_one_video CHECK (video_url IS NULL OR video_id IS NULL)
   )`,
  `CREATE INDEX steps_author_idx ON steps (author_id, created_at DESC)`,
  `CREATE INDEX steps_video_idx ON steps (video_id) WHERE video_id IS NOT NULL`,

  // Ordered joins. Removing a day from a course / a step from a day in the
  // studio archives the link when a learner has progress on it (the progress
  // rows reference the link with RESTRICT).
  //
  // Position is unique among the non-archived links of a parent. This is an
  // exclusion constraint rather than a partial unique index because it can be
  // DEFERRABLE: a single UPDATE that swaps or shifts positions is checked at
  // the end of the statement, and a multi-statement reorder can run after
  // `SET CONSTRAINTS day_on_course_position_excl DEFERRED` in its transaction.
  // (A unique index is checked row by row, so a swap would fail midway.)
  // The parent side is CASCADE (a course owns its list of days); the child
  // side is RESTRICT (a day still used by a course cannot be deleted).
  `CREATE TABLE day_on_course (
     id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     course_id   text NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
     day_id      text NOT NULL REFERENCES training_days (id) ON DELETE RESTRICT,
     position    integer NOT NULL CHECK (position >= 0),
     archived_at timestamptz,
     created_at  timestamptz NOT NULL DEFAULT now(),
     updated_at  timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT day_on_course_position_excl EXCLUDE USING btree (course_id WITH =, position WITH =)
       WHERE (archived_at IS NULL) DEFERRABLE INITIALLY IMMEDIATE
   )`,
  `CREATE INDEX day_on_course_day_idx ON day_on_course (day_id)`,

  `CREATE TABLE step_on_day (
     id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     day_id      text NOT NULL REFERENCES training_days (id) ON DELETE CASCADE,
     step_id     text NOT NULL REFERENCES steps (id) ON DELETE RESTRICT,
     position    integer NOT NULL CHECK (position >= 0),
     archived_at timestamptz,
     created_at  timestamptz NOT NULL DEFAULT now(),
     updated_at  timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT step_on_day_position_excl EXCLUDE USING btree (day_id WITH =, position WITH =)
       WHERE (archived_at IS NULL) DEFERRABLE INITIALLY IMMEDIATE
   )`,
  `CREATE INDEX step_on_day_step_idx ON step_on_day (step_id)`,

  `CREATE TABLE step_categories (
     id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     name        text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
     description text CHECK (length(description) <= 1000),
     icon        text CHECK (length(icon) <= 64),
     position    integer NOT NULL DEFAULT 0,
     created_at  timestamptz NOT NULL DEFAULT now(),
     updated_at  timestamptz NOT NULL DEFAULT now()
   )`,

  // The template library: the content fields of a step. Creating a step from
  // a template copies them, so templates can change or go without touching steps.
  `CREATE TABLE step_templates (
     id                        text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     category_id               text REFERENCES step_categories (id) ON DELETE SET NULL,
     title                     text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
     description               text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
     type                      text NOT NULL
                               CHECK (type IN ('TRAINING', 'BREAK', 'THEORY', 'PRACTICE', 'DIARY', 'EXAMINATION')),
     duration_sec              integer,
     estimated_duration_sec    integer CHECK (estimated_duration_sec BETWEEN 1 AND 86400),
     video_url                 text CHECK (length(video_url) <= 500),
     video_id                  text REFERENCES videos (id) ON DELETE RESTRICT,
     images                    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(images) = 'array'),
     pdfs                      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(pdfs) = 'array'),
     checklist                 jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(checklist) = 'array'),
     requires_video_report     boolean NOT NULL DEFAULT false,
     requires_written_feedback boolean NOT NULL DEFAULT false,
     pass_percent              smallint NOT NULL DEFAULT 70 CHECK (pass_percent BETWEEN 0 AND 100),
     tags                      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
     is_public                 boolean NOT NULL DEFAULT true,
     usage_count               integer NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
     -- The library outlives its editors.
     author_id                 text REFERENCES users (id) ON DELETE SET NULL,
     created_at                timestamptz NOT NULL DEFAULT now(),
     updated_at                timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT step_templates_timer_duration CHECK (
       CASE WHEN type IN ('TRAINING', 'BREAK')
            THEN duration_sec IS NOT NULL AND duration_sec BETWEEN 1 AND 6000
            ELSE duration_sec IS NULL END),
     CONSTRAINT step_templates_one_video CHECK (video_url IS NULL OR video_id IS NULL)
   )`,
  `CREATE INDEX step_templates_category_idx ON step_templates (category_id, title)`,

  // Who may open a PRIVATE course.
  `CREATE TABLE course_access (
     course_id  text NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     granted_by text REFERENCES users (id) ON DELETE SET NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (course_id, user_id)
   )`,
  `CREATE INDEX course_access_user_idx ON course_access (user_id)`,

  `CREATE TABLE favorites (
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     course_id  text NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (user_id, course_id)
   )`,
  `CREATE INDEX favorites_course_idx ON favorites (course_id)`,

  // A review is what a learner wrote: like progress, it blocks deleting the course.
  `CREATE TABLE course_reviews (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     course_id  text NOT NULL REFERENCES courses (id) ON DELETE RESTRICT,
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     rating     smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
     comment    text CHECK (length(comment) <= 2000),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (user_id, course_id)
   )`,
  `CREATE INDEX course_reviews_course_idx ON course_reviews (course_id, created_at DESC)`,

  // --------------------------------------------------------------- progress
  // Every progress row: user side CASCADE, content side RESTRICT.
  `CREATE TABLE user_courses (
     user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     course_id    text NOT NULL REFERENCES courses (id) ON DELETE RESTRICT,
     status       text NOT NULL DEFAULT 'NOT_STARTED'
                  CHECK (status IN ('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'RESET')),
     started_at   timestamptz,
     completed_at timestamptz,
     created_at   timestamptz NOT NULL DEFAULT now(),
     updated_at   timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (user_id, course_id)
   )`,
  `CREATE INDEX user_courses_course_idx ON user_courses (course_id, status)`,

  `CREATE TABLE user_trainings (
     id                 text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id            text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     day_on_course_id   text NOT NULL REFERENCES day_on_course (id) ON DELETE RESTRICT,
     status             text NOT NULL DEFAULT 'NOT_STARTED'
                        CHECK (status IN ('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'RESET')),
     current_step_index integer NOT NULL DEFAULT 0 CHECK (current_step_index >= 0),
     started_at         timestamptz,
     completed_at       timestamptz,
     created_at         timestamptz NOT NULL DEFAULT now(),
     updated_at         timestamptz NOT NULL DEFAULT now(),
     UNIQUE (user_id, day_on_course_id),
     -- Target of user_steps' composite key, which keeps user_steps.user_id honest.
     UNIQUE (id, user_id)
   )`,
  `CREATE INDEX user_trainings_day_on_course_idx ON user_trainings (day_on_course_id, status)`,

  `CREATE TABLE user_steps (
     id                  text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_training_id    text NOT NULL,
     step_on_day_id      text NOT NULL REFERENCES step_on_day (id) ON DELETE RESTRICT,
     -- Denormalised from user_trainings so one index can see all timers of a
     -- user; the composite key below guarantees it matches the training's user.
     user_id             text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     status              text NOT NULL DEFAULT 'NOT_STARTED'
                         CHECK (status IN ('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'RESET')),
     paused              boolean NOT NULL DEFAULT false,
     remaining_sec       integer CHECK (remaining_sec >= 0),
     timer_started_at    timestamptz,
     timer_ends_at       timestamptz,
     -- Seconds the timer really ran (pauses excluded), for statistics.
     active_seconds      integer NOT NULL DEFAULT 0 CHECK (active_seconds >= 0),
     notification_job_id text,
     completed_at        timestamptz,
     created_at          timestamptz NOT NULL DEFAULT now(),
     updated_at          timestamptz NOT NULL DEFAULT now(),
     UNIQUE (user_training_id, step_on_day_id),
     FOREIGN KEY (user_training_id, user_id) REFERENCES user_trainings (id, user_id) ON DELETE CASCADE
   )`,
  // At most one running timer per user, across all courses and devices: a
  // second start fails with a unique violation on this index.
  `CREATE UNIQUE INDEX user_steps_one_running_timer ON user_steps (user_id)
     WHERE status = 'IN_PROGRESS' AND NOT paused AND timer_ends_at IS NOT NULL`,
  `CREATE INDEX user_steps_step_on_day_idx ON user_steps (step_on_day_id)`,
  // Activity history (streaks, statistics, re-engagement "last activity").
  `CREATE INDEX user_steps_user_completed_idx ON user_steps (user_id, completed_at)
     WHERE completed_at IS NOT NULL`,

  `CREATE TABLE exam_results (
     id                  text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     -- The learner's own progress row; goes with it (e.g. when the user is deleted).
     user_step_id        text NOT NULL UNIQUE REFERENCES user_steps (id) ON DELETE CASCADE,
     step_id             text NOT NULL REFERENCES steps (id) ON DELETE RESTRICT,
     -- Denormalised course of the submission (the user_training's course), so
     -- the trainer's review queue is one index scan.
     course_id           text NOT NULL REFERENCES courses (id) ON DELETE RESTRICT,
     user_id             text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     test_answers        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(test_answers) = 'object'),
     test_score          integer CHECK (test_score >= 0),
     test_max_score      integer CHECK (test_max_score >= 0),
     written_answer      text CHECK (length(written_answer) <= 10000),
     video_key           text,
     video_deleted_at    timestamptz,
     video_delete_reason text CHECK (video_delete_reason IN
                         ('replaced', 'auto_cleanup_approved', 'auto_cleanup_pending', 'moderation')),
     status              text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'RETURNED')),
     trainer_comment     text CHECK (length(trainer_comment) <= 2000),
     reviewed_at         timestamptz,
     reviewed_by         text REFERENCES users (id) ON DELETE SET NULL,
     submitted_at        timestamptz NOT NULL DEFAULT now(),
     created_at          timestamptz NOT NULL DEFAULT now(),
     updated_at          timestamptz NOT NULL DEFAULT now(),
     CHECK (test_score IS NULL OR test_max_score IS NULL OR test_score <= test_max_score)
   )`,
  // The review queue: pending exams of a course, oldest first (join courses for the author).
  `CREATE INDEX exam_results_pending_idx ON exam_results (course_id, submitted_at) WHERE status = 'PENDING'`,
  `CREATE INDEX exam_results_course_idx ON exam_results (course_id, submitted_at DESC)`,
  `CREATE INDEX exam_results_user_idx ON exam_results (user_id, submitted_at DESC)`,
  `CREATE INDEX exam_results_step_idx ON exam_results (step_id)`,
  // Retention job: videos still stored.
  `CREATE INDEX exam_results_video_idx ON exam_results (updated_at)
     WHERE video_key IS NOT NULL AND video_deleted_at IS NULL`,

  // One entry per learner per day (upserted). The day is content: RESTRICT.
  `CREATE TABLE diary_entries (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     day_id     text NOT NULL REFERENCES training_days (id) ON DELETE RESTRICT,
     content    text NOT NULL CHECK (length(content) <= 10000),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (user_id, day_id)
   )`,
  `CREATE INDEX diary_entries_day_idx ON diary_entries (day_id)`,

  // Resume position. Not learning progress: deleting a video drops it.
  `CREATE TABLE video_progress (
     user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     video_id     text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
     position_sec integer NOT NULL DEFAULT 0 CHECK (position_sec >= 0),
     updated_at   timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (user_id, video_id)
   )`,
  `CREATE INDEX video_progress_video_idx ON video_progress (video_id)`,

  // ---------------------------------------------------------- notifications
  `CREATE TABLE push_subscriptions (
     id              text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     endpoint        text NOT NULL UNIQUE CHECK (length(endpoint) <= 2000),
     p256dh          text NOT NULL CHECK (length(p256dh) <= 200),
     auth            text NOT NULL CHECK (length(auth) <= 100),
     user_agent      text CHECK (length(user_agent) <= 1000),
     last_success_at timestamptz,
     failure_count   integer NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
     created_at      timestamptz NOT NULL DEFAULT now(),
     updated_at      timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id)`,

  // In-app notification feed (also the record of what was pushed).
  `CREATE TABLE notifications (
     id         text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     kind       text NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
     title      text NOT NULL CHECK (length(title) <= 200),
     body       text NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
     url        text CHECK (length(url) <= 1000),
     data       jsonb NOT NULL DEFAULT '{}',
     read_at    timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC)`,
  `CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at DESC) WHERE read_at IS NULL`,

  `CREATE TABLE reengagement_campaigns (
     id                   text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id              text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     level                smallint NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 4),
     status               text NOT NULL DEFAULT 'ACTIVE'
                          CHECK (status IN ('ACTIVE', 'RETURNED', 'FINISHED', 'UNSUBSCRIBED')),
     last_activity_at     timestamptz NOT NULL,
     next_notification_at timestamptz,
     returned_at          timestamptz,
     unsubscribed         boolean NOT NULL DEFAULT false,
     notifications_sent   integer NOT NULL DEFAULT 0 CHECK (notifications_sent >= 0),
     created_at           timestamptz NOT NULL DEFAULT now(),
     updated_at           timestamptz NOT NULL DEFAULT now()
   )`,
  // One running campaign per user.
  `CREATE UNIQUE INDEX reengagement_campaigns_active_key ON reengagement_campaigns (user_id)
     WHERE status = 'ACTIVE'`,
  `CREATE INDEX reengagement_campaigns_due_idx ON reengagement_campaigns (next_notification_at)
     WHERE status = 'ACTIVE'`,

  `CREATE TABLE reengagement_notifications (
     id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     campaign_id text NOT NULL REFERENCES reengagement_campaigns (id) ON DELETE CASCADE,
     level       smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
     variant_id  text NOT NULL CHECK (length(variant_id) <= 64),
     title       text NOT NULL CHECK (length(title) <= 200),
     body        text NOT NULL CHECK (length(body) <= 2000),
     url         text CHECK (length(url) <= 1000),
     sent_at     timestamptz,
     clicked_at  timestamptz,
     created_at  timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX reengagement_notifications_campaign_idx ON reengagement_notifications (campaign_id, created_at)`,
  `CREATE INDEX reengagement_notifications_sent_idx ON reengagement_notifications (sent_at) WHERE sent_at IS NOT NULL`,

  // ----------------------------------------------------------------- errors
  `CREATE TABLE error_groups (
     id            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     fingerprint   text NOT NULL UNIQUE CHECK (length(fingerprint) <= 128),
     source        text NOT NULL CHECK (source IN ('server', 'client', 'job', 'cron', 'bot')),
     type          text NOT NULL CHECK (length(type) <= 200),
     message       text NOT NULL CHECK (length(message) <= 2000),
     top_frame     text CHECK (length(top_frame) <= 1000),
     status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'resolved', 'ignored', 'regressed')),
     count         integer NOT NULL DEFAULT 1 CHECK (count >= 0),
     first_seen_at timestamptz NOT NULL DEFAULT now(),
     last_seen_at  timestamptz NOT NULL DEFAULT now(),
     resolved_at   timestamptz,
     resolved_by   text REFERENCES users (id) ON DELETE SET NULL,
     created_at    timestamptz NOT NULL DEFAULT now(),
     updated_at    timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX error_groups_status_idx ON error_groups (status, last_seen_at DESC)`,
  `CREATE INDEX error_groups_last_seen_idx ON error_groups (last_seen_at DESC)`,

  `CREATE TABLE error_reports (
     id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     group_id    text NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
     occurred_at timestamptz NOT NULL DEFAULT now(),
     message     text NOT NULL CHECK (length(message) <= 4000),
     stack       text CHECK (length(stack) <= 20000),
     url         text CHECK (length(url) <= 2000),
     user_agent  text CHECK (length(user_agent) <= 1000),
     -- Operational record, not the user's data: keep it, drop the link.
     user_id     text REFERENCES users (id) ON DELETE SET NULL,
     request_id  text CHECK (length(request_id) <= 100),
     release     text CHECK (length(release) <= 64),
     context     jsonb NOT NULL DEFAULT '{}'
   )`,
  `CREATE INDEX error_reports_group_idx ON error_reports (group_id, occurred_at DESC)`,
  `CREATE INDEX error_reports_occurred_idx ON error_reports (occurred_at)`,
  `CREATE INDEX error_reports_user_idx ON error_reports (user_id) WHERE user_id IS NOT NULL`,
];

/** Tables whose `updated_at` the trigger maintains. */
const TOUCHED = [
  "app_meta",
  "users",
  "user_profiles",
  "pets",
  "videos",
  "courses",
  "training_days",
  "steps",
  "day_on_course",
  "step_on_day",
  "step_categories",
  "step_templates",
  "course_reviews",
  "user_courses",
  "user_trainings",
  "user_steps",
  "exam_results",
  "diary_entries",
  "video_progress",
  "push_subscriptions",
  "reengagement_campaigns",
  "error_groups",
];

/** Every table of this migration, dependants first (the order `down` drops them). */
export const TABLES = [
  "error_reports",
  "error_groups",
  "reengagement_notifications",
  "reengagement_campaigns",
  "notifications",
  "push_subscriptions",
  "video_progress",
  "diary_entries",
  "exam_results",
  "user_steps",
  "user_trainings",
  "user_courses",
  "course_reviews",
  "favorites",
  "course_access",
  "step_templates",
  "step_categories",
  "step_on_day",
  "day_on_course",
  "steps",
  "training_days",
  "courses",
  "videos",
  "pets",
  "telegram_link_tokens",
  "password_reset_tokens",
  "consents",
  "user_profiles",
  "users",
  "app_meta",
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
  for (const table of TOUCHED) {
    await sql.raw(
      `CREATE TRIGGER ${table}_touch_updated_at BEFORE UPDATE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION gafus_touch_updated_at()`,
    ).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // One DROP for all tables: PostgreSQL resolves the references among them.
  await sql.raw(`DROP TABLE ${TABLES.join(", ")}`).execute(db);
  await sql.raw(`DROP FUNCTION gafus_touch_updated_at()`).execute(db);
}
