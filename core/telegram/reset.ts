/**
 * `/reset` in the bot: a password reset link for the account linked to the
 * chat, answered in that chat only. The per-account reset limit of the web
 * form applies (the same KV counter), so the bot is no way around it.
 */
import type { Services } from "../services.ts";
import { enforce, RATE_RULES } from "../rate_limit.ts";
import { issueResetToken, resetUrl } from "../auth/password_reset.ts";
import { log } from "@/platform/log.ts";

/**
 * Issues a reset link for `userId` (the account the bot found linked to the
 * asking chat). Throws `RateLimitedError` over the per-account limit.
 */
export async function resetLinkForChat(
  s: Services,
  linked: { id: string },
  now = new Date(),
): Promise<string> {
  await enforce(s.kv, RATE_RULES.resetAccount, linked.id, now.getTime());
  const token = await issueResetToken(s, linked.id, now);
  log.info("password reset link issued", { userId: linked.id, channels: ["telegram-command"] });
  return resetUrl(s.config, token);
}
