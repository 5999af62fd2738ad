/**
 * Legal pages — privacy policy, terms of use, consent to personal data
 * processing — in each language, as Markdown an admin edits in the ops
 * console. Until a page is saved, its default text (./defaults.ts) is
 * shown. Rendered with the same sanitizer as course texts, so an edited
 * page can carry no script either.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import type { SessionUser } from "../auth/session_user.ts";
import { requireOps } from "../auth/guards.ts";
import { type Locale, LOCALES } from "../i18n/mod.ts";
import { renderMarkdown } from "../markdown.ts";
import { log } from "@/platform/log.ts";
import { DEFAULT_LEGAL_TEXTS } from "./defaults.ts";

export const LEGAL_SLUGS = ["privacy", "terms", "consent"] as const;
export type LegalSlug = typeof LEGAL_SLUGS[number];

export function isLegalSlug(v: unknown): v is LegalSlug {
  return (LEGAL_SLUGS as readonly unknown[]).includes(v);
}

export interface LegalPage {
  slug: LegalSlug;
  locale: Locale;
  markdown: string;
  /** Sanitized HTML of `markdown`. */
  html: string;
  /** null while the default text is shown. */
  updatedAt: Date | null;
}

export async function loadLegalPage(
  s: Services,
  slug: LegalSlug,
  locale: Locale,
): Promise<LegalPage> {
  const row = await s.db.selectFrom("legal_pages").select(["body", "updated_at"])
    .where("slug", "=", slug).where("locale", "=", locale).executeTakeFirst();
  const markdown = row?.body ?? DEFAULT_LEGAL_TEXTS[slug][locale];
  return {
    slug,
    locale,
    markdown,
    html: renderMarkdown(markdown),
    updatedAt: row?.updated_at ?? null,
  };
}

export const legalPageSchema = z.object({
  slug: z.enum(LEGAL_SLUGS),
  locale: z.enum(LOCALES as [Locale, ...Locale[]]),
  markdown: z.string().trim().min(1, { error: "validation.required" })
    .max(100_000, { error: "validation.invalid" }),
});

/** The preview an editor sees before saving: the same rendering the page will get. */
export function previewLegalMarkdown(markdown: string): string {
  return renderMarkdown(markdown);
}

/** Saves a page's text in one language. Admins only (moderators may look, not change). */
export async function saveLegalPage(
  s: Services,
  actor: SessionUser | null,
  input: z.input<typeof legalPageSchema>,
): Promise<void> {
  const user = requireOps(actor, { write: true });
  const data = legalPageSchema.parse(input);
  await s.db.insertInto("legal_pages")
    .values({ slug: data.slug, locale: data.locale, body: data.markdown, updated_by: user.id })
    .onConflict((oc) =>
      oc.columns(["slug", "locale"]).doUpdateSet({
        body: data.markdown,
        updated_by: user.id,
        updated_at: new Date(),
      })
    )
    .execute();
  log.info("legal page saved", { slug: data.slug, locale: data.locale, userId: user.id });
}
