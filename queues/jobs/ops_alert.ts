/**
 * `ops-alert`: something operators must know about. Two shapes:
 *
 * - a plain alert `{ level, title, message?, source?, url? }` (a queue stuck,
 *   a job dead…);
 * - an error-group alert `{ groupId, reason: "new" | "regressed" }` (enqueued
 *   by core/error_tracking.ts); the group is read when the alert goes out, so the
 *   text is current.
 *
 * For now the alert is logged at warn/error level; the Telegram bot will
 * deliver it to TELEGRAM_ALERT_CHAT_ID later (this handler is the place).
 */
import { z } from "zod";
import { defineJob } from "../define.ts";
import { log } from "@/platform/log.ts";

const plainAlert = z.object({
  level: z.enum(["info", "warning", "critical"]).default("warning"),
  title: z.string().min(1).max(200),
  message: z.string().max(4_000).default(""),
  /** Where it comes from, e.g. "jobs", "video". */
  source: z.string().max(64).optional(),
  /** A link for the operator (an ops page). */
  url: z.string().max(500).optional(),
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
  message: string;
  source?: string;
  url?: string;
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
        url: `/ops/errors/${payload.groupId}`,
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
    return alert;
  },
});
