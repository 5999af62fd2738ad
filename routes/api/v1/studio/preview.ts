/**
 * `POST /api/v1/studio/preview` `{markdown, title?}` → `{html, warnings}`: a
 * step description rendered by the same sanitizer learners' pages use
 * (core/markdown.ts), and the placeholders in it (and the title) that will
 * not be substituted, in the trainer's language. Studio roles only (the
 * folder's middleware).
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { previewMarkdown, previewSchema } from "@/core/studio/steps.ts";
import { placeholderWarnings } from "@/core/personalisation/warnings.ts";
import { z } from "zod";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses } from "@/http/api_schemas.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const body = await readJson(ctx);
    const html = previewMarkdown(ctx.state.user, body);
    // previewMarkdown validated `markdown`; the optional title is read only as text.
    const { markdown, title } = body as { markdown: string; title?: unknown };
    const warnings = placeholderWarnings(
      [typeof title === "string" ? title.slice(0, 200) : "", markdown],
      ctx.state.t,
    );
    return Response.json({ html, warnings }, { headers: { "cache-control": "no-store" } });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "Render a step description as learners will see it",
    tags: ["studio"],
    auth: "trainer",
    body: previewSchema.extend({ title: z.string().optional() }),
    responses: {
      200: {
        description: "The HTML and the placeholders that will not be substituted",
        schema: z.object({
          html: z.string(),
          warnings: z.array(z.object({
            text: z.string(),
            reason: z.string(),
            message: z.string(),
          })),
        }),
      },
      ...errorResponses(400, 401, 403),
    },
  },
};
