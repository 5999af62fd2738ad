/**
 * `maintenance`: the daily clean-up (cron, queues/cron.ts).
 *
 * - expired password-reset and Telegram-link tokens;
 * - error reports older than `reportRetentionDays`, then error groups left
 *   without reports (except ignored ones: deleting those would forget the
 *   operator's "ignore");
 * - `ctx.once` markers older than the failed-job retention;
 * - idempotency keys of learner actions older than a week
 *   (core/offline/idempotency.ts);
 * - refresh tokens of the token API a week after they expired or were
 *   revoked (core/auth/tokens.ts);
 * - stored files no row references, older than a day (a fresh upload may not
 *   be saved on its row yet). An exam video counts only while its row has
 *   not marked it removed (`exam-cleanup` deletes it; anything a race left
 *   behind goes here), its review copy likewise.
 *
 * Each step is idempotent (deleting what is already gone is a no-op), so a
 * second delivery after a crash does no harm.
 */
import { z } from "zod";
import { sql } from "kysely";
import { defineJob } from "../define.ts";
import type { Services } from "@/core/services.ts";
import { log } from "@/platform/log.ts";
import { pruneIdempotencyKeys } from "@/core/offline/idempotency.ts";
import { pruneRefreshTokens } from "@/core/auth/tokens.ts";

const DAY = 24 * 3600_000;

/** The key layout of core/storage: every file lives under one of these. */
export const STORAGE_PREFIXES = ["users/", "exams/", "courses/", "steps/", "videos/"] as const;

export const maintenanceSchema = z.object({
  reportRetentionDays: z.number().int().min(1).max(3650).default(30),
  /** Files younger than this are kept even when nothing references them. */
  orphanMinAgeMs: z.number().int().min(0).default(DAY),
}).strict();

export interface MaintenanceResult {
  passwordResetTokens: number;
  telegramLinkTokens: number;
  emailChangeTokens: number;
  refreshTokens: number;
  errorReports: number;
  errorGroups: number;
  jobEffects: number;
  idempotencyKeys: number;
  orphanFiles: number;
  filesKept: number;
}

/** What rows reference in storage: exact keys, key prefixes (HLS), video ids. */
export async function storageReferences(
  db: Services["db"],
): Promise<{ keys: Set<string>; prefixes: string[]; videoIds: Set<string> }> {
  const { rows } = await sql<{ key: string | null }>`
    SELECT avatar_key AS key FROM user_profiles WHERE avatar_key IS NOT NULL
    UNION ALL SELECT photo_key FROM pets WHERE photo_key IS NOT NULL
    UNION ALL SELECT logo_key FROM courses WHERE logo_key IS NOT NULL
    UNION ALL SELECT video_key FROM exam_results
      WHERE video_key IS NOT NULL AND video_deleted_at IS NULL
    UNION ALL SELECT video_review_key FROM exam_results
      WHERE video_review_key IS NOT NULL AND video_deleted_at IS NULL
    UNION ALL SELECT source_key FROM videos WHERE source_key IS NOT NULL
    UNION ALL SELECT thumbnail_key FROM videos WHERE thumbnail_key IS NOT NULL
    UNION ALL SELECT jsonb_array_elements_text(images) FROM steps
    UNION ALL SELECT p ->> 'key' FROM steps, jsonb_array_elements(pdfs) AS p
    UNION ALL SELECT jsonb_array_elements_text(images) FROM step_templates
    UNION ALL SELECT p ->> 'key' FROM step_templates, jsonb_array_elements(pdfs) AS p
  `.execute(db);
  const keys = new Set<string>();
  for (const r of rows) if (r.key) keys.add(r.key);
  const videos = await db.selectFrom("videos").select(["id", "hls_prefix"]).execute();
  const prefixes: string[] = [];
  const videoIds = new Set<string>();
  for (const v of videos) {
    videoIds.add(v.id);
    if (v.hls_prefix) prefixes.push(v.hls_prefix);
  }
  return { keys, prefixes, videoIds };
}

