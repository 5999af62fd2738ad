/**
 * `PUT /api/v1/studio/courses/<id>/order` `{ order, seen }` → the course
 * (`order`, `days` …): saves the whole new order of the course's days in one
 * transaction; 409 with the current `order` and `days` when the live order
 * is no longer the `seen` one.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { getCourse } from "@/core/studio/courses.ts";
import { courseJson, reorderCourseDays, reorderSchema } from "@/core/studio/api.ts";
import { savingOrder } from "../../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { apiErrorSchema } from "@/http/openapi.ts";
import { errorResponses, studioCourseSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const { services: s, user } = ctx.state;
    const id = ctx.params.id;
    await getCourse(s, user, id);
    const body = await readJson(ctx);
    return await savingOrder(
      ctx,
      async () => courseJson(await reorderCourseDays(s, user, id, body)),
      async () => courseJson(await getCourse(s, user, id)),
    );
  },
});

export const openapi: ApiDoc = {
  PUT: {
    summary: "Save a new order of a course's days",
    tags: ["studio"],
    auth: "trainer",
    params: z.object({ id: z.string() }),
    body: reorderSchema,
    responses: {
      200: { description: "The course in its new order", schema: studioCourseSchema },
      409: {
        description: "The order changed meanwhile: nothing saved; the current order",
        schema: apiErrorSchema.extend({
          order: studioCourseSchema.shape.order,
          days: studioCourseSchema.shape.days,
        }),
      },
      ...errorResponses(400, 401, 403, 404),
    },
  },
};
