/**
 * `/studio/videos/<id>/delete`: GET asks to confirm — or, when steps,
 * templates or courses still use the video, says which (with links) and
 * offers no button. POST deletes it (row and every file) and goes back to
 * the library; a use that appeared meanwhile brings the list back (409).
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { redirect } from "@/http/responses.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import {
  deleteVideo,
  getVideo,
  isUsed,
  type LibraryVideo,
  VideoInUseError,
  type VideoUsage,
  videoUsage,
} from "@/core/video/library.ts";
import {
  studioCoursePath,
  studioDeleteVideoPath,
  studioStepPath,
  studioTemplatePath,
  studioVideoPath,
  studioVideosPath,
} from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";

interface Data {
  video: LibraryVideo;
  usage: VideoUsage;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const svc = ctx.state.services;
    const video = await getVideo(svc, ctx.state.user, ctx.params.id);
    return page({ video, usage: await videoUsage(svc, ctx.state.user, video.id) });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    try {
      await deleteVideo(svc, user, ctx.params.id);
      return redirect(studioVideosPath("deleted"));
    } catch (err) {
      if (!(err instanceof VideoInUseError)) throw err;
      const video = await getVideo(svc, user, ctx.params.id);
      return page<Data>({ video, usage: err.usage }, { status: 409 });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const v = data.video;
  const u = data.usage;
  const title = t("studio.videos.delete.title", { title: v.title });
  const used = isUsed(u);
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioVideoPath(v.id)}>{v.title}</a>
      </nav>
      <h1>{title}</h1>
      {used
        ? (
          <div class="form-errors" role="alert">
            <p class="form-errors__general">
              {t("studio.videos.delete.inUse", {
                uses: u.steps.length + u.templates.length + u.courses.length,
              })}
            </p>
            <p>{t("studio.videos.delete.usedBy")}</p>
            <ul class="video-usage">
              {u.steps.map((s) => (
                <li key={s.id}>
                  <a href={studioStepPath(s.id)}>
                    {t("studio.videos.usedBy.step", { title: s.title })}
                  </a>
                </li>
              ))}
              {u.templates.map((s) => (
                <li key={s.id}>
                  <a href={studioTemplatePath(s.id)}>
                    {t("studio.videos.usedBy.template", { title: s.title })}
                  </a>
                </li>
              ))}
              {u.courses.map((c) => (
                <li key={c.id}>
                  <a href={studioCoursePath(c.id)}>
                    {t("studio.videos.usedBy.course", { title: c.name })}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        )
        : (
          <>
            <p>{t("studio.videos.delete.text")}</p>
            <div class="form-actions">
              <ButtonForm
                state={state}
                action={studioDeleteVideoPath(v.id)}
                label={t("studio.videos.delete.confirm")}
                variant="danger"
              />
              <a href={studioVideoPath(v.id)} class="button button--ghost">
                {t("studio.videos.delete.cancel")}
              </a>
            </div>
          </>
        )}
    </>
  );
});
