/**
 * The studio's file sections: a step's pictures and PDFs, a course's logo.
 * Each is its own set of small forms posting to its own route
 * (`/studio/steps/<id>/media`, `/studio/courses/<id>/logo`), so the step and
 * course forms beside them stay untouched. Uploads are plain multipart forms
 * that the `UploadField` island enhances with per-file progress.
 */
import type { State } from "@/define.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";
import { CourseLogo } from "@/components/CourseLogo.tsx";
import UploadField from "@/islands/UploadField.tsx";
import { IMAGE_MAX_BYTES, PDF_MAX_BYTES } from "@/core/uploads.ts";
import {
  type CourseLogo as Logo,
  LOGO_FIELD,
  MEDIA_ACCEPT,
  MEDIA_FIELD,
  type MediaKind,
  type StepMedia,
} from "@/core/studio/media.ts";
import {
  studioCourseLogoApiPath,
  studioCourseLogoPath,
  studioCoursePath,
  studioStepMediaApiPath,
  studioStepMediaPath,
  studioStepPath,
} from "@/core/paths.ts";

const MB = 1024 * 1024;

export const STEP_MEDIA_DONE = ["uploaded", "removed", "moved"] as const;
export type StepMediaDone = typeof STEP_MEDIA_DONE[number];
export const LOGO_DONE = ["uploaded", "removed"] as const;
export type LogoDone = typeof LOGO_DONE[number];

/** `?media=…` / `?logo=…` of a redirect back: the notice to show, if it is one of ours. */
export function doneFrom<T extends string>(list: readonly T[], raw: string | null): T | null {
  return (list as readonly string[]).includes(raw ?? "") ? raw as T : null;
}

function UploadForm(
  p: {
    state: State;
    id: string;
    action: string;
    api: string;
    next: string;
    name: string;
    label: string;
    hint: string;
    accept: string;
    multiple: boolean;
    maxBytes: number;
    submit: string;
    error?: string;
  },
) {
  const { t } = p.state;
  return (
    <PostForm state={p.state} action={p.action} multipart submit={p.submit} class="upload-form">
      <UploadField
        id={p.id}
        name={p.name}
        label={p.label}
        hint={p.hint}
        accept={p.accept}
        multiple={p.multiple}
        error={p.error}
        api={p.api}
        csrf={p.state.csrf()}
        maxMb={Math.floor(p.maxBytes / MB)}
        next={p.next}
        labels={{
          progress: t("studio.upload.progress"),
          percent: t("studio.upload.percent"),
          done: t("studio.upload.done"),
          network: t("studio.upload.network"),
          tooLarge: t("studio.upload.tooLarge"),
        }}
      />
    </PostForm>
  );
}

function MoveButton(
  p: { state: State; action: string; key_: string; dir: "up" | "down"; n: number },
) {
  const { t } = p.state;
  return (
    <ButtonForm
      state={p.state}
      action={p.action}
      hidden={{ _action: p.dir, kind: "image", key: p.key_ }}
      label={
        <>
          <span aria-hidden="true">
            {t(p.dir === "up" ? "studio.media.up" : "studio.media.down")}
          </span>
          <span class="visually-hidden">
            {t(p.dir === "up" ? "studio.media.upLabel" : "studio.media.downLabel", { n: p.n })}
          </span>
        </>
      }
      variant="ghost"
      class="studio-order__op"
    />
  );
}

function RemoveLink(
  p: { state: State; stepId: string; kind: MediaKind; key_: string; name: string },
) {
  const { t } = p.state;
  return (
    <a
      class="button button--ghost"
      href={studioStepMediaPath(p.stepId, { kind: p.kind, remove: p.key_ })}
    >
      <span aria-hidden="true">{t("studio.media.remove")}</span>
      <span class="visually-hidden">{t("studio.media.removeLabel", { name: p.name })}</span>
    </a>
  );
}

