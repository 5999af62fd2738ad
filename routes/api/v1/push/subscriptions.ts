/**
 * The signed-in user's push subscriptions (CSRF header required).
 *
 * - `POST` body: `PushSubscription.toJSON()` (`{endpoint, keys: {p256dh, auth}}`)
 *   → 201 `{id}` for a new one, 200 `{id}` when the endpoint was known.
 * - `DELETE` body: `{endpoint}` → 204; 404 when the user has no such
 *   subscription (someone else's included).
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { deleteSubscription, saveSubscription } from "@/core/push/subscriptions.ts";

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers({
  async POST(ctx) {
    const { services, user } = ctx.state;
    const body = await readJson(ctx, 8 * 1024);
    const saved = await saveSubscription(
      services,
      user,
      body,
      ctx.req.headers.get("user-agent"),
    );
    return Response.json({ id: saved.id }, {
      status: saved.created ? 201 : 200,
      headers: NO_STORE,
    });
  },
  async DELETE(ctx) {
    const { services, user } = ctx.state;
    await deleteSubscription(services, user, await readJson(ctx, 8 * 1024));
    return new Response(null, { status: 204, headers: NO_STORE });
  },
});
