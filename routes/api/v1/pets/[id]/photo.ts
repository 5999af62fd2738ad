/**
 * `PUT /api/v1/pets/<id>/photo`: the photo, as the raw body (`Content-Type:
 * image/jpeg|png|webp`) or as `multipart/form-data` field `photo`; ≤ 10 MB,
 * checked by its bytes. → `{pet}`; 415 not an image, 413 too large (nothing
 * kept), 404 not the caller's pet. The old photo is deleted.
 * `DELETE` removes the photo → `{pet}`.
 */
import { define } from "@/define.ts";
import { petJson, replacePetPhoto, updatePet } from "@/core/pets.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, petSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const pet = await replacePetPhoto(ctx.state.services, ctx.state.user, ctx.params.id, ctx.req);
    return Response.json({ pet: petJson(pet) });
  },
  async DELETE(ctx) {
    const pet = await updatePet(ctx.state.services, ctx.state.user, ctx.params.id, {}, {
      removePhoto: true,
    });
    return Response.json({ pet: petJson(pet) });
  },
});

const params = z.object({ id: z.string() });
const one = z.object({ pet: petSchema });

export const openapi: ApiDoc = {
  PUT: {
    summary: "Replace a pet's photo",
    tags: ["pets"],
    auth: "user",
    params,
    bodyType: "multipart",
    body: z.object({
      photo: z.string().describe(
        "The image file (JPEG, PNG or WebP, at most 10 MB); or send it as the raw body",
      ),
    }),
    responses: {
      200: { description: "The pet", schema: one },
      ...errorResponses(400, 401, 403, 404, 413, 415),
    },
  },
  DELETE: {
    summary: "Remove a pet's photo",
    tags: ["pets"],
    auth: "user",
    params,
    responses: { 200: { description: "The pet", schema: one }, ...errorResponses(401, 403, 404) },
  },
};
