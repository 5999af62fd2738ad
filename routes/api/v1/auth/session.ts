/**
 * `GET /api/v1/auth/session` → `{user, csrf}`: who is signed in (or null)
 * and the CSRF token the next unsafe request needs. A client starts here
 * before `POST /api/v1/auth/login` (a visitor gets a pre-session cookie
 * that the token is bound to).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { apiUserSchema, INVALID_TOKEN, RATE_LIMITED } from "./(_lib)/schemas.ts";

export const handler = define.handlers({
  GET(ctx) {
    const u = ctx.state.user;
    return Response.json({
      user: u ? { id: u.id, username: u.username, role: u.role, locale: u.locale } : null,
      csrf: ctx.state.csrf(),
    }, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "Who is signed in, and the CSRF token for cookie calls",
    description: "With a bearer token: the token's user (no CSRF token is needed then).",
    tags: ["auth"],
    auth: "optional",
    responses: {
      200: {
        description: "The user (null for a visitor) and a CSRF token",
        schema: z.object({ user: apiUserSchema.nullable(), csrf: z.string() }),
      },
      401: INVALID_TOKEN,
      429: RATE_LIMITED,
    },
  },
};
