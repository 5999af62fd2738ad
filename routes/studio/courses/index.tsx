/** `/studio/courses`: the trainer's courses (staff: everyone's), drafts included. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { type CourseListItem, listCourses } from "@/core/studio/courses.ts";
import { isStaff } from "@/core/auth/guards.ts";
import {
  studioArchivePath,
  studioCoursePath,
  studioNewCoursePath,
  studioPath,
} from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { buttonClass, FormNotice } from "@/components/forms.tsx";

/** After a delete or archive (`…/remove`), said above the list. */
const DONE = ["deleted", "archived"] as const;

interface Data {
  done: typeof DONE[number] | null;
  courses: CourseListItem[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      courses: await listCourses(ctx.state.services, ctx.state.user),
      done: (DONE as readonly string[]).includes(done) ? done as typeof DONE[number] : null,
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const staff = isStaff(state.user);
  return (
    <>
      <PageTitle t={t} title={t("studio.courses.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.courses.title")}</h1>
      <p class="lead">{t("studio.courses.lead")}</p>
      {data.done && <FormNotice>{t(`studio.authoring.done.${data.done}.course`)}</FormNotice>}
      <p>
        <a href={studioNewCoursePath()} class={buttonClass("primary")}>
          {t("studio.courses.new")}
        </a>{" "}
        <a href={studioArchivePath()} class={buttonClass("ghost")}>
          {t("studio.authoring.archive.link")}
        </a>
      </p>
      {data.courses.length === 0
        ? <p class="empty">{t("studio.courses.empty")}</p>
        : (
          <ul class="studio-list">
            {data.courses.map((c) => (
              <li key={c.id} class="studio-list__item">
                <a href={studioCoursePath(c.id)} class="studio-list__title">{c.name}</a>
                <span class="studio-list__meta">
                  {t(c.published ? "studio.courses.published" : "studio.courses.draft")}
                  {" · "}
                  {t(`studio.courses.access.${c.access}`)}
                  {" · "}
                  {t("studio.courses.meta", { days: c.dayCount })}
                  {staff && ` · ${t("studio.build.author", { name: c.authorName })}`}
                </span>
              </li>
            ))}
          </ul>
        )}
    </>
  );
});
