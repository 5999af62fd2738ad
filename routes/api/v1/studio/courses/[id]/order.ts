/**
 * `PUT /api/v1/studio/courses/<id>/order` `{ order, seen }` → the course
 * (`order`, `days` …): saves the whole new order of the course's days in one
 * transaction; 409 with the current `order` and `days` when the live order
 * is no longer the `seen` one.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { getCourse } from "@/core/studio/courses.ts";
import { courseJson, reorderCourseDays } from "@/core/studio/api.ts";
import { savingOrder } from "../../(_lib)/answer.ts";

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
