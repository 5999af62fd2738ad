/**
 * `/studio/videos`: the trainer's video library (staff: everyone's). The
 * upload form is a plain multipart form (field `videos`, several files),
 * which `UploadField` enhances with a progress bar per file against the
 * JSON API; a refused upload comes back here with the reason at the field
 * (4xx). The list redraws itself while something transcodes (the
 * `VideoLibrary` island); without JavaScript a "refresh" link is offered.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { isStaff, requireStudio } from "@/core/auth/guards.ts";
import {
  isUnfinished,
  type LibraryVideo,
  listVideos,
  MAX_VIDEOS_PER_FORM,
  uploadVideos,
  VIDEO_ACCEPT,
  VIDEO_FIELD,
} from "@/core/video/library.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioPath, studioVideosApiPath, studioVideosPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";
import UploadField from "@/islands/UploadField.tsx";
import VideoLibrary from "@/islands/VideoLibrary.tsx";
import { type VideoDone, videoDone, videoListLabels, videoRow } from "./(_lib)/view.tsx";

interface Data {
  videos: LibraryVideo[];
  errors: FieldErrors;
  done: VideoDone | null;
  staff: boolean;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const user = requireStudio(ctx.state.user);
    return page({
      videos: await listVideos(ctx.state.services, user),
      errors: {},
      done: videoDone(ctx.url.searchParams.get("done")),
      staff: isStaff(user),
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    try {
      await uploadVideos(svc, user, ctx.req);
      return redirect(studioVideosPath("uploaded"));
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page<Data>({
        videos: await listVideos(svc, user),
        errors: failure.errors,
        done: null,
        staff: isStaff(user),
      }, { status: failure.status, headers: failure.headers });
    }
  },
});

const MB = 1024 * 1024;

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const cfg = state.services.config.video;
  const busy = data.videos.some(isUnfinished);
  return (
    <>
      <PageTitle t={t} title={t("studio.videos.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.videos.studio")}</a>
      </nav>
      <h1>{t("studio.videos.title")}</h1>
      <p class="lead">{t("studio.videos.lead")}</p>
      {data.done && <FormNotice>{t(`studio.videos.done.${data.done}`)}</FormNotice>}
      <PostForm
        state={state}
        action={studioVideosPath()}
        multipart
        submit={t("studio.videos.upload.submit")}
        class="upload-form"
      >
        <UploadField
          id="videos-upload"
          name={VIDEO_FIELD}
          label={t("studio.videos.upload.label")}
          hint={t("studio.videos.upload.hint", {
            mb: Math.floor(cfg.maxUploadBytes / MB),
            minutes: Math.max(1, Math.round(cfg.maxSeconds / 60)),
          })}
          accept={VIDEO_ACCEPT}
          multiple={MAX_VIDEOS_PER_FORM > 1}
          error={data.errors[VIDEO_FIELD] ?? data.errors._form}
          api={studioVideosApiPath()}
          csrf={state.csrf()}
          maxMb={Math.floor(cfg.maxUploadBytes / MB)}
          next={studioVideosPath("uploaded")}
          labels={{
            progress: t("studio.upload.progress"),
            percent: t("studio.upload.percent"),
            done: t("studio.upload.done"),
            network: t("studio.upload.network"),
            tooLarge: t("studio.upload.tooLarge"),
          }}
        />
      </PostForm>
      {data.videos.length
        ? (
          <VideoLibrary
            api={studioVideosApiPath()}
            rows={data.videos.map((v) => videoRow(v, data.staff))}
            labels={videoListLabels(t, data.staff)}
          />
        )
        : <p class="empty">{t("studio.videos.empty")}</p>}
      {busy && (
        <p>
          <a href={studioVideosPath()} class="button button--ghost">{t("studio.videos.refresh")}</a>
        </p>
      )}
    </>
  );
});
