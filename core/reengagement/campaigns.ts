/**
 * Re-engagement campaigns: learners who trained and stopped get up to four
 * messages (`config.reengagement.days`, e.g. 5, 12, 20, 30 days after their
 * last activity), one variant of the message library per level.
 *
 * Rules (the daily run, `runReengagement`, in this order):
 *
 * 1. Close: an active campaign ends `returned` when its learner completed a
 *    step after the activity it was started for; `disabled` when the
 *    account was disabled; `opted_out` when the learner turned news off on
 *    every channel.
 * 2. Start: a candidate has at least `minSteps` completed steps, one of them
 *    within `lookbackDays`, no activity (a step completed or started) for
 *    `days[0]` days, an enabled account, and news on for some channel. The
 *    original restarted a finished campaign the next morning; here a new
 *    campaign needs activity the previous one did not cover: later than the
 *    activity it was started for, and — unless it ended because the learner
 *    came back — later than its end.
 * 3. Send: each active campaign whose next message is due gets the highest
 *    due level (levels missed while the job did not run are skipped rather
 *    than sent in a burst), through `notify` with a tracked link and the
 *    signed unsubscribe address; after the last level it ends `finished`.
 *
 * Idempotent: a message is one row per campaign and level (unique), written
 * with its variant before it is sent and marked sent after; its link is
 * derived from the campaign and level, and `notify` is deduplicated by the
 * same key — a run repeated the same day, two runs at once, or a retry after
 * a crash between sending and marking, sends nothing twice (and the same
 * variant). Every function takes `now` (tests move time).
 */
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { ReengagementEndReason, ReengagementStatus } from "@/db/schema.ts";
import { DELIVERY_CHANNELS, getPrefs } from "../notification_prefs.ts";
import { notify } from "../notifications.ts";
import { isLocale, translator } from "../i18n/mod.ts";
import { absoluteUrl, cataloguePath, clickPath, coursePath, unsubscribePath } from "../paths.ts";
import { log } from "@/platform/log.ts";
import { newId } from "@/platform/ids.ts";
import {
  cleanCourseName,
  cleanPetName,
  type LearnerFacts,
  type Level,
  LIBRARY,
  pickVariant,
  variantVars,
} from "./library.ts";
import { clickToken, unsubscribeToken } from "./tokens.ts";

const DAY_MS = 86_400_000;
/** Learners looked at per run (the rest wait for the next morning). */
const BATCH = 5_000;

const STATUS_OF: Record<ReengagementEndReason, ReengagementStatus> = {
  returned: "RETURNED",
  finished: "FINISHED",
  unsubscribed: "UNSUBSCRIBED",
  opted_out: "UNSUBSCRIBED",
  disabled: "FINISHED",
};

export interface RunResult {
  closed: Record<ReengagementEndReason, number>;
  started: number;
  sent: number;
  /** Due levels with no variant left for the learner (advanced without a message). */
  skipped: number;
}

const emptyClosed = (): Record<ReengagementEndReason, number> => ({
  returned: 0,
  finished: 0,
  unsubscribed: 0,
  opted_out: 0,
  disabled: 0,
});

/** The learner's last activity: a step completed, started (its timer) or opened (its row). */
const LAST_ACTIVITY = sql<Date>`max(greatest(us.completed_at, us.timer_started_at, us.created_at))`;

/** Whether the user wants news on at least one channel. */
async function wantsNews(s: Services, userId: string): Promise<boolean> {
  const prefs = await getPrefs(s, userId);
  return DELIVERY_CHANNELS.some((ch) => prefs.news[ch]);
}