/** A step's pictures (ordered) and PDFs, with upload, move and remove. */
export function StepMediaSection(
  { state, media, errors = {}, done = null }: {
    state: State;
    media: StepMedia;
    errors?: FieldErrors;
    done?: StepMediaDone | null;
  },
) {
  const { t } = state;
  const id = media.stepId;
  const action = studioStepMediaPath(id);
  const next = (d: StepMediaDone) => `${studioStepPath(id)}?media=${d}#media`;
  const imageName = (n: number) => t("studio.media.image.alt", { n });
  return (
    <section id="media" aria-labelledby="media-title" class="studio-media">
      <h2 id="media-title">{t("studio.media.title")}</h2>
      <p class="muted">{t("studio.media.lead")}</p>
      {done && <FormNotice>{t(`studio.media.done.${done}`)}</FormNotice>}
      {errors._form && (
        <div class="form-errors" role="alert">
          <p class="form-errors__general">{errors._form}</p>
        </div>
      )}

      <h3>{t("studio.media.images", { count: media.images.length, max: media.maxImages })}</h3>
      {media.images.length
        ? (
          <ol class="studio-media__images">
            {media.images.map((img, i) => (
              <li key={img.key} class="studio-media__image">
                <img src={img.url} alt={imageName(i + 1)} loading="lazy" width={160} />
                <span class="studio-order__ops">
                  {i > 0 && (
                    <MoveButton state={state} action={action} key_={img.key} dir="up" n={i + 1} />
                  )}
                  {i < media.images.length - 1 && (
                    <MoveButton state={state} action={action} key_={img.key} dir="down" n={i + 1} />
                  )}
                  <RemoveLink
                    state={state}
                    stepId={id}
                    kind="image"
                    key_={img.key}
                    name={imageName(i + 1)}
                  />
                </span>
              </li>
            ))}
          </ol>
        )
        : <p class="empty">{t("studio.media.images.none")}</p>}
      {media.images.length < media.maxImages
        ? (
          <UploadForm
            state={state}
            id="media-images"
            action={studioStepMediaPath(id, { kind: "image" })}
            api={studioStepMediaApiPath(id, "image")}
            next={next("uploaded")}
            name={MEDIA_FIELD.image}
            label={t("studio.media.chooseImages")}
            hint={t("studio.media.imagesHint")}
            accept={MEDIA_ACCEPT.image}
            multiple
            maxBytes={IMAGE_MAX_BYTES}
            submit={t("studio.media.addImages")}
            error={errors[MEDIA_FIELD.image]}
          />
        )
        : <p class="muted">{t("studio.media.full", { max: media.maxImages })}</p>}

      <h3>{t("studio.media.pdfs", { count: media.pdfs.length, max: media.maxPdfs })}</h3>
      {media.pdfs.length
        ? (
          <ul class="studio-media__files">
            {media.pdfs.map((f) => (
              <li key={f.key}>
                <a href={f.url} target="_blank" rel="noopener">{f.name}</a>{" "}
                <RemoveLink state={state} stepId={id} kind="pdf" key_={f.key} name={f.name} />
              </li>
            ))}
          </ul>
        )
        : <p class="empty">{t("studio.media.pdfs.none")}</p>}
      {media.pdfs.length < media.maxPdfs
        ? (
          <UploadForm
            state={state}
            id="media-pdfs"
            action={studioStepMediaPath(id, { kind: "pdf" })}
            api={studioStepMediaApiPath(id, "pdf")}
            next={next("uploaded")}
            name={MEDIA_FIELD.pdf}
            label={t("studio.media.choosePdfs")}
            hint={t("studio.media.pdfsHint")}
            accept={MEDIA_ACCEPT.pdf}
            multiple
            maxBytes={PDF_MAX_BYTES}
            submit={t("studio.media.addPdfs")}
            error={errors[MEDIA_FIELD.pdf]}
          />
        )
        : <p class="muted">{t("studio.media.full", { max: media.maxPdfs })}</p>}
    </section>
  );
}

/** A course's logo: the current one, upload or replace, remove. */
export function CourseLogoSection(
  { state, logo, errors = {}, done = null }: {
    state: State;
    logo: Logo;
    errors?: FieldErrors;
    done?: LogoDone | null;
  },
) {
  const { t } = state;
  const action = studioCourseLogoPath(logo.courseId);
  return (
    <section id="logo" aria-labelledby="logo-title" class="studio-media">
      <h2 id="logo-title">{t("studio.logo.title")}</h2>
      {done && <FormNotice>{t(`studio.logo.done.${done}`)}</FormNotice>}
      {logo.logoUrl
        ? (
          <p>
            <img
              class="course-logo"
              src={logo.logoUrl}
              alt={t("studio.logo.alt", { name: logo.name })}
              width={96}
              height={96}
            />
          </p>
        )
        : (
          <p class="muted">
            <CourseLogo name={logo.name} slug={logo.slug} size={48} /> {t("studio.logo.none")}
          </p>
        )}
      <UploadForm
        state={state}
        id="course-logo"
        action={action}
        api={studioCourseLogoApiPath(logo.courseId)}
        next={`${studioCoursePath(logo.courseId)}?logo=uploaded#logo`}
        name={LOGO_FIELD}
        label={t("studio.logo.choose")}
        hint={t("studio.logo.hint")}
        accept={MEDIA_ACCEPT.image}
        multiple={false}
        maxBytes={IMAGE_MAX_BYTES}
        submit={t(logo.logoUrl ? "studio.logo.replace" : "studio.logo.upload")}
        error={errors[LOGO_FIELD] ?? errors._form}
      />
      {logo.logoUrl && (
        <ButtonForm
          state={state}
          action={action}
          hidden={{ _action: "remove" }}
          label={t("studio.logo.remove")}
          variant="ghost"
          class="inline-form"
        />
      )}
    </section>
  );
}
