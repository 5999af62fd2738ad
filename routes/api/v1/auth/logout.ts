/**
 * `POST /api/v1/auth/logout` → 200 `{ok: true}`. With a bearer token: ends
 * that login of the token API (its refresh tokens and access tokens stop
 * working at once). With the cookie: ends the browser session and clears
 * the cookie (CSRF token required, as for every cookie call).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { endSession } from "@/http/session.ts";
import { revokeFamily } from "@/core/auth/tokens.ts";
import { log } from "@/platform/log.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { CSRF, INVALID_TOKEN, RATE_LIMITED } from "./(_lib)/schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const headers = new Headers({ "cache-control": "no-store" });
    const { token, user, services } = ctx.state;
    if (token) {
      await revokeFamily(services, token.familyId);
      log.info("api logout", { userId: token.userId, familyId: token.familyId });
    } else {
      await endSession(ctx, headers);
      if (user) log.info("logout", { userId: user.id });
    }
    return Response.json({ ok: true }, { headers });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Sign out",
    description: "With a bearer token: revokes that login (its refresh token and every access " +
      "token issued from it). With the session cookie: ends the browser session.",
    tags: ["auth"],
    auth: "optional",
    responses: {
      200: { description: "Signed out", schema: z.object({ ok: z.literal(true) }) },
      401: INVALID_TOKEN,
      403: CSRF,
      429: RATE_LIMITED,
    },
  },
};
