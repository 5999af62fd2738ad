/**
 * `/studio/templates`: the template library grouped by category, a search
 * (title, description, tags) and a category filter in one plain GET form.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { listCategories, listTemplates, templateListQuery } from "@/core/studio/templates.ts";
import {
  studioPath,
  studioTemplateCategoriesPath,
  studioTemplatePath,
  studioTemplatesPath,
} from "@/core/paths.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { FormNotice } from "@/components/forms.tsx";

export const handler = define.handlers({
  async GET(ctx) {
    const svc = ctx.state.services;
    const query = templateListQuery.parse({
      q: ctx.url.searchParams.get("q") ?? undefined,
      category: ctx.url.searchParams.get("category") || undefined,
    });
    return page({
      groups: await listTemplates(svc, ctx.state.user, query),
      categories: await listCategories(svc, ctx.state.user),
      q: query.q?.trim() ?? "",
      category: query.category ?? "",
      removed: ctx.url.searchParams.get("done") === "removed",
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const filtered = data.q !== "" || data.category !== "";
  const total = data.groups.reduce((n, g) => n + g.templates.length, 0);
  return (
    <>
      <PageTitle t={t} title={t("studio.templates.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.templates.title")}</h1>
      <p class="lead">{t("studio.templates.lead")}</p>
      {data.removed && <FormNotice>{t("studio.templates.removed")}</FormNotice>}
      {state.user?.role === "ADMIN" && (
        <p>
          <a href={studioTemplateCategoriesPath()}>{t("studio.templates.categories.link")}</a>
        </p>
      )}
      <form method="get" action={studioTemplatesPath()} class="studio-search" role="search">
        <label for="q">{t("studio.templates.search")}</label>
        <div class="studio-search__row">
          <input id="q" name="q" type="search" value={data.q} maxLength={100} />
        </div>
        <label for="category">{t("studio.templates.filter")}</label>
        <div class="studio-search__row">
          <select id="category" name="category">
            <option value="" selected={data.category === ""}>
              {t("studio.templates.filter.all")}
            </option>
            {data.categories.map((c) => (
              <option key={c.id} value={c.id} selected={data.category === c.id}>{c.name}</option>
            ))}
            <option value="none" selected={data.category === "none"}>
              {t("studio.templates.noCategory")}
            </option>
          </select>
          <button type="submit" class="button">{t("studio.templates.search.submit")}</button>
        </div>
      </form>
      {total === 0
        ? (
          <p class="empty">
            {filtered ? t("studio.templates.empty.search") : t("studio.templates.empty")}
          </p>
        )
        : (
          <>
            <p class="muted">{t.plural("studio.templates.count", total)}</p>
            {data.groups.map((g) => {
              const hid = `group-${g.category?.id ?? "none"}`;
              return (
                <section key={hid} aria-labelledby={hid} class="template-group">
                  <h2 id={hid}>
                    {g.category
                      ? `${g.category.icon ? `${g.category.icon} ` : ""}${g.category.name}`
                      : t("studio.templates.noCategory")}
                  </h2>
                  {g.category?.description && <p class="muted">{g.category.description}</p>}
                  <ul class="studio-list">
                    {g.templates.map((tpl) => (
                      <li key={tpl.id} class="studio-list__item">
                        <a href={studioTemplatePath(tpl.id)} class="studio-list__title">
                          {tpl.title}
                        </a>
                        <span class="studio-list__meta">
                          {t(`training.type.${tpl.type}` as MessageKey)}
                          {" · "}
                          {t.plural("studio.templates.uses", tpl.usageCount)}
                          {tpl.tags.length > 0 && (
                            <>
                              {" · "}
                              <span>{t("studio.templates.tags")}: {tpl.tags.join(", ")}</span>
                            </>
                          )}
                        </span>
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })}
          </>
        )}
    </>
  );
});
