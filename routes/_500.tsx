import { define } from "../define.ts";
import { PageTitle } from "../components/PageTitle.tsx";
import { translator } from "../core/i18n/mod.ts";

/** Shows no details of the error: they are in the log under the request id shown here. */
export default define.page(({ state }) => {
  // The error may have happened before the locale middleware ran.
  const t = state.t ?? translator("ru");
  return (
    <section class="notice">
      <PageTitle t={t} title={t("error.500.title")} />
      <h1>{t("error.500.title")}</h1>
      <p>{t("error.500.text")}</p>
      {state.requestId && <p class="muted">{t("error.requestId", { id: state.requestId })}</p>}
      <p>
        <a href="/">{t("error.home")}</a>
      </p>
    </section>
  );
});
