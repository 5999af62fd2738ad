/**
 * One path for every notification: in-app, Web Push, Telegram and email.
 *
 * `notify(services, userId, { kind, titleKey, bodyKey, vars, url })` is what
 * other areas call (reminders, campaigns). It renders the texts in the
 * recipient's language, stores the row (the in-app list and the bell), and
 * enqueues what the user's choices (core/notification_prefs.ts, by the
 * kind's category) ask for: one `push` job per subscription
 * (core/push/deliver.ts), one `telegram` message to a linked chat
 * (core/telegram/deliver.ts), one `email` (core/email/deliver.ts). Each
 * channel checks the choice again when it sends, so turning a category off
 * drops messages already queued.
 *
 * A notification about a change (a timer's end, an exam review, access
 * granted) is stored with `storeNotification` in the change's own
 * transaction, and its deliveries leave through the outbox
 * (`delivery_pending`, `enqueuePendingDeliveries`): at-least-once jobs then
 * give exactly-once notifications on every channel.
 *
 * The unread count for the bell is read on every page a signed-in user
 * opens, so it is cached per user for a few seconds in its own small cache
 * and dropped whenever this module inserts or reads notifications.
 */
import { z } from "zod";
import { type Kysely, sql } from "kysely";
import type { Services } from "./services.ts";
import type { SessionUser } from "./auth/session_user.ts";
import { NotFoundError, requireUser } from "./auth/guards.ts";
import { Cache } from "@/platform/cache.ts";
import { isId, newId } from "@/platform/ids.ts";
import { isLocale, type MessageKey, type Translator, translator } from "./i18n/mod.ts";
import { ru } from "./i18n/ru.ts";
import { json } from "@/db/connection.ts";
import type { Database, JsonObject } from "@/db/schema.ts";
import { log } from "@/platform/log.ts";
import { URGENCIES, type Urgency } from "./push/send.ts";
import type { PushJob } from "@/queues/jobs/push.ts";
import { categoryOf, type NotificationCategory, prefsFrom } from "./notification_prefs.ts";
import { enqueueTelegram, TELEGRAM_TEXT_MAX } from "./telegram/outbox.ts";
import { enqueueEmail } from "./email/outbox.ts";
import { enqueueNow, type EnqueueWithChange } from "./jobs_tx.ts";
import { renderEmail } from "./email/layout.ts";
import { absoluteUrl, notificationPath, notificationSettingsPath } from "./paths.ts";

/** Ready-made texts: `notify(s, userId, { ...NOTIFICATIONS.stepFinished, vars: { step }, url })`. */
export const NOTIFICATIONS = {
  /** vars: `step` (step title). */
  stepFinished: {
    kind: "step.finished",
    titleKey: "notifications.stepFinished.title",
    bodyKey: "notifications.stepFinished.body",
  },
  /** vars: `step`. */
  examApproved: {
    kind: "exam.approved",
    titleKey: "notifications.examApproved.title",
    bodyKey: "notifications.examApproved.body",
  },
  /** vars: `step`, `comment` (trimmed to 180 characters). */
  examReturned: {
    kind: "exam.returned",
    titleKey: "notifications.examReturned.title",
    bodyKey: "notifications.examReturned.body",
  },
  /** vars: `step` (for a review without a comment). */
  examReturnedNoComment: {
    kind: "exam.returned",
    titleKey: "notifications.examReturned.title",
    bodyKey: "notifications.examReturned.bodyNoComment",
  },
  /** To the course's trainer; vars: `step`, `learner` (username). */
  examSubmitted: {
    kind: "exam.submitted",
    titleKey: "notifications.examSubmitted.title",
    bodyKey: "notifications.examSubmitted.body",
  },
  trainingReminder: {
    kind: "training.reminder",
    titleKey: "notifications.trainingReminder.title",
    bodyKey: "notifications.trainingReminder.body",
  },
  /** To a learner a trainer's note entry became visible to; vars: `trainer`, `note` (title). */
  noteShared: {
    kind: "course.note",
    titleKey: "notifications.noteShared.title",
    bodyKey: "notifications.noteShared.body",
  },
} as const satisfies Record<string, { kind: string; titleKey: MessageKey; bodyKey: MessageKey }>;

