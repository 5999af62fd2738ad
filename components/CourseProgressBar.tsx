/** "3 of 6 days" with a bar; the bar is a `<progress>` so screen readers announce it. */
import type { CourseProgress } from "@/core/courses/progress.ts";
import type { Translator } from "@/core/i18n/mod.ts";

export function CourseProgressBar(
  { progress, t }: { progress: CourseProgress; t: Translator },
) {
  const label = t.plural("course.progress", progress.totalDays, { done: progress.completedDays });
  return (
    <div class={`progress progress--${progress.status.toLowerCase()}`}>
      <progress
        max={Math.max(1, progress.totalDays)}
        value={progress.completedDays}
        aria-label={`${t("course.progress.label")}: ${label}`}
      >
        {label}
      </progress>
      <span class="progress__text">
        {label}
        {progress.status === "COMPLETED" && <>{" · "}{t("course.status.COMPLETED")}</>}
      </span>
    </div>
  );
}
