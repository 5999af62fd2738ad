/**
 * `GET /api/v1/notification-prefs` → `{ prefs, available }`: the user's
 * choice per category and channel, and which channels can reach them now.
 * `PUT` (CSRF header required) with `{ "reminders.telegram": false, … }`
 * changes the entries given → the same shape. Only the signed-in user's own.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { notificationChoices, prefsChangeSchema, setPrefs } from "@/core/notification_prefs.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, notificationChoicesSchema } from "@/http/api_schemas.ts";

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers({
  async GET(ctx) {
    const choices = await notificationChoices(ctx.state.services, ctx.state.user);
    return Response.json(choices, { headers: NO_STORE });
  },
  async PUT(ctx) {
    const user = requireUser(ctx.state.user);
    const { services } = ctx.state;
    await setPrefs(services, user.id, await readJson(ctx, 8 * 1024));
    return Response.json(await notificationChoices(services, user), { headers: NO_STORE });
  },
});

const answer = { description: "Choices and reachable channels", schema: notificationChoicesSchema };

export const openapi: ApiDoc = {
  GET: {
    summary: "The user's notification choices per category and channel",
    tags: ["notifications"],
    auth: "user",
    responses: { 200: answer, ...errorResponses(401) },
  },
  PUT: {
    summary: 'Change some choices (`"category.channel": boolean`)',
    tags: ["notifications"],
    auth: "user",
    body: prefsChangeSchema,
    responses: { 200: answer, ...errorResponses(400, 401, 403, 413) },
  },
};
