/**
 * `GET /api/v1/notifications?before=<id>&limit=20&unread=1` → the signed-in
 * user's notifications, newest first:
 * `{ items: [{id, kind, title, body, url, read, createdAt}], next, unread }`.
 * `next` is the `before` of the following page (null at the end).
 */
import { define } from "@/define.ts";
import { listNotifications, listQuerySchema, unreadCount } from "@/core/notifications.ts";
import { requireUser } from "@/core/auth/guards.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, notificationPageSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services, t } = ctx.state;
    const user = requireUser(ctx.state.user);
    const page = await listNotifications(
      services,
      user,
      t,
      Object.fromEntries(ctx.url.searchParams),
    );
    return Response.json({
      items: page.items.map((n) => ({ ...n, createdAt: n.createdAt.toISOString() })),
      next: page.next,
      unread: await unreadCount(services, user.id),
    }, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The user's notifications, newest first, a page at a time",
    tags: ["notifications"],
    auth: "user",
    query: listQuerySchema,
    responses: {
      200: { description: "A page", schema: notificationPageSchema },
      ...errorResponses(400, 401),
    },
  },
};
