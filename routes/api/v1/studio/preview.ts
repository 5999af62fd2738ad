/**
 * `POST /api/v1/studio/preview` `{markdown, title?}` → `{html, warnings}`: a
 * step description rendered by the same sanitizer learners' pages use
 * (core/markdown.ts), and the placeholders in it (and the title) that will
 * not be substituted, in the trainer's language. Studio roles only (the
 * folder's middleware).
 */
import { define } from "@/define.ts";
import { readJson } from "@/http/forms.ts";
import { previewMarkdown } from "@/core/studio/steps.ts";
import { placeholderWarnings } from "@/core/personalisation/warnings.ts";

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
