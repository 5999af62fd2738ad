/**
 * The caller's favourite flag for a course. All writes are idempotent:
 *
 * - `GET`    → `{ slug, favorite }`
 * - `PUT`    → star it (again is fine) → `{ slug, favorite: true }`
 * - `DELETE` → unstar it → `{ slug, favorite: false }`
 * - `POST` with JSON `{ "favorite": true | false }` → the same, for clients
 *   that only send POST.
 *
 * Needs a session (401) and the CSRF header for writes (403); a course the
 * caller may not see is a 404.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { favoriteInputSchema, isFavorite, setFavorite } from "@/core/favorites.ts";

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers({
  async GET(ctx) {
    const r = await isFavorite(ctx.state.services, ctx.state.user, ctx.params.slug);
    return Response.json(r, { headers: NO_STORE });
  },
  async PUT(ctx) {
    const r = await setFavorite(ctx.state.services, ctx.state.user, ctx.params.slug, true);
    return Response.json(r, { headers: NO_STORE });
  },
  async DELETE(ctx) {
    const r = await setFavorite(ctx.state.services, ctx.state.user, ctx.params.slug, false);
    return Response.json(r, { headers: NO_STORE });
  },
  async POST(ctx) {
    requireUser(ctx.state.user);
    const { favorite } = favoriteInputSchema.parse(await readJson(ctx));
    const r = await setFavorite(ctx.state.services, ctx.state.user, ctx.params.slug, favorite);
    return Response.json(r, { headers: NO_STORE });
  },
});
