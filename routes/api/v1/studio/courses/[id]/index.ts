/**
 * `GET /api/v1/studio/courses/<id>` → `{ course }`: the course, its days in
 * order (`order`: the link ids, what a reorder sends as `seen`). Another
 * trainer's course answers 404.
 */
import { define } from "@/define.ts";
import { getCourse } from "@/core/studio/courses.ts";
import { courseJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, studioCourseSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const course = await getCourse(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json({ course: courseJson(course) }, { headers: NO_STORE });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "A course of the trainer's with its days in order",
    tags: ["studio"],
    auth: "trainer",
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: "The course", schema: z.object({ course: studioCourseSchema }) },
      ...errorResponses(401, 403, 404),
    },
  },
};
