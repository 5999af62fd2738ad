import { define } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { type MessageKey, translator } from "@/core/i18n/mod.ts";
import { HttpError } from "@/framework/mod.ts";
import { AppError } from "@/core/app_error.ts";
import { errorStatus } from "@/http/errors.ts";

const TITLES: Record<number, MessageKey> = {
  403: "error.403.title",
  405: "error.405.title",
  413: "error.413.title",
  429: "error.429.title",
};

/** Shows no details of the error: they are in the log under the request id shown here. */
export default define.page(({ state, error }) => {
  // The error may have happened before the locale middleware ran.
  const t = state.t ?? translator("ru");
  const status = errorStatus(error);
  const title = status >= 500 ? t("error.500.title") : t(TITLES[status] ?? "error.generic.title");
  const text = status >= 500
    ? t("error.500.text")
    : error instanceof AppError
    ? error.describe(t)
    : status === 403
    ? (error instanceof HttpError && /CSRF|cross-site/.test(error.message)
      ? t("csrf.failed")
      : t("error.403.text"))
    : status === 429
    ? t("error.429.text")
    : t("error.400.text");
  return (
    <section class="notice">
      <PageTitle t={t} title={title} />
      <h1>{title}</h1>
      <p>{text}</p>
      {state.requestId && <p class="muted">{t("error.requestId", { id: state.requestId })}</p>}
      <p>
        <a href="/">{t("error.home")}</a>
      </p>
    </section>
  );
});
