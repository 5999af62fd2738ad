/**
 * `GET /api/v1/profiles/<username>` → `{profile, pets, courses}`: a public
 * profile, as `/u/<username>` shows it. 404 when it is hidden (except for
 * its owner) or missing — one answer for both.
 */
import { define } from "@/define.ts";
import { jsonError } from "@/http/errors.ts";
import { profileJson, publicProfile } from "@/core/profile.ts";
import { petJson } from "@/core/pets.ts";
import { coursePath } from "@/core/paths.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, profileSchema, publicPetSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { t, services } = ctx.state;
    const view = await publicProfile(services, ctx.state.user, ctx.params.username);
    if (!view) return jsonError(404, "not_found", t("profile.notAvailable"));
    return Response.json({
      profile: profileJson(view.profile),
      pets: view.pets.map((p) => {
        // Owner-only fields stay out of the public shape.
        const { createdAt: _c, updatedAt: _u, ...pub } = petJson(p);
        return pub;
      }),
      courses: view.courses.map((c) => ({
        slug: c.slug,
        name: c.name,
        shortDescription: c.shortDescription,
        url: coursePath(c.slug),
      })),
    }, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  GET: {
    summary: "A public profile with its pets and the courses it shows",
    tags: ["profile"],
    auth: "optional",
    params: z.object({ username: z.string() }),
    responses: {
      200: {
        description: "The profile",
        schema: z.object({
          profile: profileSchema,
          pets: z.array(publicPetSchema),
          courses: z.array(z.object({
            slug: z.string(),
            name: z.string(),
            shortDescription: z.string(),
            url: z.string(),
          })),
        }),
      },
      ...errorResponses(404),
    },
  },
};
