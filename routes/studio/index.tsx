/** Studio home: a menu of the studio's sections. */
import { define } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { studioStepsPath } from "@/core/paths.ts";

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
        </ul>
      </nav>
    </>
  );
});
