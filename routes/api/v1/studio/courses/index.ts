/** `GET /api/v1/studio/courses` → `{ courses }`: the trainer's courses (staff: everyone's). */
import { define } from "@/define.ts";
import { listCourses } from "@/core/studio/courses.ts";
import { courseListJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, studioCourseListItemSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const courses = await listCourses(ctx.state.services, ctx.state.user);
    return Response.json({ courses: courses.map(courseListJson) }, { headers: NO_STORE });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The trainer's courses (staff: everyone's)",
    tags: ["studio"],
    auth: "trainer",
    responses: {
      200: {
        description: "Courses",
        schema: z.object({ courses: z.array(studioCourseListItemSchema) }),
      },
      ...errorResponses(401, 403),
    },
  },
};
