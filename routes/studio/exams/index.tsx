/**
 * `/studio/exams`: the queue of exam submissions on the trainer's courses
 * (staff: all), newest first, with counts per status, a GET filter form
 * (course, status) and pages of 20. Ships no JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { isStaff } from "@/core/auth/guards.ts";
import {
  type ExamFilters,
  examFiltersSearch,
  type ExamQueue,
  listExams,
  parseExamFilters,
} from "@/core/studio/exams.ts";
import { EXAM_STATUSES } from "@/db/schema.ts";
import { studioExamPath, studioExamsPath, studioPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { SelectField } from "@/components/forms.tsx";

export const handler = define.handlers<ExamQueue>({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const queue = await listExams(services, user, parseExamFilters(ctx.url.searchParams));
    return page(queue, { headers: { "cache-control": "private, no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const f = data.filters;
  const filtered = !!(f.course || f.status);
  const at = (p: Partial<ExamFilters>) => studioExamsPath(examFiltersSearch({ ...f, ...p }));
  const when = (d: Date) =>
    t.date(d, { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
  return (
    <div class="studio-exams">
      <PageTitle t={t} title={t("studio.exams.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.exams.title")}</h1>
      <p class="lead">
        {isStaff(state.user) ? t("studio.exams.leadStaff") : t("studio.exams.lead")}
      </p>

      <section aria-labelledby="exam-counts">
        <h2 id="exam-counts" class="visually-hidden">{t("studio.exams.counts")}</h2>
        <ul class="exam-counts">
          {EXAM_STATUSES.map((st) => (
            <li key={st} class={`exam-counts__item exam-status--${st.toLowerCase()}`}>
              <a
                href={at({ status: st, page: 1 })}
                aria-current={f.status === st ? "true" : undefined}
                data-count={st}
              >
                <strong>{t.number(data.counts[st])}</strong>
                <span>{t(`studio.exams.count.${st}`)}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>

      <form method="get" action={studioExamsPath()} class="form exam-filters">
        <h2 class="visually-hidden">{t("studio.exams.filters")}</h2>
        <SelectField
          name="course"
          label={t("studio.exams.filter.course")}
          value={f.course ?? ""}
          options={[
            { value: "", label: t("studio.exams.filter.allCourses") },
            ...data.courses.map((c) => ({ value: c.id, label: c.name })),
          ]}
        />
        <SelectField
          name="status"
          label={t("studio.exams.filter.status")}
          value={f.status ?? ""}
          options={[
            { value: "", label: t("studio.exams.filter.allStatuses") },
            ...EXAM_STATUSES.map((st) => ({ value: st, label: t(`studio.exams.count.${st}`) })),
          ]}
        />
        <div class="exam-filters__actions">
          <button type="submit" class="button">{t("studio.exams.filter.apply")}</button>
          {filtered && <a href={studioExamsPath()}>{t("studio.exams.filter.reset")}</a>}
        </div>
      </form>

      {data.items.length === 0
        ? (
          <p class="empty">
            {filtered ? t("studio.exams.emptyFiltered") : t("studio.exams.empty")}
          </p>
        )
        : (
          <ol class="exam-queue" aria-label={t("studio.exams.list")}>
            {data.items.map((e) => (
              <li key={e.id} class="exam-card" data-exam={e.id}>
                <p class="exam-card__head">
                  <a class="exam-card__link" href={studioExamPath(e.id)}>{e.stepTitle}</a>
                  <span class={`exam-status exam-status--${e.status.toLowerCase()}`}>
                    {t(`studio.exams.status.${e.status}`)}
                  </span>
                </p>
                <p class="exam-card__where">
                  <span>
                    {t("studio.exams.learner")}: <b>{e.learner}</b>
                  </span>
                  {" · "}
                  <span>{e.courseName}</span>
                  {" · "}
                  <span>{e.dayTitle}</span>
                </p>
                <p class="exam-card__facts muted">
                  {e.maxScore !== null && (
                    <span>
                      {t("studio.exams.score", {
                        score: e.score ?? 0,
                        max: e.maxScore,
                        pct: e.percent ?? 0,
                      })}
                    </span>
                  )}
                  {e.hasWritten && <span>{t("studio.exams.hasWritten")}</span>}
                  {e.hasVideo && <span>{t("studio.exams.hasVideo")}</span>}
                  <time dateTime={e.submittedAt.toISOString()}>
                    {t("studio.exams.submitted", { date: when(e.submittedAt) })}
                  </time>
                </p>
              </li>
            ))}
          </ol>
        )}

      {data.pages > 1 && (
        <nav class="pager" aria-label={t("studio.exams.pages")}>
          {data.page > 1 && (
            <a href={at({ page: data.page - 1 })} rel="prev">{t("studio.exams.prev")}</a>
          )}
          <span>{t("studio.exams.pageOf", { page: data.page, pages: data.pages })}</span>
          {data.page < data.pages && (
            <a href={at({ page: data.page + 1 })} rel="next">{t("studio.exams.next")}</a>
          )}
        </nav>
      )}
    </div>
  );
});
