/**
 * `GET /notifications/<id>`: opening a notification (from the list or a
 * push) marks it read and goes to what it is about. Someone else's
 * notification is a 404. Only paths on this site are followed.
 */
import { define } from "@/define.ts";
import { redirect } from "@/http/responses.ts";
import { openNotification } from "@/core/notifications.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { url } = await openNotification(ctx.state.services, ctx.state.user, ctx.params.id);
    return redirect(url ?? "/notifications", 303, { "cache-control": "no-store" });
  },
});
