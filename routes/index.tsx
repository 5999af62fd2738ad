import { define, type State } from "@/define.ts";
import { type Context, page } from "@/framework/mod.ts";
import { COURSES_TAG } from "@/core/courses/cache.ts";
import { publicCatalogue } from "@/core/courses/catalogue.ts";
import { anonymousPage } from "@/http/page_cache.ts";
import { CourseCard } from "@/components/CourseCard.tsx";
import { PageTitle } from "@/components/PageTitle.tsx";

/** Visitors are answered from the page cache before any data is loaded. */
export const pageCache = (ctx: Context<State>) => anonymousPage(ctx, [COURSES_TAG]);

export const handler = define.handlers({
  async GET(ctx) {
    const courses = await publicCatalogue(ctx.state.services);
    return page({ courses: courses.slice(0, 3) }, { cache: anonymousPage(ctx, [COURSES_TAG]) });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} description={t("landing.lead")} />
      <section class="hero">
        <h1>{t("landing.title")}</h1>
        <p class="lead">{t("landing.lead")}</p>
        <p>
          <a class="button button--primary" href="/courses">{t("landing.cta")}</a>
        </p>
      </section>
      <section class="features" aria-label={t("app.tagline")}>
        {(["steps", "trainer", "habit"] as const).map((f) => (
          <article class="feature" key={f}>
            <h2>{t(`landing.feature.${f}.title` as const)}</h2>
            <p>{t(`landing.feature.${f}.text` as const)}</p>
          </article>
        ))}
      </section>
      {data.courses.length > 0 && (
        <section>
          <h2>{t("landing.popular")}</h2>
          <ul class="course-list">
            {data.courses.map((c) => <CourseCard key={c.id} course={c} t={t} />)}
          </ul>
        </section>
      )}
    </>
  );
});
