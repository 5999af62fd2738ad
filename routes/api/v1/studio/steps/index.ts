/**
 * `GET /api/v1/studio/steps?q=&sort=` → `{ steps }`: the trainer's steps
 * (staff: everyone's), as the studio's list page shows them.
 * `POST /api/v1/studio/steps` `{ title, type, … }` → 201 `{ step }`.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { createStep, listSteps, studioStepJson } from "@/core/studio/steps.ts";
import { stepListJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../(_lib)/answer.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const q = ctx.url.searchParams;
    const steps = await listSteps(ctx.state.services, ctx.state.user, {
      q: q.get("q") ?? undefined,
      sort: q.get("sort") ?? undefined,
    });
    return Response.json({ steps: steps.map(stepListJson) }, { headers: NO_STORE });
  },
  async POST(ctx) {
    const step = await createStep(ctx.state.services, ctx.state.user, await readJson(ctx));
    return Response.json({ step: studioStepJson(step) }, { status: 201, headers: NO_STORE });
  },
});
