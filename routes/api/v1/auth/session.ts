/**
 * `GET /api/v1/auth/session` → `{user, csrf}`: who is signed in (or null)
 * and the CSRF token the next unsafe request needs. A client starts here
 * before `POST /api/v1/auth/login` (a visitor gets a pre-session cookie
 * that the token is bound to).
 */
import { define } from "@/define.ts";

export const handler = define.handlers({
  GET(ctx) {
    const u = ctx.state.user;
    return Response.json({
      user: u ? { id: u.id, username: u.username, role: u.role, locale: u.locale } : null,
      csrf: ctx.state.csrf(),
    }, { headers: { "cache-control": "no-store" } });
  },
});
