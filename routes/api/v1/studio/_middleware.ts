/** The studio's JSON API: trainers, moderators and admins only (401 / 403 otherwise). */
import { define } from "@/define.ts";
import { requireStudio } from "@/core/auth/guards.ts";

export const handler = define.middleware((ctx) => {
  requireStudio(ctx.state.user);
  return ctx.next();
});
