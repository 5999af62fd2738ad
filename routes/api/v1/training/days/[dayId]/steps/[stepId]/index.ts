/**
 * `GET /api/v1/training/days/<dayOnCourseId>/steps/<stepOnDayId>` →
 * `{ step }`: the signed-in learner's state of that step now (the timer
 * island re-reads it when its tab becomes visible again). Writes nothing: a
 * step the learner has not acted on yet is NOT_STARTED. A step that is not
 * there, or a course the learner may not see, is 404.
 */
import { define } from "@/define.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { findLearnerStep } from "@/core/training/context.ts";
import { notStartedState, stepState } from "@/core/training/steps.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, stepStateSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const user = requireUser(ctx.state.user);
    const { place, ctx: c } = await findLearnerStep(ctx.state.services, user, {
      dayOnCourseId: ctx.params.dayId,
      stepOnDayId: ctx.params.stepId,
    });
    const now = new Date();
    return Response.json(
      { step: c ? stepState(c.row, c.durationSec, now) : notStartedState(place.durationSec) },
      { headers: { "cache-control": "no-store" } },
    );
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The learner's state of one step now",
    tags: ["training"],
    auth: "user",
    params: z.object({ dayId: z.string(), stepId: z.string() }),
    responses: {
      200: { description: "The state", schema: z.object({ step: stepStateSchema }) },
      ...errorResponses(401, 404),
    },
  },
};
