/**
 * `/offline`: what works without a connection. The service worker shows this
 * page (its copy for the signed-in learner) when a page is neither online nor
 * cached; online it is the "kept courses" view: which courses this device
 * keeps, with their size and a remove button (islands/KeptCourses.tsx).
 */
import { define } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { cataloguePath } from "@/core/paths.ts";
import KeptCourses from "@/islands/KeptCourses.tsx";

export default define.page(({ state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("pwa.offline.title")} />
      <section class="offline-page" aria-labelledby="offline-title">
        <h1 id="offline-title">{t("pwa.offline.title")}</h1>
        <p class="lead">{t("pwa.offline.lead")}</p>
        <h2>{t("pwa.offline.kept")}</h2>
        <KeptCourses
          labels={{
            none: t("pwa.offline.none"),
            nojs: t("pwa.offline.nojs"),
            remove: t("pwa.keep.remove"),
            removed: t("pwa.keep.removed"),
            kept: t("pwa.keep.kept"),
            kb: t("pwa.unit.kb"),
            mb: t("pwa.unit.mb"),
          }}
        />
        <p>{t("pwa.offline.cannot")}</p>
        <p>
          <a href={cataloguePath()}>{t("pwa.offline.retry")}</a>
        </p>
      </section>
    </>
  );
});
