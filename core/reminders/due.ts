/**
 * The reminder run (the `reminders` job, every minute): finds the reminders
 * whose local minute came in each user's zone, claims one send per reminder
 * and local day, and sends them through `notify`.
 *
 * Finding them is one statement whatever the number of users: the zones in
 * use are few, so the local minutes each zone passed in the grace window are
 * worked out here (core/reminders/time.ts handles summer time) and handed to
 * the database as a small table, joined with the reminders by zone, minute
 * and weekday. The same statement leaves out learners who already trained
 * that local day and inserts the claims into `reminder_sends` with ON
 * CONFLICT DO NOTHING: the primary key (reminder, local day) decides who
 * sends, so a second run, an overlapping tick or the repeated autumn hour
 * finds nothing left to claim.
 *
 * A claim is marked sent after `notify`; a claim left unsent by a crash is
 * sent by a later run (notify's dedupe key keeps that to one message).
 */
import { sql } from "kysely";
import type { Services } from "../services.ts";
import { NOTIFICATIONS, notify } from "../notifications.ts";
import { log } from "@/platform/log.ts";
import { type DueSlice, dueSlices, localDayBounds } from "./time.ts";
import { reminderLink } from "./link.ts";

/** A minute missed (the process was down) is still sent within this many minutes, once. */
export const GRACE_MINUTES = 10;
/** A claim not marked sent after this long is taken to be lost, and sent again. */
const STALE_CLAIM_MS = 2 * 60_000;
/** Sends are kept this long (past the grace window they only serve as history). */
const KEEP_SENDS_MS = 8 * 86_400_000;
/** Sends in flight at once (each is a few queries and a KV write). */
const SEND_CONCURRENCY = 8;

export interface ReminderRunOptions {
  now?: Date;
  graceMinutes?: number;
  /** Stops sending when aborted (the job's signal); claims left are sent by the next run. */
  signal?: AbortSignal;
}

export interface ReminderRunResult {
  /** Sends claimed by this run. */
  claimed: number;
  /** Notifications sent (claimed now, or left unsent by an earlier run). */
  sent: number;
}

interface Claim {
  reminder_id: string;
  local_date: string;
  user_id: string;
}

