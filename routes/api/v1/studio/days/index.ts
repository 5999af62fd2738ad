/** `GET /api/v1/studio/days` → `{ days }`: the trainer's days (staff: everyone's). */
import { define } from "@/define.ts";
import { listDays } from "@/core/studio/days.ts";
import { dayListJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../(_lib)/answer.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const days = await listDays(ctx.state.services, ctx.state.user);
    return Response.json({ days: days.map(dayListJson) }, { headers: NO_STORE });
  },
});
