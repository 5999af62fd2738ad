/**
 * `GET /api/v1/users/username-available?u=name` → `{username, available,
 * current}` for the live check in settings. Signed-in users only (401),
 * bad format → 400 with `fields.u`, over the limit → 429.
 */
import { define } from "@/define.ts";
import { usernameAvailability, usernameQuerySchema } from "@/core/auth/account.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const result = await usernameAvailability(ctx.state.services, ctx.state.user, {
      u: ctx.url.searchParams.get("u") ?? "",
    });
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "Whether a username is free (the live check in settings)",
    tags: ["profile"],
    auth: "user",
    query: usernameQuerySchema,
    responses: {
      200: {
        description: "Availability",
        schema: z.object({ username: z.string(), available: z.boolean(), current: z.boolean() }),
      },
      ...errorResponses(400, 401, 429),
    },
  },
};
