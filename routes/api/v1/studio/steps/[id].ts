/**
 * `GET|PATCH|DELETE /api/v1/studio/steps/<id>`: one step. PATCH takes any
 * subset of the step's fields (the rest stay) and validates the result like
 * the editor's form. DELETE refuses (409) a step learners have progress on.
 * Another trainer's step answers 404, like a missing one.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { deleteStep, getStep, studioStepJson } from "@/core/studio/steps.ts";
import { patchStep } from "@/core/studio/api.ts";
import { NO_STORE } from "../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, studioStepSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const step = await getStep(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json({ step: studioStepJson(step) }, { headers: NO_STORE });
  },
  async PATCH(ctx) {
    const s = ctx.state.services;
    // 404 before reading the body: a stranger learns nothing from validation errors.
    await getStep(s, ctx.state.user, ctx.params.id);
    const step = await patchStep(s, ctx.state.user, ctx.params.id, await readJson(ctx));
    return Response.json({ step: studioStepJson(step) }, { headers: NO_STORE });
  },
  async DELETE(ctx) {
    await deleteStep(ctx.state.services, ctx.state.user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
});

const params = z.object({ id: z.string() });
const one = z.object({ step: studioStepSchema });

export const openapi: ApiDoc = {
  GET: {
    summary: "A step of the trainer's",
    tags: ["studio"],
    auth: "trainer",
    params,
    responses: { 200: { description: "The step", schema: one }, ...errorResponses(401, 403, 404) },
  },
  PATCH: {
    summary: "Change some of a step's fields (validated as a whole like the editor's form)",
    tags: ["studio"],
    auth: "trainer",
    params,
    body: z.record(z.string(), z.unknown()).describe("Any of POST /studio/steps' fields"),
    responses: {
      200: { description: "The step", schema: one },
      ...errorResponses(400, 401, 403, 404),
    },
  },
  DELETE: {
    summary: "Delete a step nobody has progress on",
    tags: ["studio"],
    auth: "trainer",
    params,
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 409) },
  },
};
