import { define } from "../../define.ts";
import { page } from "../../framework/mod.ts";
import { COURSES_TAG, publicCatalogue } from "../../core/courses.ts";
import { anonymousPage } from "../../http/page_cache.ts";
import { matchesSearch } from "../../core/search.ts";
import { CourseCard } from "../../components/CourseCard.tsx";
import { PageTitle } from "../../components/PageTitle.tsx";
import CourseSearch from "../../islands/CourseSearch.tsx";

export const handler = define.handlers({
  async GET(ctx) {
    const q = (ctx.url.searchParams.get("q") ?? "").slice(0, 100).trim();
    const all = await publicCatalogue(ctx.state.services);
    // Every card is rendered; the ones that do not match are hidden, so the
    // island can show them again as the query changes.
    const courses = all.map((c) => ({ course: c, match: !q || matchesSearch(c.searchText, q) }));
    return page(
      { q, courses, matches: courses.filter((c) => c.match).length },
      { cache: anonymousPage(ctx, [COURSES_TAG]) },
    );
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("catalogue.title")} description={t("catalogue.lead")} />
      <h1>{t("catalogue.title")}</h1>
      <p class="lead">{t("catalogue.lead")}</p>
      {/* The island enhances this GET form: without JS, submitting it filters on the server. */}
      <CourseSearch
        q={data.q}
        labels={{
          label: t("catalogue.search.label"),
          placeholder: t("catalogue.search.placeholder"),
          submit: t("catalogue.search.submit"),
          reset: t("catalogue.search.reset"),
          nothingFound: t("catalogue.nothingFound"),
          found: t.raw("catalogue.found"),
        }}
        locale={state.locale}
      />
      <p class="search-status" id="search-status" role="status" aria-live="polite">
        {data.q && (data.matches
          ? t.plural("catalogue.found", data.matches)
          : t("catalogue.nothingFound", { q: data.q }))}
      </p>
      {data.courses.length === 0
        ? <p>{t("catalogue.empty")}</p>
        : (
          <ul class="course-list" id="course-list">
            {data.courses.map(({ course, match }) => (
              <CourseCard key={course.id} course={course} t={t} hidden={!match} />
            ))}
          </ul>
        )}
    </>
  );
});
