/**
 * `GET /api/v1/studio/steps?q=&sort=` → `{ steps }`: the trainer's steps
 * (staff: everyone's), as the studio's list page shows them.
 * `POST /api/v1/studio/steps` `{ title, type, … }` → 201 `{ step }`.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import {
  createStep,
  listSteps,
  stepListQuery,
  stepSchema,
  studioStepJson,
} from "@/core/studio/steps.ts";
import { stepListJson } from "@/core/studio/api.ts";
import { NO_STORE } from "../(_lib)/answer.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, studioStepListItemSchema, studioStepSchema } from "@/http/api_schemas.ts";

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

export const openapi: ApiDoc = {
  GET: {
    summary: "The trainer's steps (staff: everyone's)",
    tags: ["studio"],
    auth: "trainer",
    query: stepListQuery,
    responses: {
      200: { description: "Steps", schema: z.object({ steps: z.array(studioStepListItemSchema) }) },
      ...errorResponses(401, 403),
    },
  },
  POST: {
    summary: "Create a step",
    tags: ["studio"],
    auth: "trainer",
    body: stepSchema(),
    responses: {
      201: { description: "Created", schema: z.object({ step: studioStepSchema }) },
      ...errorResponses(400, 401, 403),
    },
  },
};