/** Deletes unreferenced files older than `minAgeMs`; returns [deleted, kept]. */
export async function removeOrphanFiles(
  services: Pick<Services, "db" | "storage">,
  minAgeMs: number,
  now = Date.now(),
  signal?: AbortSignal,
): Promise<[number, number]> {
  const refs = await storageReferences(services.db);
  let deleted = 0;
  let kept = 0;
  for (const prefix of STORAGE_PREFIXES) {
    for (const obj of await services.storage.list(prefix)) {
      signal?.throwIfAborted();
      const videoId = obj.key.startsWith("videos/") ? obj.key.split("/")[1] : undefined;
      const referenced = refs.keys.has(obj.key) ||
        refs.prefixes.some((p) => obj.key.startsWith(p)) ||
        (videoId !== undefined && refs.videoIds.has(videoId));
      if (referenced || now - obj.lastModified.getTime() < minAgeMs) {
        kept++;
        continue;
      }
      await services.storage.delete(obj.key);
      deleted++;
    }
  }
  return [deleted, kept];
}

export default defineJob({
  name: "maintenance",
  queue: "maintenance",
  schema: maintenanceSchema,
  retry: [60_000, 600_000],
  timeoutMs: 30 * 60_000,
  async handler(payload, ctx): Promise<MaintenanceResult> {
    const { db, config } = ctx.services;
    const now = new Date();
    const reportCutoff = new Date(now.getTime() - payload.reportRetentionDays * DAY);
    const effectCutoff = new Date(now.getTime() - config.jobsFailedRetentionDays * DAY);

    const passwordResetTokens = Number(
      (await db.deleteFrom("password_reset_tokens").where("expires_at", "<", now)
        .executeTakeFirst()).numDeletedRows,
    );
    const telegramLinkTokens = Number(
      (await db.deleteFrom("telegram_link_tokens").where("expires_at", "<", now)
        .executeTakeFirst()).numDeletedRows,
    );
    const emailChangeTokens = Number(
      (await db.deleteFrom("email_change_tokens").where("expires_at", "<", now)
        .executeTakeFirst()).numDeletedRows,
    );
    const refreshTokens = await pruneRefreshTokens(ctx.services, now.getTime());
    const errorReports = Number(
      (await db.deleteFrom("error_reports").where("occurred_at", "<", reportCutoff)
        .executeTakeFirst()).numDeletedRows,
    );
    // A group seen in the last day may be getting its first report right now.
    const errorGroups = Number(
      (await db.deleteFrom("error_groups")
        .where("status", "!=", "ignored")
        .where("last_seen_at", "<", new Date(now.getTime() - DAY))
        .where((eb) =>
          eb.not(eb.exists(
            eb.selectFrom("error_reports").select(sql.lit(1).as("one"))
              .whereRef("error_reports.group_id", "=", "error_groups.id"),
          ))
        )
        .executeTakeFirst()).numDeletedRows,
    );
    await ctx.progress(40);
    const { rows: effects } = await sql<{ n: number }>`
      WITH d AS (DELETE FROM job_effects WHERE created_at < ${effectCutoff} RETURNING 1)
      SELECT count(*)::int AS n FROM d
    `.execute(db);
    const idempotencyKeys = await pruneIdempotencyKeys(ctx.services, now);
    await ctx.progress(50);
    const [orphanFiles, filesKept] = await removeOrphanFiles(
      ctx.services,
      payload.orphanMinAgeMs,
      now.getTime(),
      ctx.signal,
    );
    const result: MaintenanceResult = {
      passwordResetTokens,
      telegramLinkTokens,
      emailChangeTokens,
      refreshTokens,
      errorReports,
      errorGroups,
      jobEffects: effects[0]?.n ?? 0,
      idempotencyKeys,
      orphanFiles,
      filesKept,
    };
    log.info("maintenance done", { ...result });
    return result;
  },
});
