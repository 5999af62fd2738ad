/** Studio home: a menu of the studio's sections. */
import { define } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import {
  studioAccessPath,
  studioCoursesPath,
  studioDaysPath,
  studioExamsPath,
  studioNotesPath,
  studioStatsPath,
  studioStepsPath,
  studioTemplatesPath,
  studioVideosPath,
} from "@/core/paths.ts";

export default define.page(({ state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("studio.title")} />
      <h1>{t("studio.title")}</h1>
      <p class="lead">{t("studio.lead")}</p>
      <nav aria-label={t("studio.menu")}>
        <ul class="studio-menu">
          <li>
            <a href={studioStepsPath()}>{t("studio.menu.steps")}</a>
            <p class="muted">{t("studio.menu.steps.text")}</p>
          </li>
          <li>
            <a href={studioDaysPath()}>{t("studio.menu.days")}</a>
            <p class="muted">{t("studio.menu.days.text")}</p>
          </li>
          <li>
            <a href={studioCoursesPath()}>{t("studio.menu.courses")}</a>
            <p class="muted">{t("studio.menu.courses.text")}</p>
          </li>
          <li>
            <a href={studioVideosPath()}>{t("studio.videos.link")}</a>
            <p class="muted">{t("studio.videos.linkHint")}</p>
          </li>
          <li>
            <a href={studioTemplatesPath()}>{t("studio.templates.link")}</a>
            <p class="muted">{t("studio.templates.linkHint")}</p>
          </li>
          <li>
            <a href={studioExamsPath()}>{t("studio.exams.link")}</a>
            {state.pendingExams ? ` (${t.plural("studio.exams.badge", state.pendingExams)})` : ""}
            <p class="muted">{t("studio.exams.linkHint")}</p>
          </li>
          <li>
            <a href={studioAccessPath()}>{t("studio.access.link")}</a>
            <p class="muted">{t("studio.access.linkHint")}</p>
          </li>
          <li>
            <a href={studioStatsPath()}>{t("studio.stats.link")}</a>
            <p class="muted">{t("studio.stats.linkHint")}</p>
          </li>
          <li>
            <a href={studioNotesPath()}>{t("studio.notes.link")}</a>
            <p class="muted">{t("studio.notes.linkHint")}</p>
          </li>
        </ul>
      </nav>
    </>
  );
});
