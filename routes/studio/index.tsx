/** Studio home (the course builder replaces this page). */
import { define } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { studioExamsPath } from "@/core/paths.ts";

export default define.page(({ state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("studio.title")} />
      <h1>{t("studio.title")}</h1>
      <p class="lead">{t("studio.lead")}</p>
      <ul class="studio-links">
        <li>
          <a href={studioExamsPath()}>{t("studio.exams.link")}</a>
          {state.pendingExams ? ` (${t.plural("studio.exams.badge", state.pendingExams)})` : ""}
          <br />
          <span class="muted">{t("studio.exams.linkHint")}</span>
        </li>
      </ul>
    </>
  );
});
