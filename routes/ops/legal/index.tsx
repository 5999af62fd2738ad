/** The legal pages in each language, with when they were changed; admins edit from here. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { LEGAL_SLUGS, type LegalPage, loadLegalPage } from "@/core/legal/mod.ts";
import { legalEditPath, legalPath } from "@/core/paths.ts";
import { LOCALES } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { when } from "../(_lib)/ui.tsx";

export const handler = define.handlers<{ pages: LegalPage[] }>({
  async GET(ctx) {
    const s = ctx.state.services;
    const pages = await Promise.all(
      LEGAL_SLUGS.flatMap((slug) => LOCALES.map((locale) => loadLegalPage(s, slug, locale))),
    );
    return page({ pages }, { headers: { "cache-control": "no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("ops.legal.title")} />
      <h1>{t("ops.legal.title")}</h1>
      <p class="lead">{t("ops.legal.lead")}</p>
      <ul class="ops-legal-list">
        {data.pages.map((p) => (
          <li key={`${p.slug}-${p.locale}`}>
            <a href={legalEditPath(p.slug, p.locale)}>
              {t(`legal.${p.slug}.title`)} ({t(`locale.${p.locale}`)})
            </a>{" "}
            <span class="muted">
              — {p.updatedAt
                ? t("ops.legal.updatedAt", { date: when(state, p.updatedAt) })
                : t("ops.legal.default")}
            </span>{" "}
            <a href={legalPath(p.slug)} lang={p.locale}>{t("ops.legal.open")}</a>
          </li>
        ))}
      </ul>
    </>
  );
});
