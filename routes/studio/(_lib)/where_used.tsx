/**
 * The "where else used" notice of the step and day editors: above the save
 * button (before the change) and with the confirmation after it, listing
 * the courses whose learners see the change.
 */
import type { State } from "@/define.ts";
import type { CourseRef } from "@/core/studio/usage.ts";
import { studioCoursePath } from "@/core/paths.ts";

export function WhereUsed(
  { state, kind, courses, saved = false }: {
    state: State;
    kind: "step" | "day";
    /** From `whereElseUsed`: null, no notice. */
    courses: CourseRef[] | null;
    /** After the save: "the learners of these courses now see it". */
    saved?: boolean;
  },
) {
  if (!courses) return null;
  const { t } = state;
  const n = courses.length;
  return (
    <div class="form-notice form-notice--info where-used" role={saved ? undefined : "note"}>
      <p>
        {t.plural(kind === "step" ? "studio.authoring.used.step" : "studio.authoring.used.day", n)}
        {": "}
        {courses.map((c, i) => (
          <span key={c.id}>
            {i > 0 && ", "}
            <a href={studioCoursePath(c.id)}>{c.name}</a>
            {!c.published && ` (${t("studio.steps.usages.draft")})`}
          </span>
        ))}
        {"."}
      </p>
      <p>{t(saved ? "studio.authoring.used.after" : "studio.authoring.used.before")}</p>
    </div>
  );
}
