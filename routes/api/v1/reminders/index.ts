/**
 * The signed-in learner's training reminders (the same as /settings/reminders
 * and the bot's /reminders): `GET` → `{ reminders }`; `POST { time: "HH:MM",
 * days: ["mon", …], enabled? }` → 201 `{ reminder }`; 409 `reminders_limit`
 * for a sixth one, `reminders_duplicate` for a copy of an existing one.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { readJson } from "@/http/forms.ts";
import { errorResponses, reminderViewSchema } from "@/http/api_schemas.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { createReminder, listReminders, reminderSchema } from "@/core/reminders/reminders.ts";
import { remindersApiPath } from "@/core/paths.ts";

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx.state.user);
    const reminders = await listReminders(ctx.state.services, user);
    return Response.json({ reminders }, { headers: NO_STORE });
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const body = await readJson(ctx, 4 * 1024);
    // createReminder validates with reminderSchema (a ZodError is a 400 with fields).
    const reminder = await createReminder(
      ctx.state.services,
      user,
      body as z.input<typeof reminderSchema>,
    );
    return Response.json({ reminder }, {
      status: 201,
      headers: { ...NO_STORE, location: remindersApiPath(reminder.id) },
    });
  },
});

const one = z.object({ reminder: reminderViewSchema });

export const openapi: ApiDoc = {
  GET: {
    summary: "The learner's training reminders, earliest first",
    tags: ["reminders"],
    auth: "user",
    responses: {
      200: {
        description: "Reminders",
        schema: z.object({ reminders: z.array(reminderViewSchema) }),
      },
      ...errorResponses(401),
    },
  },
  POST: {
    summary: "Add a reminder (at most five)",
    tags: ["reminders"],
    auth: "user",
    body: reminderSchema,
    responses: {
      201: { description: "Created", schema: one },
      ...errorResponses(400, 401, 403, 409),
    },
  },
};
