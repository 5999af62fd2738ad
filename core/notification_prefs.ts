/**
 * Which notifications a user wants, by category and channel. The in-app
 * list always gets every notification; Web Push, Telegram and email follow
 * these choices. Defaults: push and Telegram on (each only works once the
 * user has a subscription or a linked chat), email off — email is for
 * account messages (reset, address confirmation), which are not
 * notifications and ignore these choices.
 *
 * Choices are read again when a message is about to leave (queued messages
 * of a category the user just turned off are dropped), and a campaign's
 * one-click unsubscribe turns `news` off on every channel.
 */
import { z } from "zod";
import { sql } from "kysely";
import type { Services } from "./services.ts";
import { json } from "@/db/connection.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { requireUser } from "./auth/guards.ts";

export const NOTIFICATION_CATEGORIES = [
  /** A step's timer finished. */
  "training",
  /** Training reminders the learner set. */
  "reminders",
  /** Exam reviewed (learner) or submitted (trainer). */
  "exams",
  /** Course access granted, a trainer's note shared. */
  "courses",
  /** Re-engagement messages ("we miss you") and announcements. */
  "news",
] as const;
export type NotificationCategory = typeof NOTIFICATION_CATEGORIES[number];

export const DELIVERY_CHANNELS = ["push", "telegram", "email"] as const;
export type DeliveryChannel = typeof DELIVERY_CHANNELS[number];

export type Prefs = Record<NotificationCategory, Record<DeliveryChannel, boolean>>;

const DEFAULTS: Record<DeliveryChannel, boolean> = { push: true, telegram: true, email: false };

/** The category a notification kind belongs to (`step.finished` → training…). */
export function categoryOf(kind: string): NotificationCategory {
  if (kind === "step.finished") return "training";
  if (kind.startsWith("training.")) return "reminders";
  if (kind.startsWith("exam.")) return "exams";
  if (kind.startsWith("reengagement.") || kind.startsWith("broadcast.")) return "news";
  return "courses";
}

/** The full choices from a stored `notification_prefs.prefs` (null: all defaults). */
export function prefsFrom(stored: Record<string, boolean> | null | undefined): Prefs {
  const out = {} as Prefs;
  for (const c of NOTIFICATION_CATEGORIES) {
    out[c] = { ...DEFAULTS };
    for (const ch of DELIVERY_CHANNELS) {
      const v = stored?.[`${c}.${ch}`];
      if (typeof v === "boolean") out[c][ch] = v;
    }
  }
  return out;
}

/** Every category × channel choice of the user (defaults where unset). */
export async function getPrefs(s: Services, userId: string): Promise<Prefs> {
  const row = await s.db.selectFrom("notification_prefs").select("prefs")
    .where("user_id", "=", userId).executeTakeFirst();
  return prefsFrom(row?.prefs);
}

/** Whether the user wants notifications of `category` through `channel`. */
export async function wants(
  s: Services,
  userId: string,
  category: NotificationCategory,
  channel: DeliveryChannel,
): Promise<boolean> {
  return (await getPrefs(s, userId))[category][channel];
}

export const prefsChangeSchema = z.record(
  z.string().regex(/^[a-z]+\.[a-z]+$/).refine((k) => {
    const [c, ch] = k.split(".");
    return (NOTIFICATION_CATEGORIES as readonly string[]).includes(c) &&
      (DELIVERY_CHANNELS as readonly string[]).includes(ch);
  }, { error: "validation.invalid" }),
  z.boolean(),
);

/**
 * Merges changes ("category.channel" → on/off) into the user's choices in
 * one statement (concurrent changes of different entries both stay).
 */
export async function setPrefs(
  s: Services,
  userId: string,
  /** Validated here ("category.channel" → boolean); a request body may come as is. */
  changes: unknown,
): Promise<Prefs> {
  const c = prefsChangeSchema.parse(changes);
  const row = await s.db.insertInto("notification_prefs")
    .values({ user_id: userId, prefs: json(c) })
    .onConflict((oc) =>
      oc.column("user_id").doUpdateSet({
        prefs: sql`notification_prefs.prefs || excluded.prefs`,
        updated_at: sql`now()`,
      })
    )
    .returning("prefs")
    .executeTakeFirstOrThrow();
  return prefsFrom(row.prefs);
}

/** Turns a category off on every channel (a one-click unsubscribe). */
export function unsubscribeCategory(
  s: Services,
  userId: string,
  category: NotificationCategory,
): Promise<Prefs> {
  return setPrefs(
    s,
    userId,
    Object.fromEntries(DELIVERY_CHANNELS.map((ch) => [`${category}.${ch}`, false])),
  );
}

// ------------------------------------------------------- the settings page

/** What the settings page and the API show: the choices and which channels can reach the user. */
export interface NotificationChoices {
  prefs: Prefs;
  /** Channels that can reach the user now (a linked chat, an address, a subscribed browser). */
  available: Record<DeliveryChannel, boolean>;
}

export async function notificationChoices(
  s: Services,
  actor: SessionUser | null,
): Promise<NotificationChoices> {
  const user = requireUser(actor);
  const [row, prefs, devices] = await Promise.all([
    s.db.selectFrom("users").select(["email", "telegram_chat_id"])
      .where("id", "=", user.id).executeTakeFirstOrThrow(),
    getPrefs(s, user.id),
    s.db.selectFrom("push_subscriptions").select("id").where("user_id", "=", user.id)
      .limit(1).execute(),
  ]);
  return {
    prefs,
    available: {
      push: devices.length > 0 && s.config.secrets.vapid !== undefined,
      telegram: row.telegram_chat_id !== null && s.config.telegram !== undefined,
      email: row.email !== null,
    },
  };
}

/** A checkbox's value in a plain form: present ("on") is checked, absent is not. */
const checkbox = z.union([z.literal("on"), z.literal("1"), z.literal("true")]).optional();

const choicesFormSchema = z.object(
  Object.fromEntries(
    NOTIFICATION_CATEGORIES.flatMap((c) => DELIVERY_CHANNELS.map((ch) => [`${c}.${ch}`, checkbox])),
  ),
);

/**
 * Saves the settings form (one checkbox per category × channel, named
 * "category.channel"). An unchecked box is absent from a form, so every
 * box of a channel the page offered is set; a channel the user cannot use
 * yet (no chat linked, no address) was shown disabled and keeps its choice.
 */
export async function saveNotificationForm(
  s: Services,
  actor: SessionUser | null,
  form: Record<string, unknown>,
): Promise<Prefs> {
  const user = requireUser(actor);
  const picked = choicesFormSchema.parse(
    Object.fromEntries(Object.entries(form).filter(([k]) => k.includes("."))),
  );
  const { available } = await notificationChoices(s, user);
  const changes: Record<string, boolean> = {};
  for (const c of NOTIFICATION_CATEGORIES) {
    for (const ch of DELIVERY_CHANNELS) {
      // Push is offered even before this browser subscribes (the choice is per account).
      if (ch !== "push" && !available[ch]) continue;
      changes[`${c}.${ch}`] = picked[`${c}.${ch}`] !== undefined;
    }
  }
  return await setPrefs(s, user.id, changes);
}
