/**
 * `GET /api/v1/courses/<slug>/diary` → `{ entries }`: the signed-in
 * learner's own diary entries for the days of a course, in course order.
 * An entry is written with the diary step's action
 * (`POST /api/v1/training/days/<d>/steps/<s>/diary`). A course the learner
 * may not see is 404.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { diaryEntrySchema, errorResponses } from "@/http/api_schemas.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { requireCourse } from "@/core/courses/access.ts";
import { courseDiary } from "@/core/training/diary.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const user = requireUser(ctx.state.user);
    const course = await requireCourse(services, ctx.params.slug, user);
    const entries = await courseDiary(services, user.id, course.id);
    return Response.json({
      entries: entries.map((e) => ({ ...e, updatedAt: e.updatedAt.toISOString() })),
    }, { headers: { "cache-control": "private, no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The learner's diary entries of a course",
    tags: ["training"],
    auth: "user",
    params: z.object({ slug: z.string() }),
    responses: {
      200: {
        description: "Entries in course order",
        schema: z.object({ entries: z.array(diaryEntrySchema) }),
      },
      ...errorResponses(401, 404),
    },
  },
};
