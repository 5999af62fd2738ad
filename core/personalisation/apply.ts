/**
 * Placeholders substituted into what learners read: titles as plain text
 * (JSX escapes them), Markdown descriptions before rendering with the same
 * sanitizer as every other trainer text (core/markdown.ts), values
 * Markdown-escaped. Texts without placeholders keep their cached HTML.
 */
import { renderMarkdown } from "../markdown.ts";
import { hasPlaceholders, type Locale, type PersonalValues, substitute } from "./placeholders.ts";

export interface Personaliser {
  text(s: string): string;
  /** `source` Markdown rendered with the values; `html` is its render without them (cached). */
  html(source: string, html: string): string;
}

export function personaliser(values: PersonalValues, locale: Locale): Personaliser {
  return {
    text: (s) => substitute(s, values, locale, "text"),
    html: (source, html) =>
      hasPlaceholders(source)
        ? renderMarkdown(substitute(source, values, locale, "markdown"))
        : html,
  };
}

/** Whether any of `texts` needs the learner's values (else nothing is looked up). */
export function anyPlaceholders(texts: Iterable<string>): boolean {
  for (const t of texts) if (hasPlaceholders(t)) return true;
  return false;
}
