/**
 * `GET /api/v1/pets` → `{pets}`: the signed-in user's pets.
 * `POST /api/v1/pets` `{name, type, breed, birthDate, heightCm?, weightKg?, notes?}`
 * → 201 `{pet}`; 400 `{error, message, fields}` for invalid data.
 * The photo is sent afterwards: `PUT /api/v1/pets/<id>/photo`.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { createPet, listOwnPets, petCreateSchema, petJson } from "@/core/pets.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, petSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const pets = await listOwnPets(ctx.state.services, ctx.state.user);
    return Response.json({ pets: pets.map(petJson) }, { headers: { "cache-control": "no-store" } });
  },
  async POST(ctx) {
    const body = await readJson(ctx);
    const pet = await createPet(ctx.state.services, ctx.state.user, body);
    return Response.json({ pet: petJson(pet) }, {
      status: 201,
      headers: { location: `/api/v1/pets/${pet.id}` },
    });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "The user's pets",
    tags: ["pets"],
    auth: "user",
    responses: {
      200: { description: "The pets", schema: z.object({ pets: z.array(petSchema) }) },
      ...errorResponses(401),
    },
  },
  POST: {
    summary: "Add a pet (the photo goes to PUT /pets/{id}/photo afterwards)",
    tags: ["pets"],
    auth: "user",
    body: petCreateSchema,
    responses: {
      201: { description: "Created", schema: z.object({ pet: petSchema }) },
      ...errorResponses(400, 401, 403),
    },
  },
};
