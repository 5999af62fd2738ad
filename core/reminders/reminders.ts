/**
 * A learner's training reminders: up to five (time of day + weekdays), kept
 * as local time and evaluated in the user's current zone. The settings page
 * and the bot's /reminders call these same functions. Each one takes the
 * acting user and only ever touches that user's rows: someone else's id is
 * answered as not found, so its existence is not revealed.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import { AppError } from "../app_error.ts";
import { NotFoundError } from "../auth/guards.ts";
import { isUniqueViolation } from "@/db/connection.ts";
import { isId, newId } from "@/platform/ids.ts";
import { daysOf, formatTime, maskOf, parseTime, type Weekday, WEEKDAYS } from "./time.ts";

export const MAX_REMINDERS = 5;

/** Who acts: a session user on the site, the linked account in the bot. */
export interface ReminderActor {
  id: string;
}

export interface ReminderView {
  id: string;
  /** "HH:MM", local time. */
  time: string;
  timeMinutes: number;
  days: Weekday[];
  mask: number;
  enabled: boolean;
}

export const reminderSchema = z.object({
  time: z.string().trim().refine((v) => parseTime(v) !== null, {
    error: "reminders.error.time",
  }),
  days: z.array(z.enum(WEEKDAYS), { error: "reminders.error.days" })
    .min(1, { error: "reminders.error.days" }),
  enabled: z.boolean().optional(),
});
export type ReminderInput = z.input<typeof reminderSchema>;

/** The sixth reminder. */
export class ReminderLimitError extends AppError {
  constructor() {
    super(409, "reminders_limit", "reminders.error.limit", {
      vars: { max: MAX_REMINDERS },
      fields: { _form: { key: "reminders.error.limit", vars: { max: MAX_REMINDERS } } },
      message: "reminder limit reached",
    });
    this.name = "ReminderLimitError";
  }
}

/** The same time and days as another reminder of the user. */
export class ReminderDuplicateError extends AppError {
  constructor() {
    super(409, "reminders_duplicate", "reminders.error.duplicate", {
      fields: { time: "reminders.error.duplicate" },
      message: "duplicate reminder",
    });
    this.name = "ReminderDuplicateError";
  }
}

type Row = { id: string; time_minutes: number; weekdays: number; enabled: boolean };

function view(r: Row): ReminderView {
  return {
    id: r.id,
    time: formatTime(r.time_minutes),
    timeMinutes: r.time_minutes,
    days: daysOf(r.weekdays),
    mask: r.weekdays,
    enabled: r.enabled,
  };
}

const COLUMNS = ["id", "time_minutes", "weekdays", "enabled"] as const;

/** The user's reminders, earliest time first. */
export async function listReminders(s: Services, actor: ReminderActor): Promise<ReminderView[]> {
  const rows = await s.db.selectFrom("training_reminders").select(COLUMNS)
    .where("user_id", "=", actor.id)
    .orderBy("time_minutes").orderBy("weekdays", "desc").orderBy("id")
    .execute();
  return rows.map(view);
}

/** One of the user's reminders; NotFoundError for anyone else's (or a malformed id). */
export async function getReminder(
  s: Services,
  actor: ReminderActor,
  id: string,
): Promise<ReminderView> {
  if (!isId(id)) throw new NotFoundError("no such reminder");
  const row = await s.db.selectFrom("training_reminders").select(COLUMNS)
    .where("id", "=", id).where("user_id", "=", actor.id).executeTakeFirst();
  if (!row) throw new NotFoundError("no such reminder");
  return view(row);
}

/**
 * Adds a reminder. Refuses a sixth one and a copy of an existing one. The
 * user's row is locked first, so two requests at once cannot both be the
 * fifth.
 */
