/**
 * `/legal/privacy`, `/legal/terms`, `/legal/consent`: the legal texts in the
 * reader's language, as an admin last saved them (or the defaults). The
 * Markdown carries its own heading.
 */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { isLegalSlug, type LegalPage, loadLegalPage } from "@/core/legal/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";

export const handler = define.handlers<LegalPage>({
  async GET(ctx) {
    const slug = ctx.params.slug;
    if (!isLegalSlug(slug)) throw new HttpError(404);
    return page(await loadLegalPage(ctx.state.services, slug, ctx.state.locale));
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <article class="legal-page">
      <PageTitle t={t} title={t(`legal.${data.slug}.title`)} />
      {/* Sanitized in core/markdown.ts: no raw HTML, only safe URLs. */}
      <div class="prose" dangerouslySetInnerHTML={{ __html: data.html }} />
      {data.updatedAt && (
        <p class="muted">
          {t("legal.updated", {
            date: t.date(data.updatedAt, { day: "numeric", month: "long", year: "numeric" }),
          })}
        </p>
      )}
    </article>
  );
});
