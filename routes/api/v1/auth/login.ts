/**
 * `POST /api/v1/auth/login` `{login, password}` → 200 `{user, csrf}` and the
 * session cookie. `csrf` is the token for the signed-in session (the one
 * from before login stops matching). Errors: 400 invalid input, 401 wrong
 * credentials, 403 disabled account (or missing CSRF token), 429 too many
 * attempts (with Retry-After).
 */
import { define } from "@/define.ts";
import { checkCredentials } from "./(_lib)/sign_in.ts";
import { startSession } from "@/http/session.ts";
import { csrfTokenForUser } from "@/http/csrf.ts";
import { loginSchema } from "@/core/auth/login.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { apiUserSchema, err, INVALID, RATE_LIMITED } from "./(_lib)/schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = await checkCredentials(ctx);
    if (user instanceof Response) return user;
    const headers = new Headers({ "cache-control": "no-store" });
    await startSession(ctx, headers, user);
    const { id, username, role, locale, sessionVersion } = user;
    return Response.json({
      user: { id, username, role, locale },
      csrf: csrfTokenForUser(ctx.state.services.config.secrets.session, { id, sessionVersion }),
    }, { headers });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Sign in a browser (session cookie)",
    description: "For web pages: sets the session cookie and answers the CSRF token of the " +
      "signed-in session. Needs the pre-session CSRF token from `GET /api/v1/auth/session`. " +
      "Apps use `/api/v1/auth/token` instead.",
    tags: ["auth"],
    auth: "none",
    body: z.object(loginSchema.shape),
    responses: {
      200: {
        description: "Signed in; the cookie is set",
        schema: z.object({ user: apiUserSchema, csrf: z.string() }),
      },
      400: INVALID,
      401: err("Wrong login or password (`invalid_credentials`)"),
      403: err("The account is disabled (`account_disabled`), or no valid CSRF token (`csrf`)"),
      413: err("Body too large"),
      429: RATE_LIMITED,
    },
  },
};
