import { define } from "../../../define.ts";
import { page } from "../../../framework/mod.ts";
import { type CourseOutline, courseOutline, COURSES_TAG } from "../../../core/courses.ts";
import { anonymousPage } from "../../../http/page_cache.ts";
import { CourseLogo } from "../../../components/CourseLogo.tsx";
import { PageTitle } from "../../../components/PageTitle.tsx";

export const handler = define.handlers<{ course: CourseOutline | null }>({
  async GET(ctx) {
    const course = await courseOutline(ctx.state.services, ctx.params.slug);
    // Missing, private without access, or unpublished: one answer, so a link
    // does not reveal that a private course exists.
    if (!course) return page({ course: null }, { status: 404 });
    // Only public courses are the same for every visitor.
    const cache = course.access === "PUBLIC" ? anonymousPage(ctx, [COURSES_TAG]) : undefined;
    return page({ course }, { cache });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const course = data.course;
  if (!course) {
    return (
      <>
        <PageTitle t={t} title={t("course.notAvailable")} />
        <section class="notice">
          <h1>🔒 {t("course.notAvailable")}</h1>
          <p>{t("course.notAvailable.text")}</p>
          <p>
            <a href="/courses">{t("course.back")}</a>
          </p>
        </section>
      </>
    );
  }
  return (
    <>
      <PageTitle t={t} title={course.name} description={course.shortDescription} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href="/courses">{t("course.back")}</a>
      </nav>
      <header class="course-head">
        <CourseLogo name={course.name} slug={course.slug} size={96} />
        <div>
          <h1>{course.name}</h1>
          <p class="lead">{course.shortDescription}</p>
          <p class="muted">{t("course.author", { name: course.authorName })}</p>
        </div>
      </header>
      <dl class="facts">
        <div>
          <dt>{t("course.level")}</dt>
          <dd>{t(`course.level.${course.level}` as const)}</dd>
        </div>
        {course.duration && (
          <div>
            <dt>{t("course.duration")}</dt>
            <dd>{course.duration}</dd>
          </div>
        )}
        {course.equipment && (
          <div>
            <dt>{t("course.equipment")}</dt>
            <dd>{course.equipment}</dd>
          </div>
        )}
      </dl>
      {/* Sanitized in core/markdown.ts: no raw HTML, only safe URLs. */}
      <section class="prose" dangerouslySetInnerHTML={{ __html: course.descriptionHtml }} />
      <section>
        <h2>{t("course.outline")}</h2>
        <ol class="day-list">
          {course.days.map((d) => (
            <li class="day-item" key={d.dayOnCourseId}>
              <span class="day-item__label">
                {d.number !== null
                  ? t("course.day.number", { n: d.number })
                  : t(`course.day.type.${d.type as Exclude<typeof d.type, "regular">}` as const)}
              </span>
              <span class="day-item__title">{d.title}</span>
              <span class="day-item__meta">
                {t.plural("steps", d.stepCount)}
                {d.trainingMinutes > 0 && (
                  <>
                    · {t("course.day.training", {
                      minutes: t("minutes.short", { count: d.trainingMinutes }),
                    })}
                  </>
                )}
                {d.theoryMinutes > 0 && (
                  <>
                    · {t("course.day.theory", {
                      minutes: t("minutes.short", { count: d.theoryMinutes }),
                    })}
                  </>
                )}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
});
