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
import { dayJson, reorderDaySteps } from "@/core/studio/api.ts";
import { savingOrder } from "../../(_lib)/answer.ts";

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
