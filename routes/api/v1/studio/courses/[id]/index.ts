/**
 * `GET /api/v1/studio/courses/<id>` → `{ course }`: the course, its days in
 * order (`order`: the link ids, what a reorder sends as `seen`). Another
 * trainer's course answers 404.
 */
import { define } from "@/define.ts";
import { getCourse } from "@/core/studio/courses.ts";
import { courseJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../../(_lib)/answer.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const course = await getCourse(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json({ course: courseJson(course) }, { headers: NO_STORE });
  },
});
