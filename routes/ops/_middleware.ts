/**
 * The ops console: admins act, moderators may only look. Reading (GET,
 * HEAD) needs MODERATOR or ADMIN; every other method needs ADMIN, so a
 * page cannot forget to check before it changes something.
 */
import { define } from "@/define.ts";
import { requireOps } from "@/core/auth/guards.ts";

export const handler = define.middleware((ctx) => {
  const method = ctx.req.method;
  requireOps(ctx.state.user, { write: method !== "GET" && method !== "HEAD" });
  return ctx.next();
});
