/**
 * `/studio/steps/<id>/media`: a step's pictures and PDFs without JavaScript.
 * POST multipart with `?kind=image|pdf` adds files; urlencoded `_action`
 * `up` / `down` moves a picture, `remove` with `confirm=1` takes a file off.
 * Success goes back to the step's page with a notice (`?media=…#media`); a
 * refused upload shows this page with the message at its field (4xx). GET
 * shows the section alone, or with `?remove=<key>&kind=` the confirmation.
 * Another trainer's step answers 404 (core/studio/media.ts).
 */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import { getStep } from "@/core/studio/steps.ts";
import {
  MEDIA_KINDS,
  type MediaKind,
  moveStepImage,
  removeStepMedia,
  stepFile,
  type StepMedia,
  stepMedia,
  uploadStepMedia,
} from "@/core/studio/media.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioStepMediaPath, studioStepPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { type StepMediaDone, StepMediaSection } from "../../(_lib)/media.tsx";

interface Data {
  title: string;
  media: StepMedia;
  errors: FieldErrors;
  /** A file to confirm the removal of. */
  confirm: { kind: MediaKind; key: string; url: string; name: string | null } | null;
}

const back = (id: string, done: StepMediaDone) => `${studioStepPath(id)}?media=${done}#media`;

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const svc = ctx.state.services;
    const id = ctx.params.id;
    const step = await getStep(svc, ctx.state.user, id);
    const q = ctx.url.searchParams;
    const remove = q.get("remove");
    return page({
      title: step.title,
      media: await stepMedia(svc, ctx.state.user, id),
      errors: {},
      confirm: remove
        ? await stepFile(svc, ctx.state.user, id, { kind: q.get("kind"), key: remove })
        : null,
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    const id = ctx.params.id;
    if (/^multipart\/form-data/i.test(ctx.req.headers.get("content-type") ?? "")) {
      const kind = ctx.url.searchParams.get("kind") as MediaKind;
      if (!MEDIA_KINDS.includes(kind)) throw new HttpError(400, "unknown media kind");
      try {
        await uploadStepMedia(svc, user, id, kind, ctx.req);
        return redirect(back(id, "uploaded"));
      } catch (err) {
        const failure = formFailure(err, ctx.state.t);
        if (!failure) throw err;
        const step = await getStep(svc, user, id);
        return page<Data>({
          title: step.title,
          media: await stepMedia(svc, user, id),
          errors: failure.errors,
          confirm: null,
        }, { status: failure.status, headers: failure.headers });
      }
    }
    const form = await formObject(ctx);
    switch (form._action) {
      case "up":
      case "down":
        await moveStepImage(svc, user, id, String(form.key ?? ""), form._action);
        return redirect(back(id, "moved"));
      case "remove":
        // Without the confirmation the page asks first.
        if (form.confirm !== "1") {
          return redirect(
            studioStepMediaPath(id, { kind: String(form.kind ?? ""), remove: String(form.key) }),
          );
        }
        await removeStepMedia(svc, user, id, form);
        return redirect(back(id, "removed"));
      default:
        throw new HttpError(400, "unknown media action");
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const title = t("studio.media.page.title", { title: data.title });
  const stepPath = studioStepPath(data.media.stepId);
  const c = data.confirm;
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={stepPath}>{t("studio.media.back")}</a>
      </nav>
      <h1>{title}</h1>
      {c
        ? (
          <section aria-labelledby="remove-title">
            <h2 id="remove-title">{t("studio.media.remove.title")}</h2>
            {c.kind === "image"
              ? <img src={c.url} alt={t("studio.media.image.alt", { n: "" })} width={240} />
              : (
                <p>
                  <a href={c.url}>{c.name}</a>
                </p>
              )}
            <p>{t("studio.media.remove.text")}</p>
            <div class="form-actions">
              <ButtonForm
                state={state}
                action={studioStepMediaPath(data.media.stepId)}
                hidden={{ _action: "remove", kind: c.kind, key: c.key, confirm: "1" }}
                label={t("studio.media.remove.confirm")}
                variant="danger"
              />
              <a href={`${stepPath}#media`} class="button button--ghost">
                {t("studio.media.remove.cancel")}
              </a>
            </div>
          </section>
        )
        : <StepMediaSection state={state} media={data.media} errors={data.errors} />}
    </>
  );
});
