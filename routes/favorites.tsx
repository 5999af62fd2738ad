/**
 * `/favorites`: the favourites list is the catalogue's favourites tab (one
 * list, one set of filters), so GET redirects there. POST is the no-JS form
 * of the star: it sets the state and returns to the page it came from.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { redirect } from "@/http/responses.ts";
import { formObject } from "@/http/forms.ts";
import { safeNext } from "@/http/redirect.ts";
import { setFavorite } from "@/core/favorites.ts";

const formSchema = z.object({
  slug: z.string().min(1).max(64),
  favorite: z.enum(["true", "false"]),
  next: z.string().max(2000).optional(),
});

export const handler = define.handlers({
  GET(ctx) {
    return redirect(`/courses?tab=favorites${ctx.url.search ? "&" + ctx.url.search.slice(1) : ""}`);
  },
  async POST(ctx) {
    const form = formSchema.parse(await formObject(ctx));
    await setFavorite(ctx.state.services, ctx.state.user, form.slug, form.favorite === "true");
    return redirect(safeNext(form.next, "/courses?tab=favorites"));
  },
});
