/**
 * A course in a list: logo, name, short description, author, level,
 * duration, rating, and — for a signed-in learner — progress and the
 * favourite star. The card carries what the catalogue island filters and
 * sorts on in `data-*` attributes.
 */
import type { ComponentChildren } from "preact";
import type { CatalogueCourse } from "@/core/courses/catalogue.ts";
import { type CourseProgress, progressRatio } from "@/core/courses/progress.ts";
import type { Translator } from "@/core/i18n/mod.ts";
import { CourseLogo } from "./CourseLogo.tsx";
import { CourseAuthor } from "./CourseAuthor.tsx";
import { CourseProgressBar } from "./CourseProgressBar.tsx";
import { coursePath } from "@/core/paths.ts";
import { Icon } from "./icons.tsx";

export function CourseCard(
  { course, t, hidden, progress, star }: {
    course: CatalogueCourse;
    t: Translator;
    hidden?: boolean;
    /** The learner's progress (signed in and started); nothing for visitors. */
    progress?: CourseProgress | null;
    /** The favourite control (components/FavoriteToggle.tsx). */
    star?: ComponentChildren;
  },
) {
  return (
    <li
      class="course-card"
      data-course-card
      data-search={course.searchText}
      data-level={course.level}
      data-rating={course.avgRating ?? ""}
      data-reviews={course.reviewCount}
      data-status={progress?.status ?? "NOT_STARTED"}
      data-progress={progressRatio(progress)}
      data-name={course.name}
      data-published={course.publishedAt.getTime()}
      hidden={hidden}
    >
      <CourseLogo name={course.name} slug={course.slug} logoKey={course.logoKey} />
      <div class="course-card__body">
        <h3 class="course-card__title">
          <a href={coursePath(course.slug)}>{course.name}</a>
        </h3>
        {course.access === "PRIVATE" && (
          <p class="badge badge--private">
            <Icon name="lock" /> {t("course.private")}
          </p>
        )}
        <p class="course-card__desc">{course.shortDescription}</p>
        <p class="course-card__meta">
          <CourseAuthor
            username={course.authorUsername}
            name={course.authorName}
            avatarKey={course.authorAvatarKey}
            link={false}
          />
          <span>{t(`course.level.${course.level}` as const)}</span>
          {course.duration && <span>{course.duration}</span>}
          <span>{t.plural("days", course.dayCount)}</span>
          {course.avgRating !== null && (
            <span>
              <span class="visually-hidden">
                {t("course.rating", { rating: course.avgRating.toFixed(1) })}
              </span>
              <span aria-hidden="true">
                <Icon name="star" /> {course.avgRating.toFixed(1)}
              </span>
              {" · "}
              {t.plural("course.reviews", course.reviewCount)}
            </span>
          )}
        </p>
        {progress && (progress.status !== "NOT_STARTED" || progress.completedDays > 0) && (
          <CourseProgressBar progress={progress} t={t} />
        )}
      </div>
      {star && <div class="course-card__star">{star}</div>}
    </li>
  );
}
