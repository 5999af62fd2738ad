/**
 * `/studio/videos/<id>`: one video of the library — title (rename form),
 * status, duration, size, renditions, thumbnail, the player once it is
 * ready (the learners' island, with the owner's token), "transcode again" for a failed
 * one and the link to delete it. POST `_action=rename|retry`; an invalid
 * title comes back here with what was typed and the message at the field.
 * Another trainer's video answers 404 (core/video/library.ts).
 */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject, typedValues } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { isStaff, requireStudio } from "@/core/auth/guards.ts";
import {
  getVideo,
  isUnfinished,
  type LibraryVideo,
  renameVideo,
  retryVideo,
} from "@/core/video/library.ts";
import type { FieldErrors } from "@/core/validation.ts";
import {
  studioDeleteVideoPath,
  studioVideoPath,
  studioVideosApiPath,
  studioVideosPath,
  studioVideoThumbPath,
} from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { Field, FormNotice } from "@/components/forms.tsx";
import { type VideoDone, videoDone, videoListLabels, videoRow } from "../(_lib)/view.tsx";
import VideoLibrary from "@/islands/VideoLibrary.tsx";
import { VideoPlayerBox } from "@/components/VideoPlayerBox.tsx";
import { type PlayerData, playerProps } from "@/core/video/playback.ts";

interface Data {
  video: LibraryVideo;
  values: { title?: string };
  errors: FieldErrors;
  done: VideoDone | null;
  staff: boolean;
  /** The preview player (READY videos; the page's GET only). */
  player?: PlayerData | null;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const video = await getVideo(ctx.state.services, ctx.state.user, ctx.params.id);
    const player = video.status === "READY"
      ? await playerProps(ctx.state.services, ctx.state.user, video.id)
      : null;
    return page({
      player,
      video,
      values: { title: video.title },
      errors: {},
      done: videoDone(ctx.url.searchParams.get("done")),
      staff: isStaff(ctx.state.user),
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    switch (form._action) {
      case "rename":
        try {
          await renameVideo(svc, user, id, form);
          return redirect(studioVideoPath(id, "renamed"));
        } catch (err) {
          const failure = formFailure(err, ctx.state.t);
          if (!failure) throw err;
          return page<Data>({
            video: await getVideo(svc, user, id),
            values: typedValues(form, ["title"] as const),
            errors: failure.errors,
            done: null,
            staff: isStaff(user),
          }, { status: failure.status });
        }
      case "retry":
        await retryVideo(svc, user, id);
        return redirect(studioVideoPath(id, "retried"));
      default:
        throw new HttpError(400, "unknown video action");
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const v = data.video;
  return (
    <>
      <PageTitle t={t} title={v.title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioVideosPath()}>{t("studio.videos.back")}</a>
      </nav>
      <h1>{v.title}</h1>
      {data.done && <FormNotice>{t(`studio.videos.done.${data.done}`)}</FormNotice>}
      {/* The same live row as the list: status and percent update while it transcodes. */}
      <VideoLibrary
        api={studioVideosApiPath()}
        rows={[videoRow(v, data.staff)]}
        labels={videoListLabels(t, data.staff)}
      />
      <p class="muted">
        {t("studio.videos.original", { name: v.originalName })}
        {v.width && v.height
          ? ` · ${t("studio.videos.size", { width: v.width, height: v.height })}`
          : ""}
      </p>
      {isUnfinished(v) && (
        <p>
          <a href={studioVideoPath(v.id)} class="button button--ghost">
            {t("studio.videos.refresh")}
          </a>
        </p>
      )}
      {v.status === "FAILED" && (
        <ButtonForm
          state={state}
          action={studioVideoPath(v.id)}
          hidden={{ _action: "retry" }}
          label={t("studio.videos.retry.submit")}
        />
      )}

      <section aria-labelledby="preview-title">
        <h2 id="preview-title">{t("studio.videos.preview.title")}</h2>
        {data.player && <VideoPlayerBox {...data.player} csrf={state.csrf()} t={t} />}
        {!data.player && v.hasThumbnail && (
          <img
            src={studioVideoThumbPath(v.id)}
            alt={t("studio.videos.thumb.alt", { title: v.title })}
            width={320}
            class="video-preview"
          />
        )}
        {!data.player && (
          <p class="muted">
            {t(
              v.status === "READY"
                ? "studio.videos.preview.ready"
                : "studio.videos.preview.notReady",
            )}
          </p>
        )}
      </section>

      <section aria-labelledby="rename-title">
        <h2 id="rename-title">{t("studio.videos.rename.title")}</h2>
        <PostForm
          state={state}
          action={studioVideoPath(v.id)}
          hidden={{ _action: "rename" }}
          errors={data.errors}
          labels={{ title: t("studio.videos.field.title") }}
          submit={t("studio.videos.rename.submit")}
        >
          <Field
            name="title"
            label={t("studio.videos.field.title")}
            value={data.values.title ?? ""}
            error={data.errors.title}
            required
            input={{ maxLength: 200 }}
          />
        </PostForm>
      </section>

      <p>
        <a href={studioDeleteVideoPath(v.id)} class="button button--danger">
          {t("studio.videos.delete.link")}
        </a>
      </p>
    </>
  );
});
