/**
 * Campaign figures for /ops/campaigns: per level, messages sent in a window,
 * how many were opened (the tracked link), and how many learners completed a
 * step within 7 days of the message; the campaigns running now by the level
 * they send next; the campaigns that ended in the window, by reason.
 */
import { sql } from "kysely";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { requireOps } from "../auth/guards.ts";
import type { ReengagementEndReason } from "@/db/schema.ts";

const DAY_MS = 86_400_000;
export const FIGURES_WINDOW_DAYS = 30;
export const RETURN_WINDOW_DAYS = 7;

export interface LevelFigures {
  level: number;
  /** The day after the last activity this level is sent on (config). */
  day: number | null;
  sent: number;
  clicked: number;
  returned: number;
  /** Shares of `sent`, 0–1 (0 when nothing was sent). */
  clickRate: number;
  returnRate: number;
}

export interface CampaignFigures {
  enabled: boolean;
  from: Date;
  to: Date;
  levels: LevelFigures[];
  total: Omit<LevelFigures, "level" | "day">;
  active: { level: number; count: number }[];
  activeTotal: number;
  ended: { reason: ReengagementEndReason; count: number }[];
}

const rate = (n: number, of: number) => (of ? n / of : 0);

/** The figures (moderators and admins). */
export async function campaignFigures(
  s: Services,
  actor: SessionUser | null,
  now = new Date(),
): Promise<CampaignFigures> {
  requireOps(actor, { write: false });
  const days = s.config.reengagement.days;
  const from = new Date(now.getTime() - FIGURES_WINDOW_DAYS * DAY_MS);
  const sent = await s.db.selectFrom("reengagement_notifications as n")
    .select([
      "n.level",
      sql<number>`count(*)::int`.as("sent"),
      sql<number>`count(n.clicked_at)::int`.as("clicked"),
      sql<number>`count(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_steps us
        WHERE us.user_id = n.user_id AND us.completed_at > n.sent_at
          AND us.completed_at <= n.sent_at + make_interval(days => ${RETURN_WINDOW_DAYS})))::int`
        .as("returned"),
    ])
    .where("n.sent_at", ">=", from).where("n.sent_at", "<=", now)
    .groupBy("n.level").execute();
  const byLevel = new Map(sent.map((r) => [r.level, r]));
  const levels: LevelFigures[] = [];
  for (let level = 1; level <= Math.max(days.length, ...byLevel.keys()); level++) {
    const r = byLevel.get(level);
    const n = {
      sent: Number(r?.sent ?? 0),
      clicked: Number(r?.clicked ?? 0),
      returned: Number(r?.returned ?? 0),
    };
    levels.push({
      level,
      day: days[level - 1] ?? null,
      ...n,
      clickRate: rate(n.clicked, n.sent),
      returnRate: rate(n.returned, n.sent),
    });
  }
  const sum = (k: "sent" | "clicked" | "returned") => levels.reduce((a, l) => a + l[k], 0);
  const total = { sent: sum("sent"), clicked: sum("clicked"), returned: sum("returned") };

  const active = await s.db.selectFrom("reengagement_campaigns")
    .select(["level", sql<number>`count(*)::int`.as("count")])
    .where("status", "=", "ACTIVE").groupBy("level").orderBy("level").execute();
  const ended = await s.db.selectFrom("reengagement_campaigns")
    .select(["end_reason", sql<number>`count(*)::int`.as("count")])
    .where("ended_at", ">=", from).where("ended_at", "<=", now)
    .where("end_reason", "is not", null)
    .groupBy("end_reason").orderBy("end_reason").execute();

  return {
    enabled: s.config.reengagement.enabled,
    from,
    to: now,
    levels,
    total: {
      ...total,
      clickRate: rate(total.clicked, total.sent),
      returnRate: rate(total.returned, total.sent),
    },
    active: active.map((r) => ({ level: r.level, count: Number(r.count) })),
    activeTotal: active.reduce((a, r) => a + Number(r.count), 0),
    ended: ended.map((r) => ({ reason: r.end_reason!, count: Number(r.count) })),
  };
}

/**
 * An admin's "run now": queues the daily run (safe at any time — it sends
 * only what is due and nothing twice). One per minute however often clicked.
 */
export async function queueCampaignRun(
  s: Services,
  actor: SessionUser | null,
  now = new Date(),
): Promise<string> {
  requireOps(actor, { write: true });
  return await s.jobs.enqueue("reengagement", {}, {
    dedupeKey: `ops:reengagement:${Math.floor(now.getTime() / 60_000)}`,
  });
}
