/**
 * `PUT /api/v1/pets/<id>/photo`: the photo, as the raw body (`Content-Type:
 * image/jpeg|png|webp`) or as `multipart/form-data` field `photo`; ≤ 10 MB,
 * checked by its bytes. → `{pet}`; 415 not an image, 413 too large (nothing
 * kept), 404 not the caller's pet. The old photo is deleted.
 * `DELETE` removes the photo → `{pet}`.
 */
import { define } from "@/define.ts";
import { petJson, replacePetPhoto, updatePet } from "@/core/pets.ts";

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