/** How long a push service keeps a message for an offline device, and its urgency, by kind. */
const PUSH_BY_KIND: Record<string, { ttlSec: number; urgency: Urgency }> = {
  // "Time is up" is useless hours later.
  "step.finished": { ttlSec: 3600, urgency: "high" },
  "exam.approved": { ttlSec: 3 * 86400, urgency: "normal" },
  "exam.returned": { ttlSec: 3 * 86400, urgency: "normal" },
  "exam.submitted": { ttlSec: 3 * 86400, urgency: "normal" },
  "training.reminder": { ttlSec: 3 * 3600, urgency: "normal" },
  "course.access": { ttlSec: 3 * 86400, urgency: "normal" },
  "course.note": { ttlSec: 3 * 86400, urgency: "normal" },
};
const PUSH_DEFAULT = { ttlSec: 86400, urgency: "normal" as Urgency };

/** Variables are cut to this length (a trainer's comment, a long step title). */
export const VAR_MAX = 180;
const TITLE_MAX = 200;
const BODY_MAX = 2000;
export const PAGE_SIZE = 20;
const UNREAD_TTL_MS = 5_000;

function isMessageKey(v: string): v is MessageKey {
  return Object.hasOwn(ru, v);
}

const messageKey = z.string().refine(isMessageKey, { error: "unknown message key" });

/** A path on this site ("/courses/x"), never another origin ("//evil", "/\\evil", "https:"). */
export function isLocalPath(v: string): boolean {
  return v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") &&
    !/[\p{Cc}\s]/u.test(v);
}

const notifySchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/),
  titleKey: messageKey,
  bodyKey: messageKey,
  vars: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  url: z.string().max(1000).refine(isLocalPath, { error: "url must be a path on this site" })
    .nullable().optional(),
  /** Makes a repeated call (a retried job) store and push only once per user and key. */
  dedupeKey: z.string().min(1).max(200).optional(),
  ttlSec: z.number().int().min(0).max(28 * 86400).optional(),
  urgency: z.enum(URGENCIES as [Urgency, ...Urgency[]]).optional(),
  /**
   * A signed one-click unsubscribe address (absolute) for messages a user may
   * stop (campaigns): email carries it as `List-Unsubscribe`, Telegram as a link.
   */
  unsubscribeUrl: z.url({ protocol: /^https?$/ }).max(1000).optional(),
});

export type NotifyInput = z.input<typeof notifySchema> & {
  titleKey: MessageKey;
  bodyKey: MessageKey;
};

/** Stored in `notifications.data`, so the list can show the text in the reader's language. */
interface StoredI18n {
  titleKey: string;
  bodyKey: string;
  vars: Record<string, string | number>;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1).trimEnd() + "…";
}

function clipVars(vars: Record<string, string | number> = {}): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(vars)) {
    out[k] = typeof v === "string" ? clip(v.replace(/\s+/g, " ").trim(), VAR_MAX) : v;
  }
  return out;
}

function render(t: Translator, i18n: StoredI18n): { title: string; body: string } {
  return {
    title: clip(t(i18n.titleKey as MessageKey, i18n.vars), TITLE_MAX),
    body: clip(t(i18n.bodyKey as MessageKey, i18n.vars), BODY_MAX),
  };
}

// ------------------------------------------------------------ unread count

const unreadCaches = new WeakMap<Services, Cache>();

/**
 * Counts live in their own cache, not `services.cache`: one entry per active
 * user would otherwise push the shared catalogue pages out.
 */
