/**
 * `/studio/archive`: the viewer's archived days and courses (staff:
 * everyone's), each with "restore" — a POST (`_action=unarchive`, `kind`,
 * `id`) that brings it back and opens its editor.
 */
import { define } from "@/define.ts";
import type { State } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { isStaff, NotFoundError, requireStudio } from "@/core/auth/guards.ts";
import {
  type ArchivedItem,
  type ArchiveKind,
  listArchived,
  unarchiveContent,
} from "@/core/studio/archive.ts";
import {
  studioArchivePath,
  studioCoursePath,
  studioCoursesPath,
  studioDayPath,
  studioDaysPath,
  studioPath,
} from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";

interface Data {
  days: ArchivedItem[];
  courses: ArchivedItem[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const svc = ctx.state.services;
    return page({
      days: await listArchived(svc, ctx.state.user, "day"),
      courses: await listArchived(svc, ctx.state.user, "course"),
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const form = await formObject(ctx);
    const kind = form.kind === "day" || form.kind === "course" ? form.kind : null;
    const id = typeof form.id === "string" ? form.id : "";
    if (form._action !== "unarchive" || !kind) throw new NotFoundError();
    await unarchiveContent(ctx.state.services, user, kind, id);
    const edit = kind === "day" ? studioDayPath(id) : studioCoursePath(id);
    return redirect(`${edit}?done=unarchived`);
  },
});

function Archived(
  { state, kind, items }: { state: State; kind: ArchiveKind; items: ArchivedItem[] },
) {
  const { t } = state;
  const staff = isStaff(state.user);
  const id = `archive-${kind}`;
  return (
    <section aria-labelledby={id} class="studio-section">
      <h2 id={id}>{t(`studio.authoring.archive.title.${kind}`)}</h2>
      {items.length === 0
        ? <p class="empty">{t("studio.authoring.archive.empty")}</p>
        : (
          <ul class="studio-list">
            {items.map((x) => (
              <li key={x.id} class="studio-list__item">
                <span class="studio-list__title">{x.title}</span>
                {staff && (
                  <span class="studio-list__meta">
                    {t("studio.build.author", { name: x.authorName })}
                  </span>
                )}
                <ButtonForm
                  state={state}
                  action={studioArchivePath()}
                  hidden={{ _action: "unarchive", kind, id: x.id }}
                  label={t("studio.authoring.unarchive", { title: x.title })}
                />
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const title = t("studio.authoring.archive.title");
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
        {" · "}
        <a href={studioDaysPath()}>{t("studio.days.title")}</a>
        {" · "}
        <a href={studioCoursesPath()}>{t("studio.courses.title")}</a>
      </nav>
      <h1>{title}</h1>
      <FormNotice kind="info">{t("studio.authoring.archive.hint")}</FormNotice>
      <Archived state={state} kind="course" items={data.courses} />
      <Archived state={state} kind="day" items={data.days} />
    </>
  );
});
