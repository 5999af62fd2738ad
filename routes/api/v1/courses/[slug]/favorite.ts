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
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, favoriteSchema } from "@/http/api_schemas.ts";

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

const params = z.object({ slug: z.string() });
const answer = { description: "The flag now", schema: favoriteSchema };

export const openapi: ApiDoc = {
  GET: {
    summary: "Whether the course is one of the caller's favourites",
    tags: ["courses"],
    auth: "user",
    params,
    responses: { 200: answer, ...errorResponses(401, 404) },
  },
  PUT: {
    summary: "Star a course (idempotent)",
    tags: ["courses"],
    auth: "user",
    params,
    responses: { 200: answer, ...errorResponses(401, 403, 404) },
  },
  DELETE: {
    summary: "Unstar a course (idempotent)",
    tags: ["courses"],
    auth: "user",
    params,
    responses: { 200: answer, ...errorResponses(401, 403, 404) },
  },
  POST: {
    summary: "Star or unstar a course, for clients that only POST",
    tags: ["courses"],
    auth: "user",
    params,
    body: favoriteInputSchema,
    responses: { 200: answer, ...errorResponses(400, 401, 403, 404) },
  },
};
