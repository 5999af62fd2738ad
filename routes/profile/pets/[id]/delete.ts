/** POST `/profile/pets/<id>/delete`: the owner deletes a pet (and its photo); others get 404. */
import { define } from "@/define.ts";
import { redirect } from "@/http/responses.ts";
import { deletePet } from "@/core/pets.ts";

export const handler = define.handlers({
  async POST(ctx) {
    await deletePet(ctx.state.services, ctx.state.user, ctx.params.id);
    return redirect("/profile?done=petDeleted");
  },
});
