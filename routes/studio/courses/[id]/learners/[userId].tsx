/**
 * `/studio/courses/<id>/learners/<userId>`: one learner's progress on the
 * course, day by day and step by step with timestamps and exam statuses,
 * and their success diary for the course's days only where they chose to
 * share it. For the course's author or staff; another trainer, or a user
 * who is not a learner of the course, gets 404. Ships no JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { type LearnerView, learnerView } from "@/core/studio/stats/learners.ts";
import { studioCourseStatsPath, studioPath, studioStatsPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { Section } from "@/components/Section.tsx";
import { Facts } from "@/components/Facts.tsx";
import { when } from "@/components/studio/stats_format.ts";

interface Data {
  view: LearnerView;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const view = await learnerView(
      ctx.state.services,
      ctx.state.user,
      ctx.params.id,
      ctx.params.userId,
    );
    return page({ view }, { headers: { "cache-control": "private, no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { course, learner, days, diary } = data.view;
  const zone = state.user?.timeZone ?? course.timeZone;
  const at = (d: Date | null) =>
    d ? <time dateTime={d.toISOString()}>{when(t, d, zone)}</time> : t("studio.stats.none");
  const title = t("studio.stats.learner.title", { user: learner.username, course: course.name });
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
        {" / "}
        <a href={studioStatsPath()}>{t("studio.stats.title")}</a>
        {" / "}
        <a href={studioCourseStatsPath(course.id)}>{t("studio.stats.learner.back")}</a>
      </nav>
      <h1>{title}</h1>
      <Facts
        items={[
          {
            label: t("studio.stats.learners.status"),
            value: t(`studio.stats.status.${learner.status}`),
          },
          { label: t("studio.stats.learner.started"), value: at(learner.startedAt) },
          { label: t("studio.stats.learner.completed"), value: at(learner.completedAt) },
        ]}
      />
      <Section id="learner-progress" title={t("studio.stats.learner.progress")}>
        <ol class="stats-days">
          {days.map((d) => (
            <li key={d.dayOnCourseId} data-day={d.number} data-status={d.status}>
              <h3>
                {t("studio.stats.dayNumber", { n: d.number })}. {d.title}
                {" — "}
                <span class={`status status--${d.status.toLowerCase()}`}>
                  {t(`course.day.status.${d.status}`)}
                </span>
              </h3>
              <p class="muted">
                {t("studio.stats.learner.started")}: {at(d.startedAt)}
                {" · "}
                {t("studio.stats.learner.completed")}: {at(d.completedAt)}
              </p>
              <ol class="stats-steps">
                {d.steps.map((st) => (
                  <li key={st.stepOnDayId} data-step={st.stepOnDayId} data-status={st.status}>
                    <span class="stats-steps__title">{st.title}</span>{" "}
                    <span class={`status status--${st.status.toLowerCase()}`}>
                      {t(`course.day.status.${st.status}`)}
                    </span>
                    {st.completedAt && <>{" · "}{at(st.completedAt)}</>}
                    {st.exam && (
                      <span class="stats-steps__exam" data-exam={st.exam.status}>
                        {" · "}
                        {t("studio.stats.learner.exam", {
                          status: t(`studio.exams.status.${st.exam.status}`),
                        })}
                        {st.exam.testMaxScore
                          ? `, ${
                            t("studio.stats.learner.score", {
                              score: st.exam.testScore ?? 0,
                              max: st.exam.testMaxScore,
                            })
                          }`
                          : ""}
                        {", "}
                        {t("studio.stats.learner.submitted")} {at(st.exam.submittedAt)}
                        {st.exam.reviewedAt && (
                          <>
                            {", "}
                            {t("studio.stats.learner.reviewed")} {at(st.exam.reviewedAt)}
                          </>
                        )}
                      </span>
                    )}
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      </Section>
      <Section id="learner-diary" title={t("studio.stats.learner.diary")}>
        {diary === null
          ? <p class="empty" data-diary="hidden">{t("studio.stats.learner.diaryHidden")}</p>
          : diary.length === 0
          ? <p class="empty" data-diary="empty">{t("studio.stats.learner.diaryEmpty")}</p>
          : (
            <ul class="stats-diary" data-diary="shown">
              {diary.map((e) => (
                <li key={e.dayId}>
                  <h3>{e.dayTitle}</h3>
                  <p class="stats-diary__text">{e.content}</p>
                  <p class="muted">
                    {t("studio.stats.learner.updated")}: {at(e.updatedAt)}
                  </p>
                </li>
              ))}
            </ul>
          )}
      </Section>
    </>
  );
});
