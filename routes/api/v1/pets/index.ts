/**
 * `GET /api/v1/pets` → `{pets}`: the signed-in user's pets.
 * `POST /api/v1/pets` `{name, type, breed, birthDate, heightCm?, weightKg?, notes?}`
 * → 201 `{pet}`; 400 `{error, message, fields}` for invalid data.
 * The photo is sent afterwards: `PUT /api/v1/pets/<id>/photo`.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { createPet, listOwnPets, petJson } from "@/core/pets.ts";

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
