/**
 * `/studio/courses/<id>/stats`: one course's statistics for its author or
 * staff (another trainer gets 404): headline numbers, completion per day and
 * the step funnel, median times, exams, ratings and favourites, activity by
 * weekday and hour, and the learners (searchable by username, paginated),
 * each linking to their progress. Charts are SVG drawn here, each with its
 * numbers in a table. Ships no JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { type CourseStats, courseStats } from "@/core/studio/stats/course.ts";
import { courseLearners, type LearnerPage } from "@/core/studio/stats/learners.ts";
import {
  coursePath,
  studioCoursePath,
  studioCourseStatsCsvPath,
  studioCourseStatsPath,
  studioLearnerPath,
  studioPath,
  studioStatsPath,
} from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { Section } from "@/components/Section.tsx";
import { Facts } from "@/components/Facts.tsx";
import { BarChart, Heatmap } from "@/components/studio/charts.tsx";
import { duration, percent, weekdayNames, when } from "@/components/studio/stats_format.ts";

interface Data {
  stats: CourseStats;
  learners: LearnerPage;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const id = ctx.params.id;
    const query = {
      q: ctx.url.searchParams.get("q") ?? "",
      page: ctx.url.searchParams.get("page") ?? "1",
    };
    const [stats, learners] = await Promise.all([
      courseStats(services, user, id),
      courseLearners(services, user, id, query),
    ]);
    return page({ stats, learners }, { headers: { "cache-control": "private, no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { stats, learners } = data;
  const { course, headline, exams } = stats;
  const n = (v: number) => t.number(v);
  const viewerZone = state.user?.timeZone ?? course.timeZone;
  const title = t("studio.stats.course.title", { course: course.name });
  const steps = stats.days.flatMap((d) => d.steps.map((st) => ({ day: d, step: st })));
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
        {" / "}
        <a href={studioStatsPath()}>{t("studio.stats.title")}</a>
      </nav>
      <h1>{title}</h1>
      <p class="stats-links">
        <a href={studioCoursePath(course.id)}>{t("studio.stats.course.edit")}</a>
        {" · "}
        <a href={coursePath(course.slug)}>{t("studio.stats.course.page")}</a>
        {" · "}
        <a href={studioCourseStatsCsvPath(course.id)} download>{t("studio.stats.csv")}</a>
      </p>

      <Section id="stats-headline" title={t("studio.stats.headline")}>
        <p class="muted">
          {t("studio.stats.computedAt", {
            time: t.date(stats.computedAt, {
              hour: "2-digit",
              minute: "2-digit",
              second: "2-digit",
              timeZone: viewerZone,
            }),
          })}
        </p>
        <Facts
          items={[
            { label: t("studio.stats.started"), value: n(headline.started) },
            { label: t("studio.stats.inProgress"), value: n(headline.inProgress) },
            { label: t("studio.stats.completed"), value: n(headline.completed) },
            { label: t("studio.stats.rate"), value: percent(t, headline.completionRate) },
            { label: t("studio.stats.pendingExams"), value: n(headline.pendingExams) },
            { label: t("studio.stats.medianCourse"), value: duration(t, stats.medianCourseSec) },
          ]}
        />
      </Section>

      <Section id="stats-days" title={t("studio.stats.days")}>
        {stats.days.length === 0 ? <p class="empty">{t("studio.stats.days.empty")}</p> : (
          <>
            <BarChart
              id="chart-days"
              title={t("studio.stats.days.chart")}
              head={[t("studio.stats.day"), t("studio.stats.rate")]}
              max={1}
              bars={stats.days.map((d) => ({
                label: `${t("studio.stats.dayNumber", { n: d.number })}. ${d.title}`,
                value: d.rate ?? 0,
                text: percent(t, d.rate),
              }))}
            />
            <div
              class="table-scroll"
              role="region"
              tabIndex={0}
              aria-label={t("studio.stats.days")}
            >
              <table class="stats-table" id="days-table">
                <thead>
                  <tr>
                    <th scope="col">{t("studio.stats.day")}</th>
                    <th scope="col">{t("studio.stats.started")}</th>
                    <th scope="col">{t("studio.stats.completed")}</th>
                    <th scope="col">{t("studio.stats.rate")}</th>
                    <th scope="col">{t("studio.stats.median")}</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.days.map((d) => (
                    <tr key={d.dayOnCourseId} data-day={d.number}>
                      <th scope="row">{t("studio.stats.dayNumber", { n: d.number })}. {d.title}</th>
                      <td data-cell="started">{n(d.started)}</td>
                      <td data-cell="completed">{n(d.completed)}</td>
                      <td data-cell="rate">{percent(t, d.rate)}</td>
                      <td data-cell="median">{duration(t, d.medianSec)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Section>

      {steps.length > 0 && (
        <Section id="stats-funnel" title={t("studio.stats.funnel")}>
          <p class="muted">{t("studio.stats.funnel.lead")}</p>
          <BarChart
            id="chart-funnel"
            funnel
            title={t("studio.stats.funnel.chart")}
            head={[t("studio.stats.step"), t("studio.stats.rate")]}
            max={1}
            bars={steps.map(({ day, step }) => ({
              label: `${t("studio.stats.dayShort", { n: day.number })} · ${step.title}`,
              value: step.rate ?? 0,
              text: percent(t, step.rate),
            }))}
          />
          <div class="visually-hidden">
            <table class="stats-table" id="steps-table">
              <caption>{t("studio.stats.funnel")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("studio.stats.step")}</th>
                  <th scope="col">{t("studio.stats.completed")}</th>
                  <th scope="col">{t("studio.stats.rate")}</th>
                </tr>
              </thead>
              <tbody>
                {steps.map(({ day, step }) => (
                  <tr key={`${day.dayOnCourseId}/${step.stepOnDayId}`} data-step={step.stepOnDayId}>
                    <th scope="row">
                      {t("studio.stats.dayShort", { n: day.number })} · {step.title}
                    </th>
                    <td data-cell="completed">{n(step.completed)}</td>
                    <td data-cell="rate">{percent(t, step.rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      )}

      <Section id="stats-exams" title={t("studio.stats.exams")}>
        {exams.submissions === 0 ? <p class="empty">{t("studio.stats.exams.none")}</p> : (
          <Facts
            items={[
              { label: t("studio.stats.exams.submissions"), value: n(exams.submissions) },
              { label: t("studio.stats.exams.approved"), value: n(exams.approved) },
              { label: t("studio.stats.exams.returned"), value: n(exams.returned) },
              { label: t("studio.stats.exams.pending"), value: n(exams.pending) },
              { label: t("studio.stats.exams.passRate"), value: percent(t, exams.passRate) },
              { label: t("studio.stats.exams.score"), value: percent(t, exams.averageScore) },
            ]}
          />
        )}
      </Section>

      <Section id="stats-reviews" title={t("studio.stats.reviews")}>
        <Facts
          items={[
            { label: t("studio.stats.reviews.count"), value: n(stats.reviewCount) },
            {
              label: t("studio.stats.reviews.average"),
              value: stats.averageRating === null
                ? t("studio.stats.none")
                : t.number(stats.averageRating, { maximumFractionDigits: 2 }),
            },
            { label: t("studio.stats.favourites"), value: n(stats.favourites) },
          ]}
        />
        <BarChart
          id="chart-ratings"
          title={t("studio.stats.reviews.chart")}
          head={[t("studio.stats.reviews.stars"), t("studio.stats.reviews.count")]}
          bars={[5, 4, 3, 2, 1].map((star) => ({
            label: t("studio.stats.reviews.starsN", { n: star }),
            value: stats.ratings[star - 1],
            text: n(stats.ratings[star - 1]),
          }))}
        />
      </Section>

      <Section id="stats-activity" title={t("studio.stats.activity")}>
        <p class="muted">{t("studio.stats.activity.zone", { zone: course.timeZone })}</p>
        <Heatmap
          id="chart-activity"
          title={t("studio.stats.activity.chart")}
          activity={stats.activity}
          weekdays={weekdayNames(t)}
          hourLabel={t("studio.stats.activity.weekday")}
          empty={t("studio.stats.activity.empty")}
        />
      </Section>

      <Section id="stats-learners" title={t("studio.stats.learners")}>
        <form
          method="get"
          action={studioCourseStatsPath(course.id)}
          class="studio-search"
          role="search"
        >
          <label for="q">{t("studio.stats.learners.search")}</label>
          <div class="studio-search__row">
            <input
              id="q"
              name="q"
              type="search"
              value={learners.q}
              maxLength={100}
              autocomplete="off"
            />
            <button type="submit" class="button">{t("studio.stats.learners.submit")}</button>
          </div>
        </form>
        {learners.q && (
          <p>
            <a href={`${studioCourseStatsPath(course.id)}#stats-learners`}>
              {t("studio.stats.learners.reset")}
            </a>
          </p>
        )}
        <p class="muted" data-learners={learners.total}>
          {t.plural("studio.stats.learners.total", learners.total)}
        </p>
        {learners.learners.length === 0
          ? (
            <p class="empty">
              {learners.q ? t("studio.stats.learners.none") : t("studio.stats.learners.empty")}
            </p>
          )
          : (
            <div
              class="table-scroll"
              role="region"
              tabIndex={0}
              aria-label={t("studio.stats.learners")}
            >
              <table class="stats-table" id="learners-table">
                <thead>
                  <tr>
                    <th scope="col">{t("studio.stats.learners.user")}</th>
                    <th scope="col">{t("studio.stats.learners.status")}</th>
                    <th scope="col">{t("studio.stats.learners.startedAt")}</th>
                    <th scope="col">{t("studio.stats.learners.completedAt")}</th>
                    <th scope="col">{t("studio.stats.learners.days")}</th>
                  </tr>
                </thead>
                <tbody>
                  {learners.learners.map((l) => (
                    <tr key={l.userId} data-learner={l.username}>
                      <th scope="row">
                        <a href={studioLearnerPath(course.id, l.userId)}>{l.username}</a>
                      </th>
                      <td>{t(`studio.stats.status.${l.status}`)}</td>
                      <td>{when(t, l.startedAt, viewerZone)}</td>
                      <td>{when(t, l.completedAt, viewerZone)}</td>
                      <td>{n(l.daysCompleted)} / {n(learners.daysTotal)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        {learners.pages > 1 && (
          <nav class="pager" aria-label={t("studio.stats.learners.pages")}>
            {learners.page > 1 && (
              <a
                rel="prev"
                href={`${
                  studioCourseStatsPath(course.id, { q: learners.q, page: learners.page - 1 })
                }#stats-learners`}
              >
                {t("studio.stats.learners.prev")}
              </a>
            )}
            <span aria-current="page">
              {t("studio.stats.learners.page", { page: learners.page, pages: learners.pages })}
            </span>
            {learners.page < learners.pages && (
              <a
                rel="next"
                href={`${
                  studioCourseStatsPath(course.id, { q: learners.q, page: learners.page + 1 })
                }#stats-learners`}
              >
                {t("studio.stats.learners.next")}
              </a>
            )}
          </nav>
        )}
      </Section>
    </>
  );
});
