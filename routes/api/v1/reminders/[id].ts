/**
 * One of the signed-in learner's reminders: `GET` → `{ reminder }`; `PUT
 * { time, days, enabled? }` replaces its time and days (and switch when
 * given) → `{ reminder }`; `DELETE` → 204. Someone else's reminder is 404
 * exactly like a missing one.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { readJson } from "@/http/forms.ts";
import { errorResponses, reminderViewSchema } from "@/http/api_schemas.ts";
import { requireUser } from "@/core/auth/guards.ts";
import {
  deleteReminder,
  getReminder,
  reminderSchema,
  updateReminder,
} from "@/core/reminders/reminders.ts";

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx.state.user);
    const reminder = await getReminder(ctx.state.services, user, ctx.params.id);
    return Response.json({ reminder }, { headers: NO_STORE });
  },
  async PUT(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    // 404 before reading the body: a stranger learns nothing from validation errors.
    await getReminder(s, user, ctx.params.id);
    const body = await readJson(ctx, 4 * 1024);
    const reminder = await updateReminder(
      s,
      user,
      ctx.params.id,
      body as z.input<typeof reminderSchema>,
    );
    return Response.json({ reminder }, { headers: NO_STORE });
  },
  async DELETE(ctx) {
    const user = requireUser(ctx.state.user);
    await deleteReminder(ctx.state.services, user, ctx.params.id);
    return new Response(null, { status: 204, headers: NO_STORE });
  },
});

const params = z.object({ id: z.string() });
const one = z.object({ reminder: reminderViewSchema });

export const openapi: ApiDoc = {
  GET: {
    summary: "One reminder",
    tags: ["reminders"],
    auth: "user",
    params,
    responses: { 200: { description: "The reminder", schema: one }, ...errorResponses(401, 404) },
  },
  PUT: {
    summary: "Change a reminder's time and days (and switch)",
    tags: ["reminders"],
    auth: "user",
    params,
    body: reminderSchema,
    responses: {
      200: { description: "Changed", schema: one },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  },
  DELETE: {
    summary: "Delete a reminder",
    tags: ["reminders"],
    auth: "user",
    params,
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
  },
};