export async function createReminder(
  s: Services,
  actor: ReminderActor,
  input: ReminderInput,
  now: Date = new Date(),
): Promise<ReminderView> {
  const v = reminderSchema.parse(input);
  const timeMinutes = parseTime(v.time)!;
  const mask = maskOf(v.days);
  try {
    return await s.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom("users").select("id").where("id", "=", actor.id)
        .forUpdate().executeTakeFirst();
      if (!user) throw new NotFoundError("no such user");
      const rows = await trx.selectFrom("training_reminders")
        .select(["time_minutes", "weekdays"]).where("user_id", "=", actor.id).execute();
      if (rows.some((r) => r.time_minutes === timeMinutes && r.weekdays === mask)) {
        throw new ReminderDuplicateError();
      }
      if (rows.length >= MAX_REMINDERS) throw new ReminderLimitError();
      const row = await trx.insertInto("training_reminders").values({
        id: newId(),
        user_id: actor.id,
        time_minutes: timeMinutes,
        weekdays: mask,
        enabled: v.enabled ?? true,
        created_at: now,
        updated_at: now,
      }).returning(COLUMNS).executeTakeFirstOrThrow();
      return view(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ReminderDuplicateError();
    throw err;
  }
}

/**
 * Writes new values to one of the user's reminders. `updated_at` is set to
 * `now`: a reminder changed after its minute passed is not caught up for
 * that minute (core/reminders/due.ts).
 */
async function write(
  s: Services,
  actor: ReminderActor,
  id: string,
  values: { time_minutes?: number; weekdays?: number; enabled?: boolean },
  now: Date,
): Promise<ReminderView> {
  if (!isId(id)) throw new NotFoundError("no such reminder");
  try {
    const row = await s.db.updateTable("training_reminders")
      .set({ ...values, updated_at: now })
      .where("id", "=", id).where("user_id", "=", actor.id)
      .returning(COLUMNS).executeTakeFirst();
    if (!row) throw new NotFoundError("no such reminder");
    return view(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ReminderDuplicateError();
    throw err;
  }
}

/** Changes a reminder's time, days and (when given) switch. */
export function updateReminder(
  s: Services,
  actor: ReminderActor,
  id: string,
  input: ReminderInput,
  now: Date = new Date(),
): Promise<ReminderView> {
  const v = reminderSchema.parse(input);
  return write(s, actor, id, {
    time_minutes: parseTime(v.time)!,
    weekdays: maskOf(v.days),
    ...(v.enabled === undefined ? {} : { enabled: v.enabled }),
  }, now);
}

/** Switches a reminder on or off. */
export function setReminderEnabled(
  s: Services,
  actor: ReminderActor,
  id: string,
  enabled: boolean,
  now: Date = new Date(),
): Promise<ReminderView> {
  return write(s, actor, id, { enabled: z.boolean().parse(enabled) }, now);
}

/** Flips a reminder's switch. */
export async function toggleReminder(
  s: Services,
  actor: ReminderActor,
  id: string,
  now: Date = new Date(),
): Promise<ReminderView> {
  const current = await getReminder(s, actor, id);
  return write(s, actor, id, { enabled: !current.enabled }, now);
}

/** Moves a reminder's time by `delta` minutes, round the clock (the bot's −1h … +1h). */
export async function shiftReminder(
  s: Services,
  actor: ReminderActor,
  id: string,
  delta: number,
  now: Date = new Date(),
): Promise<ReminderView> {
  const d = z.number().int().min(-720).max(720).parse(delta);
  const current = await getReminder(s, actor, id);
  const time_minutes = (((current.timeMinutes + d) % 1440) + 1440) % 1440;
  return write(s, actor, id, { time_minutes }, now);
}

/** Deletes one of the user's reminders. */
export async function deleteReminder(s: Services, actor: ReminderActor, id: string): Promise<void> {
  if (!isId(id)) throw new NotFoundError("no such reminder");
  const res = await s.db.deleteFrom("training_reminders")
    .where("id", "=", id).where("user_id", "=", actor.id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFoundError("no such reminder");
}
