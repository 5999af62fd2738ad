/**
 * Editing one legal page in one language: the Markdown in a plain form,
 * "Preview" renders what was typed (same sanitizer as the public page)
 * without saving, "Save" stores it. Admins only act; moderators see the
 * source and the page (the ops middleware refuses their POST, and core
 * checks again).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import {
  isLegalSlug,
  type LegalSlug,
  loadLegalPage,
  previewLegalMarkdown,
  saveLegalPage,
} from "@/core/legal/mod.ts";
import { isLocale, type Locale } from "@/core/i18n/mod.ts";
import { legalEditPath, legalPath } from "@/core/paths.ts";
import { type FieldErrors, fieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { buttonClass, TextareaField } from "@/components/forms.tsx";
import { canWrite, Flash } from "../(_lib)/ui.tsx";

interface Data {
  slug: LegalSlug;
  locale: Locale;
  markdown: string;
  /** Rendered `markdown`: the saved page, or what was typed when previewing. */
  html: string;
  previewing: boolean;
  saved: boolean;
  errors: FieldErrors;
}

function target(ctx: { params: Record<string, string>; url: URL }) {
  const slug = ctx.params.slug;
  if (!isLegalSlug(slug)) throw new HttpError(404);
  const raw = ctx.url.searchParams.get("locale");
  return { slug, locale: isLocale(raw) ? raw : "ru" as Locale };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { slug, locale } = target(ctx);
    const p = await loadLegalPage(ctx.state.services, slug, locale);
    return page({
      slug,
      locale,
      markdown: p.markdown,
      html: p.html,
      previewing: false,
      saved: ctx.url.searchParams.get("done") === "1",
      errors: {},
    }, { headers: { "cache-control": "no-store" } });
  },
  async POST(ctx) {
    const { slug, locale } = target(ctx);
    const form = await formObject(ctx);
    const markdown = typeof form.markdown === "string" ? form.markdown : "";
    const again = (extra: Partial<Data>, status: number) =>
      page({
        slug,
        locale,
        markdown: markdown.slice(0, 100_000),
        html: "",
        previewing: false,
        saved: false,
        errors: {},
        ...extra,
      }, { status });
    if (form.preview !== undefined) {
      return again({ html: previewLegalMarkdown(markdown), previewing: true }, 200);
    }
    try {
      await saveLegalPage(ctx.state.services, ctx.state.user, { slug, locale, markdown });
    } catch (err) {
      if (!(err instanceof z.ZodError)) throw err;
      return again({ errors: fieldErrors(err, ctx.state.t) }, 422);
    }
    return redirect(`${legalEditPath(slug, locale)}&done=1`, 303);
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const title = `${t(`legal.${data.slug}.title`)} (${t(`locale.${data.locale}`)})`;
  const label = t("ops.legal.markdown");
  return (
    <>
      <PageTitle t={t} title={title} />
      <p>
        <a href="/ops/legal">{t("ops.legal.title")}</a>
      </p>
      <h1>{title}</h1>
      <Flash message={data.saved ? t("ops.legal.saved") : null} />
      {canWrite(state)
        ? (
          <PostForm
            state={state}
            action={legalEditPath(data.slug, data.locale)}
            errors={data.errors}
            labels={{ markdown: label }}
            submit={t("ops.legal.save")}
            variant="primary"
            aside={
              <button type="submit" name="preview" value="1" class={buttonClass()}>
                {t("ops.legal.preview")}
              </button>
            }
          >
            <TextareaField
              name="markdown"
              label={label}
              hint={t("ops.legal.markdown.hint")}
              value={data.markdown}
              error={data.errors.markdown}
              rows={24}
              maxLength={100_000}
              required
            />
          </PostForm>
        )
        : (
          <>
            <p class="muted">{t("ops.legal.readOnly")}</p>
            <textarea aria-label={label} rows={24} readOnly value={data.markdown} />
          </>
        )}
      {data.html && (
        <section aria-labelledby="legal-preview">
          <h2 id="legal-preview">
            {data.previewing
              ? t("ops.legal.previewTitle")
              : <a href={legalPath(data.slug)} lang={data.locale}>{t("ops.legal.open")}</a>}
          </h2>
          {/* Sanitized in core/markdown.ts: no raw HTML, only safe URLs. */}
          <div class="prose legal-preview" dangerouslySetInnerHTML={{ __html: data.html }} />
        </section>
      )}
    </>
  );
});
