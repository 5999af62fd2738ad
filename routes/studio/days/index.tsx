/** `/studio/days`: the trainer's days (staff: everyone's). */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { type DayListItem, listDays } from "@/core/studio/days.ts";
import { isStaff } from "@/core/auth/guards.ts";
import { studioArchivePath, studioDayPath, studioNewDayPath, studioPath } from "@/core/paths.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { buttonClass, FormNotice } from "@/components/forms.tsx";

/** After a delete or archive (`…/remove`), said above the list. */
const DONE = ["deleted", "archived"] as const;

interface Data {
  done: typeof DONE[number] | null;
  days: DayListItem[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      days: await listDays(ctx.state.services, ctx.state.user),
      done: (DONE as readonly string[]).includes(done) ? done as typeof DONE[number] : null,
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const staff = isStaff(state.user);
  return (
    <>
      <PageTitle t={t} title={t("studio.days.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.days.title")}</h1>
      <p class="lead">{t("studio.days.lead")}</p>
      {data.done && <FormNotice>{t(`studio.authoring.done.${data.done}.day`)}</FormNotice>}
      <p>
        <a href={studioNewDayPath()} class={buttonClass("primary")}>{t("studio.days.new")}</a>{" "}
        <a href={studioArchivePath()} class={buttonClass("ghost")}>
          {t("studio.authoring.archive.link")}
        </a>
      </p>
      {data.days.length === 0
        ? <p class="empty">{t("studio.days.empty")}</p>
        : (
          <ul class="studio-list">
            {data.days.map((d) => (
              <li key={d.id} class="studio-list__item">
                <a href={studioDayPath(d.id)} class="studio-list__title">{d.title}</a>
                <span class="studio-list__meta">
                  {t(`studio.dayType.${d.type}` as MessageKey)}
                  {" · "}
                  {t("studio.days.meta", { steps: d.stepCount, courses: d.courseCount })}
                  {staff && ` · ${t("studio.build.author", { name: d.authorName })}`}
                </span>
              </li>
            ))}
          </ul>
        )}
    </>
  );
});
