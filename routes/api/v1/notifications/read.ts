/**
 * `POST /api/v1/notifications/read` (CSRF header required) with
 * `{ ids: [...] }` or `{ all: true, until?: <id> }` → `{ updated, unread }`.
 * Only the user's own notifications change; other ids are ignored.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { markRead, unreadCount } from "@/core/notifications.ts";
import { requireUser } from "@/core/auth/guards.ts";

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
