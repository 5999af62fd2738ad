/**
 * `GET|PATCH|DELETE /api/v1/pets/<id>`: the owner's pet. PATCH takes any
 * subset of the fields (null or "" clears heightCm, weightKg, notes).
 * Someone else's pet answers 404 exactly like a missing one.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { deletePet, getOwnPet, petJson, petUpdateSchema, updatePet } from "@/core/pets.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, petSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const pet = await getOwnPet(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json({ pet: petJson(pet) }, { headers: { "cache-control": "no-store" } });
  },
  async PATCH(ctx) {
    const s = ctx.state.services;
    // 404 before reading the body: a stranger learns nothing from validation errors.
    await getOwnPet(s, ctx.state.user, ctx.params.id);
    const body = await readJson(ctx);
    const pet = await updatePet(s, ctx.state.user, ctx.params.id, body);
    return Response.json({ pet: petJson(pet) });
  },
  async DELETE(ctx) {
    await deletePet(ctx.state.services, ctx.state.user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
});

const params = z.object({ id: z.string() });
const one = z.object({ pet: petSchema });

export const openapi: ApiDoc = {
  GET: {
    summary: "One of the user's pets",
    tags: ["pets"],
    auth: "user",
    params,
    responses: { 200: { description: "The pet", schema: one }, ...errorResponses(401, 404) },
  },
  PATCH: {
    summary: 'Change some of a pet\'s fields (null or "" clears the optional ones)',
    tags: ["pets"],
    auth: "user",
    params,
    body: petUpdateSchema,
    responses: {
      200: { description: "The pet", schema: one },
      ...errorResponses(400, 401, 403, 404),
    },
  },
  DELETE: {
    summary: "Delete a pet (and its photo)",
    tags: ["pets"],
    auth: "user",
    params,
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
  },
};
