/**
 * `POST /api/v1/studio/courses/<id>/publish` → `{ course }` published; 422
 * `course_incomplete` with `problems` (each in the user's language) when the
 * course is not complete.
 */
import { define } from "@/define.ts";
import { getCourse, publishCourse } from "@/core/studio/courses.ts";
import { courseJson } from "@/core/studio/api.ts";
import { publishing } from "../../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { apiErrorSchema } from "@/http/openapi.ts";
import { errorResponses, studioCourseSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  POST(ctx) {
    const { services: s, user } = ctx.state;
    const id = ctx.params.id;
    return publishing(ctx, async () => {
      await publishCourse(s, user, id);
      return { course: courseJson(await getCourse(s, user, id)) };
    });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Publish a course",
    tags: ["studio"],
    auth: "trainer",
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: "Published", schema: z.object({ course: studioCourseSchema }) },
      422: {
        description: "Not complete: each missing thing in the user's language",
        schema: apiErrorSchema.extend({ problems: z.array(z.string()) }),
      },
      ...errorResponses(401, 403, 404),
    },
  },
};
