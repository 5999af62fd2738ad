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
import {
  deleteSubscription,
  saveSubscription,
  subscriptionSchema,
  unsubscribeSchema,
} from "@/core/push/subscriptions.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

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

const saved = z.object({ id: z.string() });

export const openapi: ApiDoc = {
  POST: {
    summary: "Save the browser's push subscription (PushSubscription.toJSON())",
    tags: ["push"],
    auth: "user",
    body: subscriptionSchema(true),
    responses: {
      200: { description: "Known already (renewed)", schema: saved },
      201: { description: "New", schema: saved },
      ...errorResponses(400, 401, 403, 413),
    },
  },
  DELETE: {
    summary: "Forget one of the user's subscriptions by its endpoint",
    tags: ["push"],
    auth: "user",
    body: unsubscribeSchema,
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
  },
};
