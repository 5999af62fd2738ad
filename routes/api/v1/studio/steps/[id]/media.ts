/**
 * `POST /api/v1/studio/steps/<id>/media?kind=image|pdf`: adds files to a
 * step — multipart field `images` / `pdfs` (one or several) or the raw file
 * as the body — and answers `{media}`. The progress island sends each file
 * here by XHR; refusals come back as JSON through `mapError` (415 wrong
 * format, 413 too large, 422 no room left, 404 not the viewer's step).
 */
import { define } from "@/define.ts";
import { HttpError } from "@/framework/mod.ts";
import {
  MEDIA_KINDS,
  type MediaKind,
  stepMediaJson,
  uploadStepMedia,
} from "@/core/studio/media.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, stepMediaSchema } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const kind = ctx.url.searchParams.get("kind") as MediaKind;
    if (!MEDIA_KINDS.includes(kind)) throw new HttpError(400, "unknown media kind");
    const media = await uploadStepMedia(
      ctx.state.services,
      ctx.state.user,
      ctx.params.id,
      kind,
      ctx.req,
    );
    return Response.json({ media: stepMediaJson(media) });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Add images or PDFs to a step",
    tags: ["studio"],
    auth: "trainer",
    params: z.object({ id: z.string() }),
    query: z.object({ kind: z.enum(MEDIA_KINDS) }),
    bodyType: "multipart",
    body: z.object({
      images: z.string().optional().describe("Image files (kind=image)"),
      pdfs: z.string().optional().describe("PDF files (kind=pdf)"),
    }).describe("Or one file as the raw body"),
    responses: {
      200: { description: "The step's media now", schema: z.object({ media: stepMediaSchema }) },
      ...errorResponses(400, 401, 403, 404, 413, 415, 422),
    },
  },
};
