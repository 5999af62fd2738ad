import type { CatalogueCourse } from "../core/courses.ts";
import type { Translator } from "../core/i18n/mod.ts";
import { CourseLogo } from "./CourseLogo.tsx";

export function CourseCard(
  { course, t, hidden }: { course: CatalogueCourse; t: Translator; hidden?: boolean },
) {
  return (
    <li class="course-card" data-course-card data-search={course.searchText} hidden={hidden}>
      <CourseLogo name={course.name} slug={course.slug} />
      <div class="course-card__body">
        <h3 class="course-card__title">
          <a href={`/courses/${encodeURIComponent(course.slug)}`}>{course.name}</a>
        </h3>
        <p class="course-card__desc">{course.shortDescription}</p>
        <p class="course-card__meta">
          <span>{t("course.author", { name: course.authorName })}</span>
          <span>{t(`course.level.${course.level}` as const)}</span>
          {course.duration && <span>{course.duration}</span>}
          <span>{t.plural("days", course.dayCount)}</span>
          {course.avgRating !== null && (
            <span aria-label={t("course.rating", { rating: course.avgRating.toFixed(1) })}>
              ★ {course.avgRating.toFixed(1)} · {t.plural("course.reviews", course.reviewCount)}
            </span>
          )}
        </p>
      </div>
    </li>
  );
}
