/**
 * `ops-alert`: something operators must know about. Two shapes:
 *
 * - a plain alert `{ level, title, message?, source?, url? }` (a queue stuck,
 *   a job dead…);
 * - an error-group alert `{ groupId, reason: "new" | "regressed" }` (enqueued
 *   by core/error_tracking.ts); the group is read when the alert goes out, so the
 *   text is current.
 *
 * Every alert is logged at its level, then goes to TELEGRAM_ALERT_CHAT_ID
 * through the `telegram` queue, grouped and throttled (core/ops_alerts.ts:
 * one message per group per 10 minutes, later ones counted into the next).
 * Groups: `error:<id>` per error group, `job:<name>` per dead job's type
 * (queues/outcome.ts), `ready` (queues/jobs/ready_check.ts), else source +
 * title.
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { log } from "@/platform/log.ts";
import { type AlertOutcome, deliverAlert } from "@/core/ops_alerts.ts";
import { opsErrorGroupPath } from "@/core/paths.ts";

/** Translated titles an alert may carry for the chat. */
const ALERT_TITLES = [
  "delivery.alert.jobDead",
  "delivery.alert.readyFailing",
  "delivery.alert.readyRecovered",
] as const;

const plainAlert = z.object({
  level: z.enum(["info", "warning", "critical"]).default("warning"),
  title: z.string().min(1).max(200),
  message: z.string().max(4_000).default(""),
  /** Where it comes from, e.g. "jobs", "video". */
  source: z.string().max(64).optional(),
  /** A link for the operator (an ops page). */
  url: z.string().max(500).optional(),
  /** Alerts of one group are throttled together (default: source + title). */
  group: z.string().min(1).max(200).optional(),
  titleKey: z.enum(ALERT_TITLES).optional(),
  vars: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
}).strict();

const errorGroupAlert = z.object({
  groupId: z.string().min(1).max(64),
  reason: z.enum(["new", "regressed"]),
}).strict();

export const opsAlertSchema = z.union([plainAlert, errorGroupAlert]);
export type OpsAlert = z.input<typeof opsAlertSchema>;

export interface DeliveredAlert {
  level: "info" | "warning" | "critical";
  title: string;
  titleKey?: typeof ALERT_TITLES[number];
  vars?: Record<string, string | number>;
  message: string;
  group?: string;
  source?: string;
  url?: string;
  telegram?: AlertOutcome;
}

export default defineJob({
  name: "ops-alert",
  queue: "ops-alert",
  schema: opsAlertSchema,
  retry: [10_000, 60_000, 300_000],
  timeoutMs: 30_000,
  async handler(payload, ctx): Promise<DeliveredAlert | { skipped: string }> {
    let alert: DeliveredAlert;
    if ("groupId" in payload) {
      const g = await ctx.services.db.selectFrom("error_groups")
        .select(["type", "message", "source", "count", "status"])
        .where("id", "=", payload.groupId).executeTakeFirst();
      // Deleted since (resolved and cleaned): nothing to tell.
      if (!g) return { skipped: "error group no longer exists" };
      alert = {
        level: "warning",
        title: `${payload.reason === "new" ? "New error" : "Error regressed"}: ${g.type}`,
        message: `${g.message} (${g.source}, ${g.count}×)`,
        source: "errors",
        group: `error:${payload.groupId}`,
        url: opsErrorGroupPath(payload.groupId),
      };
    } else {
      alert = payload;
    }
    const fields = {
      alert: alert.title,
      level: alert.level,
      source: alert.source,
      url: alert.url,
      detail: alert.message,
    };
    if (alert.level === "critical") log.error("ops alert", fields);
    else if (alert.level === "warning") log.warn("ops alert", fields);
    else log.info("ops alert", fields);
    const telegram = await deliverAlert(ctx.services, alert, ctx.job.id);
    return { ...alert, telegram };
  },
});