/** Zones of users with an enabled reminder (a handful in practice). */
async function zonesInUse(s: Services): Promise<string[]> {
  const rows = await s.db.selectFrom("training_reminders as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select("u.time_zone").distinct()
    .where("r.enabled", "=", true)
    .execute();
  return rows.map((r) => r.time_zone);
}

/** The due windows of every zone, as rows for jsonb_to_recordset. */
function windows(zones: string[], now: number, grace: number) {
  const out: Array<Omit<DueSlice, "dueAt"> & { dueAt: string; dayStart: string; dayEnd: string }> =
    [];
  for (const zone of zones) {
    let slices: DueSlice[];
    const days = new Map<string, { start: Date; end: Date }>();
    try {
      slices = dueSlices(zone, now, grace);
      for (const sl of slices) {
        if (!days.has(sl.localDate)) days.set(sl.localDate, localDayBounds(zone, sl.localDate));
      }
    } catch (err) {
      // An unknown zone in a user row must not stop everyone else's reminders.
      log.warn("reminders: zone skipped", { zone, err });
      continue;
    }
    for (const sl of slices) {
      const day = days.get(sl.localDate)!;
      out.push({
        ...sl,
        dueAt: sl.dueAt.toISOString(),
        dayStart: day.start.toISOString(),
        dayEnd: day.end.toISOString(),
      });
    }
  }
  return out;
}

/**
 * Claims every reminder due in `(now − grace, now]`: enabled, on that local
 * weekday, not changed after its minute came, for a learner who has not
 * trained that local day (no step of theirs started, timed or completed
 * since their local midnight). Returns the new claims.
 */
export async function claimDueReminders(
  s: Services,
  now: Date,
  grace = GRACE_MINUTES,
): Promise<Claim[]> {
  const zones = await zonesInUse(s);
  if (!zones.length) return [];
  const rows = windows(zones, now.getTime(), grace);
  if (!rows.length) return [];
  const res = await sql<Claim>`
    INSERT INTO reminder_sends (reminder_id, local_date, user_id, due_at)
    SELECT r.id, w."localDate", r.user_id, w."dueAt"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS w(
             zone text, "localDate" date, "weekdayBit" int, "fromMinute" int, "toMinute" int,
             "dueAt" timestamptz, "dayStart" timestamptz, "dayEnd" timestamptz)
      JOIN training_reminders r
        ON r.enabled
       AND r.time_minutes BETWEEN w."fromMinute" AND w."toMinute"
       AND (r.weekdays & w."weekdayBit") <> 0
       AND r.updated_at <= w."dueAt"
      JOIN users u ON u.id = r.user_id AND u.time_zone = w.zone AND u.disabled_at IS NULL
     WHERE NOT EXISTS (
             SELECT 1 FROM user_steps st
              WHERE st.user_id = u.id
                AND st.updated_at >= w."dayStart"
                AND (   (st.created_at >= w."dayStart" AND st.created_at < w."dayEnd")
                     OR (st.timer_started_at >= w."dayStart" AND st.timer_started_at < w."dayEnd")
                     OR (st.completed_at >= w."dayStart" AND st.completed_at < w."dayEnd")))
    ON CONFLICT DO NOTHING
    RETURNING reminder_id, local_date::text AS local_date, user_id`.execute(s.db);
  return res.rows;
}

/** Claims left unsent by a run that stopped (crash, timeout) — not those another run is sending. */
async function staleClaims(s: Services, now: Date): Promise<Claim[]> {
  return await s.db.selectFrom("reminder_sends")
    .select(["reminder_id", sql<string>`local_date::text`.as("local_date"), "user_id"])
    .where("sent_at", "is", null)
    .where("claimed_at", "<", sql<Date>`now() - ${`${STALE_CLAIM_MS / 1000} seconds`}::interval`)
    // Older than a day is no longer a reminder for "today".
    .where("due_at", ">", new Date(now.getTime() - 86_400_000))
    .limit(5_000)
    .execute();
}

/** Sends one claimed reminder and marks it sent. */
async function send(s: Services, c: Claim, now: Date): Promise<boolean> {
  const url = await reminderLink(s, c.user_id, now);
  const res = await notify(s, c.user_id, {
    ...NOTIFICATIONS.trainingReminder,
    url,
    dedupeKey: `reminder:${c.reminder_id}:${c.local_date}`,
  });
  await s.db.updateTable("reminder_sends").set({ sent_at: now })
    .where("reminder_id", "=", c.reminder_id).where("local_date", "=", c.local_date)
    .execute();
  return res !== null && !res.duplicate;
}

/** Deletes sends older than KEEP_SENDS_MS; returns how many. */
export async function pruneReminderSends(s: Services, now: Date): Promise<number> {
  const res = await s.db.deleteFrom("reminder_sends")
    .where("due_at", "<", new Date(now.getTime() - KEEP_SENDS_MS))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** One run of the reminders job (the first run of each hour also prunes old sends). */
export async function runReminders(
  s: Services,
  opts: ReminderRunOptions = {},
): Promise<ReminderRunResult> {
  const now = opts.now ?? new Date();
  const claims = await claimDueReminders(s, now, opts.graceMinutes ?? GRACE_MINUTES);
  const queue = [...claims, ...await staleClaims(s, now)];
  let sent = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      if (opts.signal?.aborted) return;
      try {
        if (await send(s, c, now)) sent++;
      } catch (err) {
        // The claim stays unsent; a later run retries it after STALE_CLAIM_MS.
        failures.push(err);
        log.error("reminder send failed", { err, reminderId: c.reminder_id });
      }
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, worker));
  if (failures.length) {
    log.warn("reminders: some sends failed", { failed: failures.length, sent });
  }
  if (now.getUTCMinutes() === 0) await pruneReminderSends(s, now);
  return { claimed: claims.length, sent };
}
