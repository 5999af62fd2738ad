/** `GET /api/v1/studio/days` → `{ days }`: the trainer's days (staff: everyone's). */
import { define } from "@/define.ts";
import { listDays } from "@/core/studio/days.ts";
import { dayListJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, studioDayListItemSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const days = await listDays(ctx.state.services, ctx.state.user);
    return Response.json({ days: days.map(dayListJson) }, { headers: NO_STORE });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The trainer's days (staff: everyone's)",
    tags: ["studio"],
    auth: "trainer",
    responses: {
      200: { description: "Days", schema: z.object({ days: z.array(studioDayListItemSchema) }) },
      ...errorResponses(401, 403),
    },
  },
};
