/**
 * `/studio/stats`: the trainer's courses (staff: every course) with their
 * headline numbers, each linking to the course's statistics. Ships no
 * JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { listStatsCourses, type StatsCourseItem } from "@/core/studio/stats/course.ts";
import { studioCourseStatsPath, studioPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { percent } from "@/components/studio/stats_format.ts";

interface Data {
  courses: StatsCourseItem[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const courses = await listStatsCourses(ctx.state.services, ctx.state.user);
    return page({ courses }, { headers: { "cache-control": "private, no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const n = (v: number) => t.number(v);
  return (
    <>
      <PageTitle t={t} title={t("studio.stats.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.stats.title")}</h1>
      <p class="lead">{t("studio.stats.lead")}</p>
      {data.courses.length === 0 ? <p class="empty">{t("studio.stats.noCourses")}</p> : (
        <>
          <p class="table-scroll__hint" id="stats-hint">{t("studio.stats.scrollHint")}</p>
          <div
            class="table-scroll"
            role="region"
            tabIndex={0}
            aria-label={t("studio.stats.title")}
            aria-describedby="stats-hint"
          >
            <table class="stats-table">
              <thead>
                <tr>
                  <th scope="col">{t("studio.stats.course")}</th>
                  <th scope="col">{t("studio.stats.started")}</th>
                  <th scope="col">{t("studio.stats.inProgress")}</th>
                  <th scope="col">{t("studio.stats.completed")}</th>
                  <th scope="col">{t("studio.stats.rate")}</th>
                  <th scope="col">{t("studio.stats.pendingExams")}</th>
                </tr>
              </thead>
              <tbody>
                {data.courses.map((c) => (
                  <tr key={c.id} data-course={c.slug}>
                    <th scope="row">
                      <a
                        href={studioCourseStatsPath(c.id)}
                        aria-label={t("studio.stats.courseLink", { course: c.name })}
                      >
                        {c.name}
                      </a>
                      {!c.published && <span class="badge">{t("studio.stats.draft")}</span>}
                      {c.archived && <span class="badge">{t("studio.stats.archived")}</span>}
                      {state.user?.id !== undefined && state.user.role !== "TRAINER" && (
                        <span class="muted stats-author">
                          {t("studio.stats.author", { name: c.authorName })}
                        </span>
                      )}
                    </th>
                    <td data-cell="started">{n(c.headline.started)}</td>
                    <td data-cell="inProgress">{n(c.headline.inProgress)}</td>
                    <td data-cell="completed">{n(c.headline.completed)}</td>
                    <td data-cell="rate">{percent(t, c.headline.completionRate)}</td>
                    <td data-cell="pending">{n(c.headline.pendingExams)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
});
