/** `POST /api/v1/auth/logout` → 200 `{ok: true}`; clears the session cookie. */
import { define } from "@/define.ts";
import { endSession } from "@/http/session.ts";
import { log } from "@/platform/log.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const headers = new Headers({ "cache-control": "no-store" });
    await endSession(ctx, headers);
    if (ctx.state.user) log.info("logout", { userId: ctx.state.user.id });
    return Response.json({ ok: true }, { headers });
  },
});
