import { define } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";

export default define.page(({ state }) => {
  const { t } = state;
  return (
    <section class="notice">
      <PageTitle t={t} title={t("error.404.title")} />
      <h1>{t("error.404.title")}</h1>
      <p>{t("error.404.text")}</p>
      <p>
        <a href="/">{t("error.home")}</a>
      </p>
    </section>
  );
});
