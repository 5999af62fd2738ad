/**
 * Markdown from trainers (course and step descriptions) to safe HTML.
 *
 * Raw HTML in the source is shown as text, never passed through; links and
 * images keep only http(s), mailto and same-site URLs; external links open
 * with `rel="noopener nofollow ugc"`. So what reaches the page can carry no
 * script, whatever a trainer types.
 */
import { Marked, type Tokens } from "marked";

const SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function safeUrl(href: string | null | undefined): string | null {
  if (!href) return null;
  const trimmed = href.trim();
  // Strip control characters and whitespace browsers ignore inside "java\tscript:".
  // deno-lint-ignore no-control-regex
  const probe = trimmed.replace(/[\u0000-\u0020]/g, "");
  return SAFE_URL.test(probe) ? trimmed : null;
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(token.text);
    },
    link(token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      const href = safeUrl(token.href);
      if (!href) return text;
      const external = /^https?:\/\//i.test(href);
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
      const rel = external ? ` rel="noopener nofollow ugc" target="_blank"` : "";
      return `<a href="${escapeHtml(href)}"${title}${rel}>${text}</a>`;
    },
    image(token: Tokens.Image) {
      const src = safeUrl(token.href);
      if (!src) return escapeHtml(token.text);
      return `<img src="${escapeHtml(src)}" alt="${escapeHtml(token.text)}" loading="lazy">`;
    },
  },
});

/** Renders trainer Markdown to sanitized HTML. */
export function renderMarkdown(source: string): string {
  return marked.parse(source ?? "") as string;
}
