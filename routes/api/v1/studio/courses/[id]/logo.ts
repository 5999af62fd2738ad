/**
 * `POST /api/v1/studio/courses/<id>/logo`: the course's logo from multipart
 * field `logo` or the raw image body → `{logo}`; the old file is deleted.
 * `DELETE` removes it. Refusals are JSON through `mapError`.
 */
import { define } from "@/define.ts";
import { courseLogoJson, removeCourseLogo, uploadCourseLogo } from "@/core/studio/media.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { courseLogoSchema, errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const logo = await uploadCourseLogo(
      ctx.state.services,
      ctx.state.user,
      ctx.params.id,
      ctx.req,
    );
    return Response.json({ logo: courseLogoJson(logo) });
  },
  async DELETE(ctx) {
    const logo = await removeCourseLogo(ctx.state.services, ctx.state.user, ctx.params.id);
    return Response.json({ logo: courseLogoJson(logo) });
  },
});

const params = z.object({ id: z.string() });
const one = z.object({ logo: courseLogoSchema });

export const openapi: ApiDoc = {
  POST: {
    summary: "Replace a course's logo",
    tags: ["studio"],
    auth: "trainer",
    params,
    bodyType: "multipart",
    body: z.object({
      logo: z.string().describe("The image (JPEG, PNG or WebP); or send it as the raw body"),
    }),
    responses: {
      200: { description: "The logo", schema: one },
      ...errorResponses(400, 401, 403, 404, 413, 415),
    },
  },
  DELETE: {
    summary: "Remove a course's logo",
    tags: ["studio"],
    auth: "trainer",
    params,
    responses: { 200: { description: "The logo", schema: one }, ...errorResponses(401, 403, 404) },
  },
};