function unreadCache(s: Services): Cache {
  let c = unreadCaches.get(s);
  if (!c) unreadCaches.set(s, c = new Cache(10_000));
  return c;
}

const unreadTag = (userId: string) => `unread:${userId}`;

function unreadChanged(s: Services, userId: string) {
  unreadCache(s).invalidate(unreadTag(userId));
}

/** The bell number: unread notifications of the user (cached for a few seconds). */
export function unreadCount(s: Services, userId: string): Promise<number> {
  return unreadCache(s).get(
    unreadTag(userId),
    { ttlMs: UNREAD_TTL_MS, tags: [unreadTag(userId)] },
    async () => {
      const row = await s.db.selectFrom("notifications")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("user_id", "=", userId)
        .where("read_at", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  );
}

// ------------------------------------------------------------------ notify

export interface NotifyResult {
  id: string;
  /** Push jobs enqueued (one per subscription). */
  pushes: number;
  /** A Telegram message was enqueued (linked chat, wanted). */
  telegram: boolean;
  /** An email was enqueued (address known, wanted). */
  email: boolean;
  /** True when `dedupeKey` had been used before: nothing new was stored or sent. */
  duplicate: boolean;
}

const DEDUPE_TTL_MS = 7 * 86400_000;

/**
 * Renders a notification in the recipient's language and stores it through
 * `db` — pass the transaction of the change it tells about, so the change
 * and its notification commit together (or neither does). With jobs on
 * PostgreSQL and `db` a transaction, its delivery jobs are enqueued in it
 * too; otherwise they wait in the outbox (`delivery_pending`) until
 * `enqueuePendingDeliveries` runs after the commit. Returns the id, or null
 * when the user does not exist. Throws ZodError for a malformed call.
 */
export async function storeNotification(
  s: Services,
  db: Kysely<Database>,
  userId: string,
  input: NotifyInput,
  id: string = newId(),
): Promise<string | null> {
  const n = notifySchema.parse(input);
  const user = await db.selectFrom("users").select(["id", "locale", "disabled_at"])
    .where("id", "=", userId).executeTakeFirst();
  if (!user) return null;
  const i18n: StoredI18n = { titleKey: n.titleKey, bodyKey: n.bodyKey, vars: clipVars(n.vars) };
  const defaults = PUSH_BY_KIND[n.kind] ?? PUSH_DEFAULT;
  const ttlSec = n.ttlSec ?? defaults.ttlSec;
  const urgency = n.urgency ?? defaults.urgency;
  const { title, body } = render(translator(isLocale(user.locale) ? user.locale : "ru"), i18n);
  await db.insertInto("notifications").values({
    id,
    user_id: userId,
    kind: n.kind,
    title,
    body,
    url: n.url ?? null,
    data: json<JsonObject>({
      i18n: { ...i18n },
      push: { ttlSec, urgency },
      ...(n.unsubscribeUrl ? { unsubscribeUrl: n.unsubscribeUrl } : {}),
    }),
    // A disabled account gets the in-app row only.
    delivery_pending: !user.disabled_at,
  }).execute();
  if (s.jobs.transactional && db.isTransaction && !user.disabled_at) {
    // Jobs on PostgreSQL: the deliveries commit with the change (the outbox finds nothing left).
    const rows = await pendingRows(db, { ids: [id] });
    for (const r of rows) await deliverInTransaction(s, db, r, await subscriptionsOf(s, db, rows));
  }
  unreadChanged(s, userId);
  return id;
}

/**
 * Stores a notification for `userId` in their language and delivers it by
 * Web Push, Telegram and email as the user chose (core/notification_prefs.ts,
 * by the kind's category). Returns null when the user does not exist (e.g.
 * deleted while a timer ran). Throws ZodError for a malformed call.
 *
 * For a notification about a change of your own, use `storeNotification`
 * in the change's transaction instead, then `enqueuePendingDeliveries`.
 * From a job that may run twice, pass a `dedupeKey` (e.g. the user step id
 * and event) so it happens once.
 */
export async function notify(
  s: Services,
  userId: string,
  input: NotifyInput,
): Promise<NotifyResult | null> {
  notifySchema.parse(input);
  // A user that does not exist: storeNotification says so (null), and the claim is dropped.
  const id = newId();
  const dedupe = input.dedupeKey ? ["notify_dedupe", userId, input.dedupeKey] : null;
  if (dedupe) {
    // Claim the key first: a concurrent duplicate sees the claim and stops.
    const claim = await s.kv.atomic().check({ key: dedupe, versionstamp: null })
      .set(dedupe, id, { expireIn: DEDUPE_TTL_MS }).commit();
    if (!claim.ok) {
      const prior = await s.kv.get<string>(dedupe);
      return { id: prior.value ?? id, pushes: 0, telegram: false, email: false, duplicate: true };
    }
  }
  try {
    if (!(await storeNotification(s, s.db, userId, input, id))) {
      if (dedupe) await s.kv.delete(dedupe);
      return null;
    }
  } catch (err) {
    if (dedupe) await s.kv.delete(dedupe);
    throw err;
  }
  const sent = await enqueuePendingDeliveries(s, { ids: [id] });
  return {
    id,
    pushes: sent.pushes,
    telegram: sent.telegram > 0,
    email: sent.email > 0,
    duplicate: false,
  };
}

/** What one run of the outbox enqueued, by channel. */
export interface Deliveries {
  pushes: number;
  telegram: number;
  email: number;
}

/** The unsubscribe address a notification carries (campaigns), if any. */
function storedUnsubscribe(data: unknown): string | undefined {
  const v = (data as { unsubscribeUrl?: unknown } | null)?.unsubscribeUrl;
  return typeof v === "string" && /^https?:\/\//.test(v) ? v : undefined;
}

interface PendingRow {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  data: unknown;
  disabled_at: Date | null;
  locale: string;
  email: string | null;
  telegram_chat_id: number | null;
  prefs: Record<string, boolean> | null;
}

/** The notification's texts for a channel, in the user's language (as of now). */
function channelTexts(r: PendingRow): { t: Translator; title: string; body: string } {
  const t = translator(isLocale(r.locale) ? r.locale : "ru");
  const i18n = storedI18n(r.data);
  return { t, ...(i18n ? render(t, i18n) : { title: r.title, body: r.body }) };
}

async function enqueueTelegramFor(
  s: Services,
  r: PendingRow,
  category: NotificationCategory,
  enqueue: EnqueueWithChange,
) {
  const { t, title, body } = channelTexts(r);
  const unsubscribe = storedUnsubscribe(r.data);
  let text = `${title}\n\n${body}`;
  if (unsubscribe) text += `\n\n${t("delivery.unsubscribeLine", { url: unsubscribe })}`;
  await enqueueTelegram(s, {
    key: `notif:${r.id}`,
    chatId: Number(r.telegram_chat_id),
    text: clip(text, TELEGRAM_TEXT_MAX),
    buttons: [{
      text: t("notifications.open"),
      url: absoluteUrl(s.config, notificationPath(r.id)),
    }],
    userId: r.user_id,
    purpose: category === "news" ? "campaign" : "notification",
    category,
  }, enqueue);
}

async function enqueueEmailFor(
  s: Services,
  r: PendingRow,
  category: NotificationCategory,
  enqueue: EnqueueWithChange,
) {
  const { t, title, body } = channelTexts(r);
  const unsubscribe = storedUnsubscribe(r.data);
  const mail = renderEmail({
    subject: title,
    heading: title,
    paragraphs: [body],
    action: { label: t("notifications.open"), url: absoluteUrl(s.config, notificationPath(r.id)) },
    footer: [
      t("delivery.email.why", { category: t(`delivery.category.${category}`) }),
      t("delivery.email.change", { url: absoluteUrl(s.config, notificationSettingsPath()) }),
      ...(unsubscribe ? [t("delivery.email.unsubscribe", { url: unsubscribe })] : []),
    ],
  });
  await enqueueEmail(s, {
    key: `notif:${r.id}`,
    to: r.email!,
    userId: r.user_id,
    ...mail,
    unsubscribeUrl: unsubscribe,
    purpose: category === "news" ? "campaign" : "notification",
    category,
  }, enqueue);
}

/**
 * The outbox: for notifications still marked `delivery_pending`, enqueues
 * what each channel the user wants needs — one `push` job per subscription
 * (dedupe `push:<id>:<subscription>`), one Telegram message (key
 * `notif:<id>`) when a chat is linked, one email (key `notif:<id>`) when
 * the account has an address — and clears the mark once all of them are
 * in. Called after the commit that stored them, by a retried job, and by
 * the sweeper, so a crash anywhere in between neither loses a delivery nor
 * sends one twice (the dedupe keys, and each channel's claim at sending).
 * With jobs on PostgreSQL each notification's jobs and its cleared mark
 * commit in one transaction (a failure leaves neither).
 */
export async function enqueuePendingDeliveries(
  s: Services,
  only: { userId?: string; ids?: string[] } = {},
): Promise<Deliveries> {
  const rows = await pendingRows(s.db, only);
  const out: Deliveries = { pushes: 0, telegram: 0, email: 0 };
  if (!rows.length) return out;
  const subsOf = await subscriptionsOf(s, s.db, rows);
  if (s.jobs.transactional) {
    for (const r of rows) {
      try {
        const sent = await s.db.transaction().execute((trx) =>
          deliverInTransaction(s, trx, r, subsOf)
        );
        if (sent) addDeliveries(out, sent);
      } catch (err) {
        // The jobs and the cleared mark roll back together: the row waits for the next run.
        log.error("notification deliveries not enqueued", { err, notificationId: r.id });
      }
    }
    return out;
  }
  const done: string[] = [];
  for (const r of rows) {
    let complete = true;
    const sent = await enqueueDeliveries(s, r, subsOf, enqueueNow(s), async (channel, fn) => {
      try {
        await fn();
        return true;
      } catch (err) {
        // The in-app notification is stored; the row stays pending for the sweeper.
        complete = false;
        log.error("notification delivery not enqueued", { err, channel, notificationId: r.id });
        return false;
      }
    });
    addDeliveries(out, sent);
    if (complete) done.push(r.id);
  }
  if (done.length) {
    await s.db.updateTable("notifications").set({ delivery_pending: false })
      .where("id", "in", done).execute();
  }
  return out;
}

/** Notifications still waiting for their deliveries (with what each channel needs). */
function pendingRows(
  db: Kysely<Database>,
  only: { userId?: string; ids?: string[] },
): Promise<PendingRow[]> {
  let q = db.selectFrom("notifications as n")
    .innerJoin("users as u", "u.id", "n.user_id")
    .leftJoin("notification_prefs as p", "p.user_id", "n.user_id")
    .select([
      "n.id",
      "n.user_id",
      "n.kind",
      "n.title",
      "n.body",
      "n.data",
      "u.disabled_at",
      "u.locale",
      "u.email",
      "u.telegram_chat_id",
      "p.prefs",
    ])
    .where("n.delivery_pending", "=", true);
  if (only.userId) q = q.where("n.user_id", "=", only.userId);
  if (only.ids) q = q.where("n.id", "in", only.ids);
  return q.orderBy("n.created_at").limit(1_000).execute();
}

/** Push subscriptions of the rows' users (none without VAPID keys). */
async function subscriptionsOf(
  s: Services,
  db: Kysely<Database>,
  rows: PendingRow[],
): Promise<Map<string, string[]>> {
  const subsOf = new Map<string, string[]>();
  if (!s.config.secrets.vapid || !rows.length) return subsOf;
  const userIds = [...new Set(rows.map((r) => r.user_id))];
  const subs = await db.selectFrom("push_subscriptions").select(["id", "user_id"])
    .where("user_id", "in", userIds).execute();
  for (const sub of subs) {
    const list = subsOf.get(sub.user_id) ?? [];
    list.push(sub.id);
    subsOf.set(sub.user_id, list);
  }
  return subsOf;
}

/**
 * Jobs on PostgreSQL: enqueues one pending notification's deliveries in
 * `trx` and clears its mark there too, so the jobs exist exactly when the
 * mark is gone. Null when another run has it (locked) or has done it.
 */
async function deliverInTransaction(
  s: Services,
  trx: Kysely<Database>,
  r: PendingRow,
  subsOf: Map<string, string[]>,
): Promise<Deliveries | null> {
  const still = await trx.selectFrom("notifications").select("id")
    .where("id", "=", r.id).where("delivery_pending", "=", true)
    .forUpdate().skipLocked().executeTakeFirst();
  if (!still) return null;
  const enqueue: EnqueueWithChange = async (name, payload, opts) =>
    void await s.jobs.enqueue(name, payload, { ...opts, tx: trx });
  // Any failure throws: the caller's transaction takes the jobs and the mark back together.
  const sent = await enqueueDeliveries(s, r, subsOf, enqueue, (_, fn) => fn().then(() => true));
  await trx.updateTable("notifications").set({ delivery_pending: false })
    .where("id", "=", r.id).execute();
  return sent;
}

function addDeliveries(to: Deliveries, d: Deliveries) {
  to.pushes += d.pushes;
  to.telegram += d.telegram;
  to.email += d.email;
}

/**
 * Enqueues one notification's deliveries on the channels its user wants.
 * `attempt` runs each enqueue (false: it failed): on KV it logs a failure and
 * goes on with the other channels; in a transaction it throws, which rolls
 * the whole row back (a failed statement aborts the transaction anyway).
 */
async function enqueueDeliveries(
  s: Services,
  r: PendingRow,
  subsOf: Map<string, string[]>,
  enqueue: EnqueueWithChange,
  tried: (channel: string, fn: () => Promise<void>) => Promise<boolean>,
): Promise<Deliveries> {
  const out: Deliveries = { pushes: 0, telegram: 0, email: 0 };
  if (r.disabled_at) return out;
  const category = categoryOf(r.kind);
  const wanted = prefsFrom(r.prefs)[category];
  // Telegram first: its rate limit makes it the slowest channel in a burst.
  if (s.config.telegram && r.telegram_chat_id !== null && wanted.telegram) {
    if (await tried("telegram", () => enqueueTelegramFor(s, r, category, enqueue))) out.telegram++;
  }
  if (s.config.secrets.vapid !== undefined && wanted.push) {
    for (const subscriptionId of subsOf.get(r.user_id) ?? []) {
      const job: PushJob = { notificationId: r.id, subscriptionId, ...storedPush(r.data, r.kind) };
      const ok = await tried("push", () => enqueue("push", job, { dedupeKey: pushDedupeKey(job) }));
      if (ok) out.pushes++;
    }
  }
  if (r.email && wanted.email) {
    if (await tried("email", () => enqueueEmailFor(s, r, category, enqueue))) out.email++;
  }
  return out;
}

const pushDedupeKey = (job: PushJob) => `push:${job.notificationId}:${job.subscriptionId}`;

/** The smallest UUIDv7 (as `newId` writes them) of a millisecond: ids sort by time. */
function idFloor(ms: number): string {
  const h = ms.toString(16).padStart(12, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-000000000000`;
}

function storedPush(data: unknown, kind: string): { ttlSec: number; urgency: Urgency } {
  const push = (data as { push?: { ttlSec?: unknown; urgency?: unknown } } | null)?.push;
  const fallback = PUSH_BY_KIND[kind] ?? PUSH_DEFAULT;
  return {
    ttlSec: typeof push?.ttlSec === "number" ? push.ttlSec : fallback.ttlSec,
    urgency: URGENCIES.includes(push?.urgency as Urgency)
      ? push!.urgency as Urgency
      : fallback.urgency,
  };
}

/** How far back the sweeper looks (the sweep runs every 10 minutes; one missed run is covered). */
export const SWEEP_WINDOW_MS = 25 * 60_000;
/** Notifications younger than this are left to `notify`, which may still be enqueueing. */
const SWEEP_SETTLE_MS = 60_000;

/**
 * The sweeper (run by the `push` job's sweep): first the outbox — rows
 * stored with their change whose deliveries were never enqueued (a crash
 * after the commit) — on every channel; then, as before the outbox, the
 * pushes of recent notifications again with the same dedupeKey, so those
 * already enqueued stay single (and a delivered one is not sent again: see
 * core/push/deliver.ts). Only devices that were subscribed when the
 * notification was made, and only for users who want that category by push.
 */
export async function sweepPushes(s: Services, now = Date.now()): Promise<number> {
  const pending = await enqueuePendingDeliveries(s);
  const outbox = pending.pushes + pending.telegram + pending.email;
  if (!s.config.secrets.vapid) return outbox;
  const from = now - SWEEP_WINDOW_MS;
  const to = now - SWEEP_SETTLE_MS;
  const rows = await s.db.selectFrom("notifications as n")
    .innerJoin("push_subscriptions as p", "p.user_id", "n.user_id")
    .innerJoin("users as u", "u.id", "n.user_id")
    .leftJoin("notification_prefs as np", "np.user_id", "n.user_id")
    .select(["n.id", "n.kind", "n.data", "p.id as sub_id", "np.prefs"])
    // The id range walks the primary key; created_at keeps it exact.
    .where("n.id", ">=", idFloor(from)).where("n.id", "<", idFloor(to + 1))
    .where("n.created_at", ">=", new Date(from)).where("n.created_at", "<", new Date(to))
    .whereRef("p.created_at", "<=", "n.created_at")
    .where("u.disabled_at", "is", null)
    .limit(10_000)
    .execute();
  let n = 0;
  for (const r of rows) {
    if (!prefsFrom(r.prefs)[categoryOf(r.kind)].push) continue;
    const job: PushJob = {
      notificationId: r.id,
      subscriptionId: r.sub_id,
      ...storedPush(r.data, r.kind),
    };
    await s.jobs.enqueue("push", job, { dedupeKey: pushDedupeKey(job) });
    n++;
  }
  return outbox + n;
}

// ------------------------------------------------------------ reading list

export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  url: string | null;
  read: boolean;
  createdAt: Date;
}

export interface NotificationPage {
  items: NotificationItem[];
  /** Cursor for the next (older) page, or null at the end. */
  next: string | null;
}

function storedI18n(data: unknown): StoredI18n | null {
  if (typeof data !== "object" || data === null) return null;
  const i18n = (data as { i18n?: unknown }).i18n;
  if (typeof i18n !== "object" || i18n === null) return null;
  const { titleKey, bodyKey, vars } = i18n as Record<string, unknown>;
  if (typeof titleKey !== "string" || !isMessageKey(titleKey)) return null;
  if (typeof bodyKey !== "string" || !isMessageKey(bodyKey)) return null;
  if (typeof vars !== "object" || vars === null) return null;
  return { titleKey, bodyKey, vars: vars as Record<string, string | number> };
}

export const listQuerySchema = z.object({
  before: z.string().refine(isId, { error: "validation.invalid" }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(PAGE_SIZE),
  unread: z.enum(["1", "true", "0", "false"]).transform((v) => v === "1" || v === "true")
    .optional(),
});

/**
 * The user's notifications, newest first, in pages of `limit`. Texts are
 * shown in the reader's language (`t`) when the row knows its message keys.
 */
export async function listNotifications(
  s: Services,
  actor: SessionUser | null,
  t: Translator,
  query: unknown = {},
): Promise<NotificationPage> {
  const user = requireUser(actor);
  const q = listQuerySchema.parse(query);
  let qb = s.db.selectFrom("notifications")
    .select(["id", "kind", "title", "body", "url", "data", "read_at", "created_at"])
    .where("user_id", "=", user.id);
  if (q.unread) qb = qb.where("read_at", "is", null);
  if (q.before) {
    // Keyset: strictly older than the cursor row (which must be the user's own).
    qb = qb.where(sql<boolean>`(created_at, id) < (select c.created_at, c.id
      from notifications c where c.id = ${q.before} and c.user_id = ${user.id})`);
  }
  const rows = await qb.orderBy("created_at", "desc").orderBy("id", "desc")
    .limit(q.limit + 1).execute();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map((r) => {
    const i18n = storedI18n(r.data);
    const text = i18n ? render(t, i18n) : { title: r.title, body: r.body };
    return {
      id: r.id,
      kind: r.kind,
      title: text.title,
      body: text.body,
      url: r.url,
      read: r.read_at !== null,
      createdAt: r.created_at,
    };
  });
  return { items, next: more ? items[items.length - 1].id : null };
}

/** The id of the user's newest notification (what "mark all read" may go up to). */
export async function newestNotificationId(s: Services, userId: string): Promise<string | null> {
  const row = await s.db.selectFrom("notifications").select("id")
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc").orderBy("id", "desc")
    .limit(1).executeTakeFirst();
  return row?.id ?? null;
}

export const markReadSchema = z.union([
  z.object({
    ids: z.array(z.string().refine(isId, { error: "validation.invalid" })).min(1).max(100),
  }),
  z.object({
    all: z.literal(true),
    /** Only notifications up to this one (the newest the reader saw). */
    until: z.string().refine(isId, { error: "validation.invalid" }).optional(),
  }),
]);

/**
 * Marks the user's own notifications read: the listed ids, or all (up to the
 * newest one the reader saw, so one that arrived meanwhile stays unread).
 * Ids of other users' notifications are ignored. Returns how many changed.
 */
export async function markRead(
  s: Services,
  actor: SessionUser | null,
  input: unknown,
): Promise<number> {
  const user = requireUser(actor);
  const m = markReadSchema.parse(input);
  let qb = s.db.updateTable("notifications").set({ read_at: sql<Date>`now()` })
    .where("user_id", "=", user.id)
    .where("read_at", "is", null);
  if ("ids" in m) qb = qb.where("id", "in", m.ids);
  else if (m.until) {
    qb = qb.where(sql<boolean>`(created_at, id) <= (select c.created_at, c.id
      from notifications c where c.id = ${m.until} and c.user_id = ${user.id})`);
  }
  const res = await qb.executeTakeFirst();
  const changed = Number(res.numUpdatedRows);
  if (changed) unreadChanged(s, user.id);
  return changed;
}

/**
 * Opening a notification: marks it read and says where to go. Another
 * user's notification is "not found".
 */
export async function openNotification(
  s: Services,
  actor: SessionUser | null,
  id: string,
): Promise<{ url: string | null }> {
  const user = requireUser(actor);
  if (!isId(id)) throw new NotFoundError();
  const row = await s.db.updateTable("notifications")
    .set({ read_at: sql<Date>`coalesce(read_at, now())` })
    .where("id", "=", id).where("user_id", "=", user.id)
    .returning(["url"]).executeTakeFirst();
  if (!row) throw new NotFoundError();
  unreadChanged(s, user.id);
  return { url: row.url && isLocalPath(row.url) ? row.url : null };
}
