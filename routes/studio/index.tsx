/** Studio home (the course builder replaces this page). */
import { define } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";

export default define.page(({ state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("studio.title")} />
      <h1>{t("studio.title")}</h1>
      <p class="lead">{t("studio.lead")}</p>
    </>
  );
});
