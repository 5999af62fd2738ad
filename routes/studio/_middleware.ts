/**
 * The trainer studio is for trainers, moderators and admins. A visitor is
 * sent to the login page (and back), a learner gets 403. Handlers below
 * still check ownership of what they touch in core/.
 */
import { define } from "@/define.ts";
import { requireStudio } from "@/core/auth/guards.ts";

export const handler = define.middleware((ctx) => {
  requireStudio(ctx.state.user);
  return ctx.next();
});
