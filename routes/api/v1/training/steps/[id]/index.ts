/**
 * `GET /api/v1/training/steps/<userStepId>` → `{ step }`: the step's state
 * now (the timer island re-reads it when its tab becomes visible again).
 * Another learner's step is 404.
 */
import { define } from "@/define.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { stepForLearner } from "@/core/training/context.ts";
import { stepState } from "@/core/training/steps.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx.state.user);
    const c = await stepForLearner(ctx.state.services, user, ctx.params.id);
    return Response.json(
      { step: stepState(c.row, c.durationSec, new Date()) },
      { headers: { "cache-control": "no-store" } },
    );
  },
});
