/**
 * `GET /api/v1/profile` → `{profile}`: the signed-in user's own profile.
 * `PATCH /api/v1/profile` `{fullName?, about?, birthDate?, telegram?,
 * instagram?, website?, isPublic?}` → `{profile}` (null or "" clears a
 * field; contacts come back normalised, e.g. "@name"). Only one's own:
 * there is no way to name another user here.
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { ownProfile, profileJson, profileUpdateSchema, updateProfile } from "@/core/profile.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, profileSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const profile = await ownProfile(ctx.state.services, ctx.state.user);
    return Response.json({ profile: profileJson(profile) }, {
      headers: { "cache-control": "no-store" },
    });
  },
  async PATCH(ctx) {
    const body = await readJson(ctx);
    const profile = await updateProfile(ctx.state.services, ctx.state.user, body);
    return Response.json({ profile: profileJson(profile) });
  },
});

const one = z.object({ profile: profileSchema });

export const openapi: ApiDoc = {
  GET: {
    summary: "The user's own profile",
    tags: ["profile"],
    auth: "user",
    responses: { 200: { description: "The profile", schema: one }, ...errorResponses(401) },
  },
  PATCH: {
    summary: 'Change some profile fields (null or "" clears one)',
    tags: ["profile"],
    auth: "user",
    body: profileUpdateSchema,
    responses: {
      200: { description: "The profile", schema: one },
      ...errorResponses(400, 401, 403),
    },
  },
};
