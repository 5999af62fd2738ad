/**
 * The confirmation page for deleting or archiving a day or course (one
 * component for both `…/remove` routes): what will happen, and only the
 * choice that is allowed — delete when nobody has progress, archive always.
 */
import { define } from "@/define.ts";
import type { State } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import {
  archiveContent,
  type ArchiveKind,
  ContentInUseError,
  deleteContent,
  type RemovalPreview,
  removalPreview,
} from "@/core/studio/archive.ts";
import {
  studioCoursePath,
  studioCoursesPath,
  studioDayPath,
  studioDaysPath,
  studioRemoveCoursePath,
  studioRemoveDayPath,
} from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";

interface Data {
  preview: RemovalPreview;
  /** A delete refused meanwhile (someone started): the message. */
  refused: string | null;
}

const paths = {
  day: { edit: studioDayPath, list: studioDaysPath, remove: studioRemoveDayPath },
  course: { edit: studioCoursePath, list: studioCoursesPath, remove: studioRemoveCoursePath },
} as const;

/** The handlers of `/studio/days/<id>/remove` and `/studio/courses/<id>/remove`. */
export function removalHandlers(kind: ArchiveKind) {
  return define.handlers<Data>({
    async GET(ctx) {
      const preview = await removalPreview(ctx.state.services, ctx.state.user, kind, ctx.params.id);
      return page({ preview, refused: null });
    },
    async POST(ctx) {
      const user = requireStudio(ctx.state.user);
      const svc = ctx.state.services;
      const id = ctx.params.id;
      const form = await formObject(ctx);
      if (form._action === "archive") {
        await archiveContent(svc, user, kind, id);
        return redirect(`${paths[kind].list()}?done=archived`);
      }
      if (form._action === "delete") {
        try {
          await deleteContent(svc, user, kind, id);
          return redirect(`${paths[kind].list()}?done=deleted`);
        } catch (err) {
          if (!(err instanceof ContentInUseError)) throw err;
          const preview = await removalPreview(svc, user, kind, id);
          return page<Data>({ preview, refused: err.describe(ctx.state.t) }, { status: 409 });
        }
      }
      return redirect(paths[kind].remove(id));
    },
  });
}

export function RemovalPage({ state, data }: { state: State; data: Data }) {
  const { t } = state;
  const { preview: p } = data;
  const title = t(`studio.authoring.remove.title.${p.kind}`, { title: p.title });
  const action = paths[p.kind].remove(p.id);
  const back = paths[p.kind].edit(p.id);
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={back}>{p.title}</a>
      </nav>
      <h1>{title}</h1>
      {data.refused && (
        <div class="form-errors" role="alert" tabIndex={-1} autofocus>
          <p class="form-errors__general">{data.refused}</p>
        </div>
      )}
      {p.learners > 0 ? <p>{t.plural(`studio.authoring.archiveOnly.${p.kind}`, p.learners)}</p> : (
        <>
          <p>{t(`studio.authoring.delete.text.${p.kind}`)}</p>
          {p.courses.length > 0 && (
            <>
              <p>{t("studio.authoring.delete.courses")}</p>
              <ul class="studio-usages">
                {p.courses.map((c) => (
                  <li key={c.id}>
                    <a href={studioCoursePath(c.id)}>{c.name}</a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      <p class="muted">{t(`studio.authoring.archive.text.${p.kind}`)}</p>
      <div class="form-actions">
        {p.learners === 0 && (
          <ButtonForm
            state={state}
            action={action}
            hidden={{ _action: "delete" }}
            label={t("studio.authoring.confirm.delete")}
            variant="danger"
          />
        )}
        <ButtonForm
          state={state}
          action={action}
          hidden={{ _action: "archive" }}
          label={t("studio.authoring.confirm.archive")}
          variant={p.learners > 0 ? "danger" : "default"}
        />
        <a href={back} class="button button--ghost">{t("studio.authoring.confirm.cancel")}</a>
      </div>
    </>
  );
}
