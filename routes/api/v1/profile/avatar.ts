/**
 * `PUT /api/v1/profile/avatar`: the signed-in user's avatar, as the raw
 * image body or multipart field `avatar` (JPEG, PNG or WebP by its bytes,
 * ≤ 10 MB) → `{profile}`; the old file is deleted. `DELETE` removes it.
 */
import { define } from "@/define.ts";
import { profileJson, removeAvatar, replaceAvatar } from "@/core/profile.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, profileSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async PUT(ctx) {
    const profile = await replaceAvatar(ctx.state.services, ctx.state.user, ctx.req);
    return Response.json({ profile: profileJson(profile) });
  },
  async DELETE(ctx) {
    const profile = await removeAvatar(ctx.state.services, ctx.state.user);
    return Response.json({ profile: profileJson(profile) });
  },
});

const one = z.object({ profile: profileSchema });

export const openapi: ApiDoc = {
  PUT: {
    summary: "Replace the user's avatar",
    tags: ["profile"],
    auth: "user",
    bodyType: "multipart",
    body: z.object({
      avatar: z.string().describe(
        "The image file (JPEG, PNG or WebP, at most 10 MB); or send it as the raw body",
      ),
    }),
    responses: {
      200: { description: "The profile", schema: one },
      ...errorResponses(400, 401, 403, 413, 415),
    },
  },
  DELETE: {
    summary: "Remove the user's avatar",
    tags: ["profile"],
    auth: "user",
    responses: { 200: { description: "The profile", schema: one }, ...errorResponses(401, 403) },
  },
};
