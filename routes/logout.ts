/**
 * Signing out: POST only (a link or an image cannot sign anyone out), with
 * the CSRF token like every other form. Ends this browser's session.
 */
import { define } from "@/define.ts";
import { endSession } from "@/http/session.ts";
import { redirect } from "@/http/responses.ts";
import { log } from "@/platform/log.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const headers = new Headers();
    await endSession(ctx, headers);
    if (ctx.state.user) log.info("logout", { userId: ctx.state.user.id });
    return redirect("/", 303, headers);
  },
});
