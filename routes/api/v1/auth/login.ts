/**
 * `POST /api/v1/auth/login` `{login, password}` → 200 `{user, csrf}` and the
 * session cookie. `csrf` is the token for the signed-in session (the one
 * from before login stops matching). Errors: 400 invalid input, 401 wrong
 * credentials, 403 disabled account (or missing CSRF token), 429 too many
 * attempts (with Retry-After).
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { jsonError } from "@/http/errors.ts";
import { startSession } from "@/http/session.ts";
import { clientIp } from "@/http/rate_limit.ts";
import { csrfTokenForUser } from "@/http/csrf.ts";
import { authenticate, type LoginInput } from "@/core/auth/login.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { t, services } = ctx.state;
    const body = await readJson(ctx);
    const result = await authenticate(services, body as LoginInput, { ip: clientIp(ctx) });
    if (!result.ok) {
      return result.reason === "disabled"
        ? jsonError(403, "account_disabled", t("auth.login.disabled"))
        : jsonError(401, "invalid_credentials", t("auth.login.invalid"));
    }
    const headers = new Headers({ "cache-control": "no-store" });
    await startSession(ctx, headers, result.user);
    const { id, username, role, locale, sessionVersion } = result.user;
    return Response.json({
      user: { id, username, role, locale },
      csrf: csrfTokenForUser(services.config.secrets.session, { id, sessionVersion }),
    }, { headers });
  },
});
