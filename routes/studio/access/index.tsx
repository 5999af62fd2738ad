/**
 * `/studio/access`: the courses whose private access the trainer manages
 * (theirs; every course for staff), each linking to its access page.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { type AccessCourseItem, listAccessCourses } from "@/core/studio/access.ts";
import { studioCourseAccessPath, studioPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";

interface Data {
  courses: AccessCourseItem[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const courses = await listAccessCourses(ctx.state.services, ctx.state.user);
    return page({ courses }, { headers: { "cache-control": "private, no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("studio.access.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.access.title")}</h1>
      <p class="lead">{t("studio.access.lead")}</p>
      {data.courses.length === 0
        ? <p class="empty">{t("studio.access.noCourses")}</p>
        : (
          <ul class="studio-list">
            {data.courses.map((c) => (
              <li key={c.id} class="studio-list__item" data-course={c.id}>
                <a class="studio-list__title" href={studioCourseAccessPath(c.id)}>{c.name}</a>
                <span class="studio-list__meta">
                  {[
                    t(`studio.access.kind.${c.access}`),
                    c.published ? "" : t("studio.access.draft"),
                    t.plural("studio.access.grants", c.grants),
                  ].filter(Boolean).join(" · ")}
                </span>
              </li>
            ))}
          </ul>
        )}
    </>
  );
});
