/**
 * `POST /api/v1/auth/refresh` `{refreshToken}` → 200 a new access token and
 * refresh token. Each refresh token works once; presenting a spent one
 * revokes every token of that login (core/auth/tokens.ts).
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { clientIp } from "@/http/rate_limit.ts";
import { refreshSchema, refreshTokens, tokenPairSchema } from "@/core/auth/tokens.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { err, INVALID, RATE_LIMITED } from "./(_lib)/schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const body = await readJson(ctx);
    const tokens = await refreshTokens(ctx.state.services, body as { refreshToken: string }, {
      ip: clientIp(ctx),
      userAgent: ctx.req.headers.get("user-agent"),
    });
    return Response.json(tokens, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Exchange a refresh token for a new pair",
    description:
      "One use per refresh token: the answer carries the next one. A refresh token used a " +
      "second time is taken for stolen — every token of that login is revoked and the app " +
      "must sign in again.",
    tags: ["auth"],
    auth: "none",
    body: refreshSchema,
    responses: {
      200: { description: "A new access token and refresh token", schema: tokenPairSchema },
      400: INVALID,
      401: err("Unknown, spent, expired or revoked refresh token (`invalid_grant`)"),
      403: err("A cross-site call (`csrf`)"),
      413: err("Body too large"),
      429: RATE_LIMITED,
    },
  },
};
