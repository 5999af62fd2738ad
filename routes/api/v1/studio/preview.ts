/**
 * `POST /api/v1/studio/preview` `{markdown}` → `{html}`: a step description
 * rendered by the same sanitizer learners' pages use (core/markdown.ts).
 * Studio roles only (the folder's middleware).
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { previewMarkdown } from "@/core/studio/steps.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const html = previewMarkdown(ctx.state.user, await readJson(ctx));
    return Response.json({ html }, { headers: { "cache-control": "no-store" } });
  },
});
