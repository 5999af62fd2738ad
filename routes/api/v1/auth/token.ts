/**
 * `POST /api/v1/auth/token` `{login, password}` → 200 `{user, tokenType,
 * accessToken, expiresIn, refreshToken, refreshExpiresIn}`: a login of the
 * token API (no cookie is set). The same checks and rate limits as the web
 * login (core/auth/login.ts).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { checkCredentials } from "./(_lib)/sign_in.ts";
import { loginSchema } from "@/core/auth/login.ts";
import { issueTokens } from "@/core/auth/tokens.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { apiUser, err, INVALID, RATE_LIMITED, signedInSchema } from "./(_lib)/schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const user = await checkCredentials(ctx);
    if (user instanceof Response) return user;
    const tokens = await issueTokens(ctx.state.services, user, {
      userAgent: ctx.req.headers.get("user-agent"),
    });
    return Response.json({ user: apiUser(user), ...tokens }, {
      headers: { "cache-control": "no-store" },
    });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Sign in: an access token and a refresh token",
    description:
      "`login` is a username or an email. Send the access token as `Authorization: Bearer …` " +
      "(no CSRF token needed); before it expires, exchange the refresh token at " +
      "`/api/v1/auth/refresh`. Same rate limits as the web login.",
    tags: ["auth"],
    auth: "none",
    body: z.object(loginSchema.shape),
    responses: {
      200: { description: "Signed in", schema: signedInSchema },
      400: INVALID,
      401: err("Wrong login or password (`invalid_credentials`)"),
      403: err("The account is disabled (`account_disabled`), or a cross-site call (`csrf`)"),
      413: err("Body too large"),
      429: RATE_LIMITED,
    },
  },
};
