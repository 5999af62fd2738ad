/**
 * `POST /api/v1/studio/courses/<id>/publish` → `{ course }` published; 422
 * `course_incomplete` with `problems` (each in the user's language) when the
 * course is not complete.
 */
import { define } from "@/define.ts";
import { getCourse, publishCourse } from "@/core/studio/courses.ts";
import { courseJson } from "@/core/studio/api.ts";
import { publishing } from "../../(_lib)/answer.ts";

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
