/** The one answer for a course that is missing, private without access, or a draft (404). */
import type { State } from "@/define.ts";
import { PageTitle } from "./PageTitle.tsx";
import { loginPath } from "@/core/paths.ts";
import { Icon } from "./icons.tsx";

export function CourseNotAvailable({ state, path }: { state: State; path: string }) {
  const { t, user } = state;
  return (
    <>
      <PageTitle t={t} title={t("course.notAvailable")} />
      <section class="notice">
        <h1>
          <Icon name="lock" /> {t("course.notAvailable")}
        </h1>
        <p>{t("course.notAvailable.text")}</p>
        {!user && (
          <p>
            <a href={loginPath(path)}>
              {t("course.notAvailable.signIn")}
            </a>
          </p>
        )}
        <p>
          <a href="/courses">{t("course.back")}</a>
        </p>
      </section>
    </>
  );
}
