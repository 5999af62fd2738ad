/**
 * The catalogue: tabs (all / in progress / favourites), filters, sort and
 * search as one GET form. Visitors share one cached page per URL; signed-in
 * learners get their progress and favourites (never cached).
 */
import { define, type State } from "@/define.ts";
import { type Context, page } from "@/framework/mod.ts";
import {
  catalogueFor,
  type CatalogueQuery,
  type CatalogueView,
  readCatalogueQuery,
  viewCatalogue,
} from "@/core/courses/catalogue.ts";
import { COURSES_TAG } from "@/core/courses/cache.ts";
import {
  CATALOGUE_LEVELS,
  CATALOGUE_SORTS,
  CATALOGUE_TABS,
  filtersToSearch,
  NO_FILTERS,
  PROGRESS_FILTERS,
  RATING_FILTERS,
  statusMessage,
} from "@/core/courses/filter.ts";
import { anonymousPage } from "@/http/page_cache.ts";
import { CourseCard } from "@/components/CourseCard.tsx";
import { FavoriteToggle } from "@/components/FavoriteToggle.tsx";
import { PageTitle } from "@/components/PageTitle.tsx";
import CourseSearch from "@/islands/CourseSearch.tsx";
import { cataloguePath, loginPath } from "@/core/paths.ts";

/** Visitors are answered from the page cache before any data is loaded. */
export const pageCache = (ctx: Context<State>) => anonymousPage(ctx, [COURSES_TAG]);

export const handler = define.handlers<{
  query: CatalogueQuery;
  view: CatalogueView;
  total: number;
}>({
  async GET(ctx) {
    const { services, user, locale } = ctx.state;
    const query = readCatalogueQuery(ctx.url.searchParams);
    if (!user) {
      // Visitors have no progress: those choices would only empty the list.
      query.filters.status = "";
      if (query.filters.sort === "progress") query.filters.sort = "newest";
    }
    const entries = await catalogueFor(services, user);
    const view = viewCatalogue(entries, query, locale);
    return page(
      { query, view, total: entries.length },
      { cache: anonymousPage(ctx, [COURSES_TAG]) },
    );
  },
});

export default define.page<typeof handler>(({ data, state, url }) => {
  const { t, user } = state;
  const { query, view } = data;
  const { tab, filters } = query;
  const back = url.pathname + url.search;
  const statusLabels = {
    found: t.raw("catalogue.found"),
    nothingFound: t("catalogue.nothingFound"),
    nothingMatches: t("catalogue.nothingMatches"),
  };
  const any = { value: "", label: t("catalogue.filter.any") };
  const signInNeeded = !user && tab !== "all";
  return (
    <>
      <PageTitle t={t} title={t("catalogue.title")} description={t("catalogue.lead")} />
      <h1>{t("catalogue.title")}</h1>
      <p class="lead">{t("catalogue.lead")}</p>
      {user && (
        <nav class="tabs" aria-label={t("catalogue.tabs")}>
          {CATALOGUE_TABS.map((key) => (
            <a
              key={key}
              class="tabs__tab"
              href={cataloguePath(filtersToSearch(NO_FILTERS, key))}
              aria-current={key === tab ? "page" : undefined}
            >
              {t(`catalogue.tab.${key}` as const)}
              <span class="tabs__count">{view.counts[key]}</span>
            </a>
          ))}
        </nav>
      )}
      {signInNeeded
        ? (
          <p class="notice-inline">
            <a href={loginPath(back)}>{t("catalogue.tab.signIn")}</a>
          </p>
        )
        : (
          <>
            {/* The island enhances this GET form: without JS, submitting it filters on the server. */}
            <CourseSearch
              tab={tab}
              filters={filters}
              locale={state.locale}
              signedIn={user !== null}
              labels={{
                ...statusLabels,
                label: t("catalogue.search.label"),
                placeholder: t("catalogue.search.placeholder"),
                submit: t("catalogue.search.submit"),
                reset: t("catalogue.search.reset"),
                legend: t("catalogue.filters"),
                level: t("catalogue.filter.level"),
                status: t("catalogue.filter.status"),
                rating: t("catalogue.filter.rating"),
                sort: t("catalogue.sort"),
                resetFilters: t("catalogue.filters.reset"),
              }}
              options={{
                level: [
                  any,
                  ...CATALOGUE_LEVELS.map((l) => ({
                    value: l,
                    label: t(`course.level.${l}` as const),
                  })),
                ],
                status: [
                  any,
                  ...PROGRESS_FILTERS.map((s) => ({
                    value: s,
                    label: t(`catalogue.filter.status.${s}` as const),
                  })),
                ],
                rating: [
                  any,
                  ...RATING_FILTERS.map((r) => ({
                    value: r,
                    label: t(`catalogue.filter.rating.${r}` as const),
                  })),
                ],
                sort: CATALOGUE_SORTS.filter((s) => user || s !== "progress").map((s) => ({
                  value: s,
                  label: t(`catalogue.sort.${s}` as const),
                })),
              }}
            />
            <p class="search-status" id="search-status" role="status" aria-live="polite">
              {statusMessage(filters, view.matches, state.locale, statusLabels)}
            </p>
            {view.items.length === 0
              ? (
                <p class="empty">
                  {tab === "all" ? t("catalogue.empty") : t(`catalogue.tab.empty.${tab}` as const)}
                </p>
              )
              : (
                <ul class="course-list" id="course-list">
                  {view.items.map(({ entry, match }) => (
                    <CourseCard
                      key={entry.course.id}
                      course={entry.course}
                      t={t}
                      hidden={!match}
                      progress={entry.progress}
                      star={
                        <FavoriteToggle
                          state={state}
                          slug={entry.course.slug}
                          name={entry.course.name}
                          starred={entry.favorite}
                          back={back}
                        />
                      }
                    />
                  ))}
                </ul>
              )}
          </>
        )}
    </>
  );
});
