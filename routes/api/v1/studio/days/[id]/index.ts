/**
 * `GET /api/v1/studio/days/<id>` → `{ day }`: the day, its steps in order
 * (`order`: the link ids, what a reorder sends as `seen`) and the courses
 * using it. Another trainer's day answers 404.
 */
import { define } from "@/define.ts";
import { getDay } from "@/core/studio/days.ts";
import { dayJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, studioDaySchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const day = await getDay(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json({ day: dayJson(day) }, { headers: NO_STORE });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "A day of the trainer's with its steps in order and the courses using it",
    tags: ["studio"],
    auth: "trainer",
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: "The day", schema: z.object({ day: studioDaySchema }) },
      ...errorResponses(401, 403, 404),
    },
  },
};
