/**
 * `POST /api/v1/notifications/read` (CSRF header required) with
 * `{ ids: [...] }` or `{ all: true, until?: <id> }` → `{ updated, unread }`.
 * Only the user's own notifications change; other ids are ignored.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { markRead, markReadSchema, unreadCount } from "@/core/notifications.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const { services } = ctx.state;
    const user = requireUser(ctx.state.user);
    const updated = await markRead(services, user, await readJson(ctx, 16 * 1024));
    return Response.json({ updated, unread: await unreadCount(services, user.id) }, {
      headers: { "cache-control": "no-store" },
    });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Mark some or all of one's notifications read",
    tags: ["notifications"],
    auth: "user",
    body: markReadSchema,
    responses: {
      200: {
        description: "How many changed, and how many are unread now",
        schema: z.object({ updated: z.number().int(), unread: z.number().int() }),
      },
      ...errorResponses(400, 401, 403, 413),
    },
  },
};
