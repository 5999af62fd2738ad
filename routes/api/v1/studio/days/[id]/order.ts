/**
 * `PUT /api/v1/studio/days/<id>/order` `{ order, seen }` → the day (`order`,
 * `steps` …): saves the whole new order of the day's steps in one
 * transaction. `seen` is the order the client showed; when the day's live
 * order is no longer exactly that (someone else changed it), nothing is saved
 * and the answer is 409 with the current `order` and `steps`.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { getDay } from "@/core/studio/days.ts";
import { dayJson, reorderDaySteps, reorderSchema } from "@/core/studio/api.ts";
import { savingOrder } from "../../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { apiErrorSchema } from "@/http/openapi.ts";
import { errorResponses, studioDaySchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const { services: s, user } = ctx.state;
    const id = ctx.params.id;
    await getDay(s, user, id);
    const body = await readJson(ctx);
    return await savingOrder(
      ctx,
      async () => dayJson(await reorderDaySteps(s, user, id, body)),
      async () => dayJson(await getDay(s, user, id)),
    );
  },
});

export const openapi: ApiDoc = {
  PUT: {
    summary: "Save a new order of a day's steps",
    tags: ["studio"],
    auth: "trainer",
    params: z.object({ id: z.string() }),
    body: reorderSchema,
    responses: {
      200: { description: "The day in its new order", schema: studioDaySchema },
      409: {
        description: "The order changed meanwhile: nothing saved; the current order",
        schema: apiErrorSchema.extend({
          order: studioDaySchema.shape.order,
          steps: studioDaySchema.shape.steps,
        }),
      },
      ...errorResponses(400, 401, 403, 404),
    },
  },
};
