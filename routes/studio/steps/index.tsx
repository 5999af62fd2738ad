/**
 * `/studio/steps`: the trainer's steps (staff: everyone's) with a search by
 * title and sort links; a plain GET form, no JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { listSteps, STEP_SORTS, stepListQuery } from "@/core/studio/steps.ts";
import { isStaff } from "@/core/auth/guards.ts";
import { studioNewStepPath, studioPath, studioStepPath, studioStepsPath } from "@/core/paths.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { buttonClass, FormNotice } from "@/components/forms.tsx";

export const handler = define.handlers({
  async GET(ctx) {
    const query = stepListQuery.parse({
      q: ctx.url.searchParams.get("q") ?? undefined,
      sort: ctx.url.searchParams.get("sort") ?? undefined,
    });
    const steps = await listSteps(ctx.state.services, ctx.state.user, query);
    return page({
      steps,
      q: query.q?.trim() ?? "",
      sort: query.sort,
      deleted: ctx.url.searchParams.get("done") === "deleted",
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const staff = isStaff(state.user);
  return (
    <>
      <PageTitle t={t} title={t("studio.steps.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.steps.title")}</h1>
      <p class="lead">{t("studio.steps.lead")}</p>
      {data.deleted && <FormNotice>{t("studio.steps.deleted")}</FormNotice>}
      <p>
        <a href={studioNewStepPath()} class={buttonClass("primary")}>{t("studio.steps.new")}</a>
      </p>
      <form method="get" action={studioStepsPath()} class="studio-search" role="search">
        <label for="q">{t("studio.steps.search")}</label>
        <div class="studio-search__row">
          <input id="q" name="q" type="search" value={data.q} maxLength={100} />
          {data.sort !== "updated" && <input type="hidden" name="sort" value={data.sort} />}
          <button type="submit" class="button">{t("studio.steps.search.submit")}</button>
        </div>
      </form>
      <nav class="studio-sort" aria-label={t("studio.steps.sort")}>
        <span>{t("studio.steps.sort")}:</span>
        {STEP_SORTS.map((s) => (
          <a
            key={s}
            href={studioStepsPath({ q: data.q, sort: s })}
            aria-current={s === data.sort ? "true" : undefined}
          >
            {t(`studio.steps.sort.${s}` as MessageKey)}
          </a>
        ))}
      </nav>
      {data.steps.length === 0
        ? (
          <p class="empty">
            {data.q ? t("studio.steps.empty.search", { q: data.q }) : t("studio.steps.empty")}
          </p>
        )
        : (
          <>
            <p class="muted">{t.plural("studio.steps.count", data.steps.length)}</p>
            <ul class="studio-list">
              {data.steps.map((st) => (
                <li key={st.id} class="studio-list__item">
                  <a href={studioStepPath(st.id)} class="studio-list__title">{st.title}</a>
                  <span class="studio-list__meta">
                    {t(`training.type.${st.type}` as MessageKey)}
                    {" · "}
                    <span>{t("studio.steps.col.updated")}: {t.date(st.updatedAt)}</span>
                    {" · "}
                    <span>{t("studio.steps.col.days")}: {t.number(st.dayCount)}</span>
                    {staff && (
                      <>
                        {" · "}
                        <span>{t("studio.steps.author", { name: st.authorName })}</span>
                      </>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
    </>
  );
});