/** Ends an active campaign (no-op when it already ended). */
export async function endCampaign(
  s: Services,
  campaignId: string,
  reason: ReengagementEndReason,
  now: Date,
  returnedAt: Date | null = null,
): Promise<boolean> {
  const res = await s.db.updateTable("reengagement_campaigns").set({
    status: STATUS_OF[reason],
    end_reason: reason,
    ended_at: now,
    next_notification_at: null,
    returned_at: returnedAt,
    unsubscribed: reason === "unsubscribed" || reason === "opted_out",
  }).where("id", "=", campaignId).where("status", "=", "ACTIVE").executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Ends the user's active campaign, if any (unsubscribe, account disabled). */
export async function endActiveCampaign(
  s: Services,
  userId: string,
  reason: ReengagementEndReason,
  now = new Date(),
): Promise<boolean> {
  const row = await s.db.selectFrom("reengagement_campaigns").select("id")
    .where("user_id", "=", userId).where("status", "=", "ACTIVE").executeTakeFirst();
  return row ? await endCampaign(s, row.id, reason, now) : false;
}

/** Step 1: campaigns whose learner came back, was disabled or opted out. */
async function closeCampaigns(s: Services, now: Date, closed: RunResult["closed"]) {
  // Returned: a step completed after the activity the campaign was started for.
  const returned = await s.db.updateTable("reengagement_campaigns as c").set({
    status: "RETURNED",
    end_reason: "returned",
    ended_at: now,
    next_notification_at: null,
    returned_at: sql<Date>`(SELECT min(us.completed_at) FROM user_steps us
      WHERE us.user_id = c.user_id AND us.completed_at > c.last_activity_at
        AND us.completed_at <= ${now})`,
  }).where("c.status", "=", "ACTIVE")
    .where(sql<boolean>`EXISTS (SELECT 1 FROM user_steps us WHERE us.user_id = c.user_id
      AND us.completed_at > c.last_activity_at AND us.completed_at <= ${now})`)
    .executeTakeFirst();
  closed.returned += Number(returned.numUpdatedRows);

  const disabled = await s.db.updateTable("reengagement_campaigns as c").set({
    status: STATUS_OF.disabled,
    end_reason: "disabled",
    ended_at: now,
    next_notification_at: null,
  }).where("c.status", "=", "ACTIVE")
    .where(sql<boolean>`EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id
      AND u.disabled_at IS NOT NULL)`)
    .executeTakeFirst();
  closed.disabled += Number(disabled.numUpdatedRows);
}

export interface Candidate {
  userId: string;
  completedSteps: number;
  lastActivityAt: Date;
}

/**
 * Step 2's query: learners a campaign may start for now (news preferences
 * not yet checked), by user id, `limit` after the id `after`.
 */
export async function findCandidates(
  s: Services,
  now = new Date(),
  page: { after?: string; limit?: number } = {},
): Promise<Candidate[]> {
  const cfg = s.config.reengagement;
  const inactiveSince = new Date(now.getTime() - cfg.days[0] * DAY_MS);
  const lookbackFrom = new Date(now.getTime() - cfg.lookbackDays * DAY_MS);
  const rows = await s.db.selectFrom("users as u")
    .innerJoinLateral(
      (eb) =>
        eb.selectFrom("user_steps as us")
          .select([
            sql<number>`count(*) FILTER (WHERE us.status = 'COMPLETED')`.as("completed"),
            LAST_ACTIVITY.as("last_activity"),
          ])
          .whereRef("us.user_id", "=", "u.id")
          .as("a"),
      (join) => join.onTrue(),
    )
    .select(["u.id", "a.completed", "a.last_activity"])
    .where("u.disabled_at", "is", null)
    // Someone who trained recently enough to remember it (uses the completed index).
    .where(sql<boolean>`EXISTS (SELECT 1 FROM user_steps r WHERE r.user_id = u.id
      AND r.completed_at >= ${lookbackFrom} AND r.completed_at <= ${now})`)
    .where(sql<boolean>`a.completed >= ${cfg.minSteps}`)
    .where(sql<boolean>`a.last_activity <= ${inactiveSince}`)
    // No running campaign, and none that already covered this activity.
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM reengagement_campaigns c
      WHERE c.user_id = u.id AND (c.status = 'ACTIVE'
        OR c.last_activity_at >= a.last_activity
        OR (c.status <> 'RETURNED' AND c.ended_at >= a.last_activity)))`)
    .$if(page.after !== undefined, (q) => q.where("u.id", ">", page.after!))
    .orderBy("u.id")
    .limit(page.limit ?? BATCH)
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    completedSteps: Number(r.completed),
    lastActivityAt: new Date(r.last_activity),
  }));
}

/**
 * Step 2: starts campaigns for candidates who still want news. Pages
 * through all of them: those who opted out stay candidates every day and
 * must not hide the others behind a limit.
 */
async function startCampaigns(s: Services, now: Date, signal?: AbortSignal): Promise<number> {
  const days = s.config.reengagement.days;
  let started = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await findCandidates(s, now, { after, limit: BATCH });
    for (const c of batch) {
      signal?.throwIfAborted();
      started += await startOne(s, c, days, now);
    }
    if (batch.length < BATCH) return started;
    after = batch[batch.length - 1].userId;
  }
}

async function startOne(s: Services, c: Candidate, days: number[], now: Date): Promise<number> {
  if (!(await wantsNews(s, c.userId))) return 0;
  const res = await s.db.insertInto("reengagement_campaigns").values({
    id: newId(),
    user_id: c.userId,
    level: 1,
    status: "ACTIVE",
    last_activity_at: c.lastActivityAt,
    next_notification_at: new Date(c.lastActivityAt.getTime() + days[0] * DAY_MS),
    created_at: now,
    updated_at: now,
  }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

/** What the library's placeholders and conditions need about one learner. */
export async function learnerFacts(
  s: Services,
  userId: string,
  completedSteps?: number,
): Promise<LearnerFacts> {
  const pet = await s.db.selectFrom("pets").select("name")
    .where("owner_id", "=", userId).orderBy("created_at").orderBy("id").limit(1)
    .executeTakeFirst();
  if (completedSteps === undefined) {
    const row = await s.db.selectFrom("user_steps")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId).where("status", "=", "COMPLETED")
      .executeTakeFirstOrThrow();
    completedSteps = Number(row.n);
  }
  // The started course the learner is furthest in (by completed share of its current steps).
  const courses = await sql<{ name: string; slug: string; done: number; total: number }>`
    SELECT c.name, c.slug,
      (SELECT count(*) FROM user_steps us
         JOIN user_trainings ut ON ut.id = us.user_training_id
         JOIN day_on_course dc ON dc.id = ut.day_on_course_id
         JOIN step_on_day sd ON sd.id = us.step_on_day_id
       WHERE us.user_id = ${userId} AND us.status = 'COMPLETED' AND dc.course_id = c.id
         AND dc.archived_at IS NULL AND sd.archived_at IS NULL)::int AS done,
      (SELECT count(*) FROM day_on_course dc
         JOIN step_on_day sd ON sd.day_id = dc.day_id AND sd.archived_at IS NULL
       WHERE dc.course_id = c.id AND dc.archived_at IS NULL)::int AS total
    FROM user_courses uc JOIN courses c ON c.id = uc.course_id
    WHERE uc.user_id = ${userId} AND uc.status = 'IN_PROGRESS' AND c.archived_at IS NULL
  `.execute(s.db);
  let best: LearnerFacts["bestCourse"] = null;
  for (const r of courses.rows) {
    const total = Number(r.total);
    const name = cleanCourseName(r.name);
    if (!total || !name) continue;
    // In progress: never "100 %" (the last step is still to do).
    const percent = Math.min(99, Math.floor((Number(r.done) * 100) / total));
    if (!best || percent > best.percent) best = { name, slug: r.slug, percent };
  }
  return { petName: cleanPetName(pet?.name), bestCourse: best, completedSteps };
}

/**
 * The two links of a message: the tracked path it opens (in-app, push,
 * Telegram button) and the signed one-click unsubscribe address (email
 * header and footer, Telegram text).
 */
export function messageLinks(
  config: Services["config"],
  campaignId: string,
  level: number,
  userId: string,
): { token: string; url: string; unsubscribeUrl: string } {
  const token = clickToken(config, campaignId, level);
  return {
    token,
    url: clickPath(token),
    unsubscribeUrl: absoluteUrl(config, unsubscribePath(unsubscribeToken(config, userId))),
  };
}

interface DueCampaign {
  id: string;
  user_id: string;
  level: number;
  last_activity_at: Date;
  notifications_sent: number;
}

/** The highest level due at `now`, not below the campaign's next one; null before it is due. */
export function dueLevel(
  days: readonly number[],
  lastActivity: Date,
  nextLevel: number,
  now: Date,
): Level | null {
  let due: number | null = null;
  for (let l = nextLevel; l <= days.length && l <= 4; l++) {
    if (lastActivity.getTime() + days[l - 1] * DAY_MS <= now.getTime()) due = l;
  }
  return due as Level | null;
}

type SendOutcome = "sent" | "skipped" | "none" | ReengagementEndReason;

/**
 * Step 3 for one campaign: sends its due message (or ends it). Says what
 * happened, and whether this call finished the campaign.
 */
async function sendDue(
  s: Services,
  c: DueCampaign,
  now: Date,
): Promise<{ outcome: SendOutcome; finished?: boolean }> {
  const days = s.config.reengagement.days;
  const user = await s.db.selectFrom("users").select(["id", "locale", "disabled_at"])
    .where("id", "=", c.user_id).executeTakeFirst();
  if (!user || user.disabled_at) {
    await endCampaign(s, c.id, "disabled", now);
    return { outcome: "disabled" };
  }
  if (!(await wantsNews(s, c.user_id))) {
    await endCampaign(s, c.id, "opted_out", now);
    return { outcome: "opted_out" };
  }
  if (c.level > Math.min(days.length, 4)) {
    // The configured days were shortened under a running campaign: it has had its last level.
    await endCampaign(s, c.id, "finished", now);
    return { outcome: "none", finished: true };
  }
  const level = dueLevel(days, c.last_activity_at, c.level, now);
  if (level === null) return { outcome: "none" };

  // The message row comes first (unique per campaign and level): a retry after
  // a crash finds it and sends the same variant through the same link.
  const facts = await learnerFacts(s, c.user_id);
  const vars = variantVars(facts);
  const t = translator(isLocale(user.locale) ? user.locale : "ru");
  const { token, url, unsubscribeUrl } = messageLinks(s.config, c.id, level, c.user_id);
  const existing = () =>
    s.db.selectFrom("reengagement_notifications").select(["id", "variant_id", "sent_at"])
      .where("campaign_id", "=", c.id).where("level", "=", level).executeTakeFirst();
  let row = await existing();
  if (!row) {
    const used = new Set(
      (await s.db.selectFrom("reengagement_notifications").select("variant_id")
        .where("user_id", "=", c.user_id).execute()).map((r) => r.variant_id),
    );
    const picked = pickVariant(level, facts, used, `${c.id}:${level}`);
    if (picked) {
      await s.db.insertInto("reengagement_notifications").values({
        id: newId(),
        campaign_id: c.id,
        user_id: c.user_id,
        level,
        variant_id: picked.id,
        title: t(picked.title, vars).slice(0, 200),
        body: t(picked.body, vars).slice(0, 2000),
        url: facts.bestCourse ? coursePath(facts.bestCourse.slug) : cataloguePath(),
        click_token: token,
        created_at: now,
      }).onConflict((oc) => oc.doNothing()).execute();
      row = await existing();
    }
  }
  const variant = row ? LIBRARY.find((v) => v.id === row.variant_id) : undefined;
  let sent = false;
  if (row && variant && !row.sent_at) {
    const result = await notify(s, c.user_id, {
      kind: `reengagement.l${level}`,
      titleKey: variant.title,
      bodyKey: variant.body,
      vars,
      url,
      unsubscribeUrl,
      dedupeKey: `reengagement:${c.id}:${level}`,
    });
    if (!result) return { outcome: "none" };
    const marked = await s.db.updateTable("reengagement_notifications")
      .set({ sent_at: now, notification_id: result.id })
      .where("id", "=", row.id).where("sent_at", "is", null).executeTakeFirst();
    // A concurrent run that marked it first counts it, not this one.
    sent = Number(marked.numUpdatedRows) > 0;
  } else if (!row) {
    log.info("reengagement: no variant left", { campaignId: c.id, level });
  }

  // Advance (guarded by the level read, so a concurrent run advances once).
  const last = level >= Math.min(days.length, 4);
  const advanced = await s.db.updateTable("reengagement_campaigns").set(
    last
      ? {
        level,
        notifications_sent: sql<number>`notifications_sent + ${sent ? 1 : 0}`,
        status: "FINISHED",
        end_reason: "finished",
        ended_at: now,
        next_notification_at: null,
      }
      : {
        level: level + 1,
        notifications_sent: sql<number>`notifications_sent + ${sent ? 1 : 0}`,
        next_notification_at: new Date(c.last_activity_at.getTime() + days[level] * DAY_MS),
      },
  ).where("id", "=", c.id).where("status", "=", "ACTIVE").where("level", "=", c.level)
    .executeTakeFirst();
  return {
    outcome: sent ? "sent" : row ? "none" : "skipped",
    finished: last && Number(advanced.numUpdatedRows) > 0,
  };
}

/** The daily run: close, start, send (see the module comment). */
export async function runReengagement(
  s: Services,
  opts: { now?: Date; signal?: AbortSignal } = {},
): Promise<RunResult> {
  const now = opts.now ?? new Date();
  const result: RunResult = { closed: emptyClosed(), started: 0, sent: 0, skipped: 0 };
  if (!s.config.reengagement.enabled) return result;
  await closeCampaigns(s, now, result.closed);
  result.started = await startCampaigns(s, now, opts.signal);
  const due = await s.db.selectFrom("reengagement_campaigns")
    .select(["id", "user_id", "level", "last_activity_at", "notifications_sent"])
    .where("status", "=", "ACTIVE").where("next_notification_at", "<=", now)
    .orderBy("next_notification_at").limit(BATCH).execute();
  for (const c of due) {
    opts.signal?.throwIfAborted();
    const { outcome, finished } = await sendDue(s, c, now);
    if (outcome === "sent") result.sent++;
    else if (outcome === "skipped") result.skipped++;
    else if (outcome !== "none") result.closed[outcome]++;
    if (finished) result.closed.finished++;
  }
  return result;
}
