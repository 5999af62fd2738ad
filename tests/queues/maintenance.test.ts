/**
 * The daily `maintenance` job, run through the real runtime on the app's
 * services (database, local storage): what it deletes and what it keeps.
 */
import { join } from "node:path";
import { sql } from "kysely";
import { assert, assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { backendTest } from "./helpers.ts";
import { json } from "@/db/connection.ts";
import { newId } from "@/platform/ids.ts";
import type { MaintenanceResult } from "@/queues/jobs/maintenance.ts";

const DAY = 24 * 3600_000;

backendTest(
  "maintenance deletes expired tokens, old error reports, empty groups, old markers and old orphan files only",
  async (backend) => {
    await using t = await openTestApp(backend === "postgres" ? { JOBS_BACKEND: "postgres" } : {});
    const { db, storage, jobs } = t.services;
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);

    const userId = newId();
    await db.insertInto("users").values({ id: userId, username: "maint_user", password_hash: "x" })
      .execute();
    await db.insertInto("user_profiles").values({
      user_id: userId,
      avatar_key: `users/${userId}/avatar/keep.png`,
    }).execute();
    const videoId = newId();
    await db.insertInto("videos").values({
      id: videoId,
      owner_id: userId,
      original_name: "a.mp4",
      mime_type: "video/mp4",
      size_bytes: 1,
      hls_prefix: `videos/${videoId}/hls/`,
    }).execute();
    const stepId = newId();
    await db.insertInto("steps").values({
      id: stepId,
      title: "Theory",
      type: "THEORY",
      author_id: userId,
      images: json([`steps/${stepId}/img.png`]),
      pdfs: json([{ key: `steps/${stepId}/doc.pdf`, name: "doc.pdf" }]),
    }).execute();

    // Tokens: one expired, one still valid.
    await db.insertInto("password_reset_tokens").values([
      { id: newId(), user_id: userId, token_hash: "expired", expires_at: ago(60_000) },
      { id: newId(), user_id: userId, token_hash: "valid", expires_at: new Date(now + DAY) },
    ]).execute();

    // Errors: an old group with only old reports, a live group, an ignored empty group.
    const oldGroup = newId(), liveGroup = newId(), ignoredGroup = newId();
    await db.insertInto("error_groups").values([
      {
        id: oldGroup,
        fingerprint: "old",
        source: "server",
        type: "E",
        message: "old",
        last_seen_at: ago(40 * DAY),
      },
      {
        id: liveGroup,
        fingerprint: "live",
        source: "server",
        type: "E",
        message: "live",
        last_seen_at: ago(DAY),
      },
      {
        id: ignoredGroup,
        fingerprint: "ign",
        source: "server",
        type: "E",
        message: "ign",
        status: "ignored",
        last_seen_at: ago(90 * DAY),
      },
    ]).execute();
    await db.insertInto("error_reports").values([
      { id: newId(), group_id: oldGroup, message: "old", occurred_at: ago(40 * DAY) },
      {
        id: newId(),
        group_id: liveGroup,
        message: "old one of a live group",
        occurred_at: ago(31 * DAY),
      },
      { id: newId(), group_id: liveGroup, message: "recent", occurred_at: ago(DAY) },
    ]).execute();

    // ctx.once markers: one past the failed-job retention (14 days), one recent.
    await sql`INSERT INTO job_effects (job_id, key, created_at) VALUES
    ('old-job', 'k', ${ago(20 * DAY)}), ('new-job', 'k', ${ago(DAY)})`.execute(db);

    // Files.
    const old = new Date(now - 2 * DAY);
    const files: Record<string, { old: boolean; keep: boolean }> = {
      [`users/${userId}/avatar/keep.png`]: { old: true, keep: true }, // user_profiles.avatar_key
      [`steps/${stepId}/img.png`]: { old: true, keep: true }, // steps.images
      [`steps/${stepId}/doc.pdf`]: { old: true, keep: true }, // steps.pdfs
      [`videos/${videoId}/hls/720p.m3u8`]: { old: true, keep: true }, // under videos.hls_prefix
      [`videos/${videoId}/work/part.mp4`]: { old: true, keep: true }, // the video row still exists
      [`users/${userId}/avatar/orphan.png`]: { old: true, keep: false },
      [`videos/${newId()}/source.mp4`]: { old: true, keep: false }, // its video row is gone
      [`users/${userId}/avatar/fresh.png`]: { old: false, keep: true }, // unreferenced but new
    };
    const mediaRoot = t.config.mediaDir;
    for (const [key, f] of Object.entries(files)) {
      await storage.put(key, new TextEncoder().encode(key), {
        contentType: "application/octet-stream",
      });
      if (f.old) await Deno.utime(join(mediaRoot, ...key.split("/")), old, old);
    }

    jobs.start();
    const id = await jobs.enqueue("maintenance", {});
    await jobs.drain({ timeoutMs: 30_000 });
    const info = (await jobs.get(id))!;
    assertEquals(info.state, "done", JSON.stringify(info.lastError));
    const result = info.result as MaintenanceResult;

    assertEquals(
      (await db.selectFrom("password_reset_tokens").select("token_hash").execute()).map((r) =>
        r.token_hash
      ),
      ["valid"],
    );
    assertEquals(result.passwordResetTokens, 1);

    const reports = await db.selectFrom("error_reports").select("message").execute();
    assertEquals(reports.map((r) => r.message), ["recent"]);
    const groups = await db.selectFrom("error_groups").select("id").orderBy("fingerprint")
      .execute();
    assertEquals(groups.map((g) => g.id).sort(), [liveGroup, ignoredGroup].sort());
    assertEquals([result.errorReports, result.errorGroups], [2, 1]);

    const { rows: markers } = await sql<{ job_id: string }>`SELECT job_id FROM job_effects`.execute(
      db,
    );
    assertEquals(markers.map((m) => m.job_id), ["new-job"]);

    for (const [key, f] of Object.entries(files)) {
      const exists = (await storage.head(key)) !== null;
      assertEquals(exists, f.keep, `${key} should be ${f.keep ? "kept" : "removed"}`);
    }
    assertEquals(result.orphanFiles, 2);
    assert(result.filesKept >= 6);

    // Running it again changes nothing (a second delivery is harmless).
    const again = await jobs.enqueue("maintenance", {});
    await jobs.drain({ timeoutMs: 30_000 });
    const second = (await jobs.get(again))!.result as MaintenanceResult;
    assertEquals([second.passwordResetTokens, second.errorReports, second.orphanFiles], [0, 0, 0]);
  },
);
