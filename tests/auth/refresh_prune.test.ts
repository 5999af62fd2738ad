/**
 * The daily clean-up (cron's `maintenance`) deletes refresh tokens a week
 * after they expired or were revoked, and keeps the rest: live ones, spent
 * ones still in date (their reuse is what reveals a copied token), and those
 * expired or revoked only days ago. A live login still refreshes after it.
 */
import { assertEquals } from "../helpers/assert.ts";
import { openTestApp } from "../helpers/app.ts";
import { signIn } from "../helpers/session.ts";
import { startCron } from "@/queues/cron.ts";
import { issueTokens, REFRESH_PRUNE_AFTER_DAYS, refreshTokens } from "@/core/auth/tokens.ts";
import type { MaintenanceResult } from "@/queues/jobs/maintenance.ts";
import { newId } from "@/platform/ids.ts";

const DAY = 86_400_000;

Deno.test("the daily maintenance prunes refresh tokens expired or revoked over a week ago, and only those", async () => {
  await using t = await openTestApp();
  const db = t.services.db;
  const user = await signIn(t, "prune_me");
  const now = Date.now();
  const ago = (days: number) => new Date(now - days * DAY);
  const rows: Record<string, { expires: Date; used?: Date; revoked?: Date; kept: boolean }> = {
    live: { expires: ago(-20), kept: true },
    spentInDate: { expires: ago(-20), used: ago(1), kept: true },
    expiredDaysAgo: { expires: ago(REFRESH_PRUNE_AFTER_DAYS - 2), kept: true },
    revokedDaysAgo: { expires: ago(-20), revoked: ago(REFRESH_PRUNE_AFTER_DAYS - 2), kept: true },
    expiredLongAgo: { expires: ago(REFRESH_PRUNE_AFTER_DAYS + 1), kept: false },
    spentExpiredLongAgo: {
      expires: ago(REFRESH_PRUNE_AFTER_DAYS + 30),
      used: ago(60),
      kept: false,
    },
    revokedLongAgo: { expires: ago(-20), revoked: ago(REFRESH_PRUNE_AFTER_DAYS + 1), kept: false },
  };
  for (const [name, r] of Object.entries(rows)) {
    await db.insertInto("refresh_tokens").values({
      id: newId(),
      user_id: user.id,
      family_id: newId(),
      token_hash: name,
      session_version: 0,
      expires_at: r.expires,
      used_at: r.used ?? null,
      revoked_at: r.revoked ?? null,
    }).execute();
  }
  // Another account's login (a login prunes its own account's expired rows).
  const other = await signIn(t, "prune_other");
  const session = await db.selectFrom("users").select("session_version")
    .where("id", "=", other.id).executeTakeFirstOrThrow();
  const login = await issueTokens(t.services, {
    id: other.id,
    sessionVersion: session.session_version,
  });

  // What cron does at 04:30: enqueue the day's maintenance, which the runtime runs.
  const cron = startCron(t.services, { cron: () => {} });
  const jobId = await cron.tick("maintenance");
  cron.stop();
  t.services.jobs.start();
  await t.services.jobs.drain({ timeoutMs: 30_000 });
  const info = (await t.services.jobs.get(jobId))!;
  assertEquals(info.state, "done", JSON.stringify(info.lastError));
  assertEquals((info.result as MaintenanceResult).refreshTokens, 3);

  const left = (await db.selectFrom("refresh_tokens").select("token_hash")
    .where("token_hash", "in", Object.keys(rows)).execute()).map((r) => r.token_hash).sort();
  assertEquals(
    left,
    Object.entries(rows).filter(([, r]) => r.kept).map(([name]) => name).sort(),
  );
  const next = await refreshTokens(t.services, { refreshToken: login.refreshToken }, {
    ip: "203.0.113.9",
  });
  assertEquals(next.tokenType, "Bearer");
});
