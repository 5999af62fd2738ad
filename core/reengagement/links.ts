/**
 * What the links in a campaign message do: the one-click unsubscribe and the
 * tracked click. Both are reached without a session — the token is the
 * authorisation — so both answer the same for every bad token (no detail).
 */
import type { Services } from "../services.ts";
import { NotFoundError } from "../auth/guards.ts";
import { isLocalPath } from "../notifications.ts";
import { unsubscribeCategory } from "../notification_prefs.ts";
import { endActiveCampaign } from "./campaigns.ts";
import { isClickToken, verifyUnsubscribeToken } from "./tokens.ts";

/** The user of a valid unsubscribe token; NotFoundError otherwise (also for a deleted user). */
export async function unsubscribeTarget(s: Services, token: string): Promise<{ userId: string }> {
  const userId = verifyUnsubscribeToken(s.config, token);
  if (!userId) throw new NotFoundError();
  const user = await s.db.selectFrom("users").select("id").where("id", "=", userId)
    .executeTakeFirst();
  if (!user) throw new NotFoundError();
  return { userId };
}

/**
 * Unsubscribes the token's user from campaign messages and news on every
 * channel and ends the running campaign, so no further message is made
 * (queued ones are dropped at delivery, which reads the choices again).
 * Safe to repeat.
 */
export async function unsubscribeByToken(
  s: Services,
  token: string,
  now = new Date(),
): Promise<{ userId: string }> {
  const { userId } = await unsubscribeTarget(s, token);
  await unsubscribeCategory(s, userId, "news");
  await endActiveCampaign(s, userId, "unsubscribed", now);
  return { userId };
}

/**
 * Follows a tracked link: the first click is recorded (`track: false` for
 * link previews and HEAD), and the stored target — a path on this site — is
 * returned. An unknown token leads home.
 */
export async function followClick(
  s: Services,
  token: string,
  opts: { now?: Date; track?: boolean } = {},
): Promise<string> {
  if (!isClickToken(token)) return "/";
  const now = opts.now ?? new Date();
  const row = await s.db.selectFrom("reengagement_notifications")
    .select(["id", "url", "clicked_at"])
    .where("click_token", "=", token).executeTakeFirst();
  if (!row) return "/";
  if (opts.track !== false && !row.clicked_at) {
    await s.db.updateTable("reengagement_notifications").set({ clicked_at: now })
      .where("id", "=", row.id).where("clicked_at", "is", null).execute();
  }
  return row.url && isLocalPath(row.url) ? row.url : "/";
}
