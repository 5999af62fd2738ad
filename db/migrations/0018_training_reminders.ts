/**
 * 0018 — training reminders (core/reminders/). A reminder is a local time of
 * day and a set of weekdays, evaluated in the user's *current* zone
 * (`users.time_zone`), so changing the zone moves every reminder with it.
 * `reminder_sends` makes "never twice for one reminder and local day" a
 * database fact: the job claims a send with INSERT … ON CONFLICT DO NOTHING,
 * and `sent_at` stays null until the notification is out, so a claim lost to
 * a crash is sent by a later run.
 */
import { type Kysely, sql } from "kysely";

const UP = [
  `CREATE TABLE training_reminders (
     id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
     user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     -- Minutes after local midnight (08:30 = 510).
     time_minutes smallint NOT NULL CHECK (time_minutes BETWEEN 0 AND 1439),
     -- Bit 0 = Monday … bit 6 = Sunday; at least one day.
     weekdays     smallint NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
     enabled      boolean NOT NULL DEFAULT true,
     created_at   timestamptz NOT NULL DEFAULT now(),
     updated_at   timestamptz NOT NULL DEFAULT now(),
     UNIQUE (user_id, time_minutes, weekdays)
   )`,
  // The cron's lookup walks the minutes due now.
  `CREATE INDEX training_reminders_due_idx ON training_reminders (time_minutes)
     WHERE enabled`,
  `CREATE TRIGGER training_reminders_touch_updated_at BEFORE UPDATE ON training_reminders
     FOR EACH ROW EXECUTE FUNCTION gafus_touch_updated_at()`,
  `CREATE TABLE reminder_sends (
     reminder_id text NOT NULL REFERENCES training_reminders (id) ON DELETE CASCADE,
     -- The learner's calendar day the reminder was for.
     local_date  date NOT NULL,
     user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     due_at      timestamptz NOT NULL,
     claimed_at  timestamptz NOT NULL DEFAULT now(),
     sent_at     timestamptz,
     PRIMARY KEY (reminder_id, local_date)
   )`,
  `CREATE INDEX reminder_sends_unsent_idx ON reminder_sends (claimed_at) WHERE sent_at IS NULL`,
  `CREATE INDEX reminder_sends_user_idx ON reminder_sends (user_id)`,
  // Old sends are pruned by due time (core/reminders/due.ts).
  `CREATE INDEX reminder_sends_due_idx ON reminder_sends (due_at)`,
  // "Did the learner train today?": steps touched since the local midnight.
  `CREATE INDEX user_steps_user_updated_idx ON user_steps (user_id, updated_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const stmt of UP) await sql.raw(stmt).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP INDEX user_steps_user_updated_idx`).execute(db);
  await sql.raw(`DROP TABLE reminder_sends`).execute(db);
  await sql.raw(`DROP TABLE training_reminders`).execute(db);
}
