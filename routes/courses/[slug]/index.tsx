/**
 * A course's page: description, facts, author, the days with their status
 * and estimated minutes (a summary day stays locked until every other day is
 * done), a call to action to the next unfinished day, sharing and Open Graph
 * tags. Visitors of a public course share one cached page; a signed-in
 * learner sees their own statuses.
 */
import { define, type State } from "@/define.ts";
import { type Context, Head, page } from "@/framework/mod.ts";
import { COURSES_TAG } from "@/core/courses/cache.ts";
import { type CourseView, courseView, type DayView } from "@/core/courses/view.ts";
import {
  absoluteUrl,
  coursePath,
  dayPath,
  diarySharingPath,
  loginPath,
  mediaPath,
  personalisePath,
  reviewsPath,
} from "@/core/paths.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { myReview } from "@/core/reviews.ts";
import { diarySharing } from "@/core/courses/diary_sharing.ts";
import type { Translator } from "@/core/i18n/mod.ts";
import { anonymousPage } from "@/http/page_cache.ts";
import { CourseLogo } from "@/components/CourseLogo.tsx";
import { CourseAuthor } from "@/components/CourseAuthor.tsx";
import { CourseProgressBar } from "@/components/CourseProgressBar.tsx";
import { FavoriteToggle } from "@/components/FavoriteToggle.tsx";
import { StarRating } from "@/components/StarRating.tsx";
import { PageTitle } from "@/components/PageTitle.tsx";
import { Facts } from "@/components/Facts.tsx";
import { Section } from "@/components/Section.tsx";
import { CourseNotAvailable } from "@/components/CourseNotAvailable.tsx";
import ShareCourse from "@/islands/ShareCourse.tsx";
import KeepOffline from "@/islands/KeepOffline.tsx";
import { Icon } from "@/components/icons.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { CheckboxField, FormNotice } from "@/components/forms.tsx";
import { VideoPlayerBox } from "@/components/VideoPlayerBox.tsx";
import { type PlayerData, playerProps } from "@/core/video/playback.ts";

interface Data {
  view: CourseView | null;
  hasReview: boolean;
  publicUrl: string;
  /** The learner shows their diary to the trainer; null before they start the course. */
  diaryShared: boolean | null;
  /** The course's presentation video, for a signed-in viewer who may watch it. */
  video: PlayerData | null;
}

/** Visitors are answered from the page cache before any data is loaded. */
export const pageCache = (ctx: Context<State>) => anonymousPage(ctx, [COURSES_TAG]);

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const publicUrl = services.config.publicUrl;
    let view: CourseView;
    try {
      view = await courseView(services, ctx.params.slug, user, ctx.state.locale);
    } catch (e) {
      // Missing, private without access, or unpublished: one answer, so a link
      // does not reveal that a private course exists.
      if (e instanceof NotFoundError) {
        return page({ view: null, hasReview: false, publicUrl, diaryShared: null, video: null }, {
          status: 404,
        });
      }
      throw e;
    }
    const [hasReview, diaryShared, video] = await Promise.all([
      user && view.progress?.status === "COMPLETED"
        ? myReview(services, user.id, view.course.id).then((r) => r !== null)
        : false,
      diarySharing(services, user, view.course.id),
      presentationVideo(ctx.state, view.course.id),
    ]);
    // Only public courses are the same for every visitor.
    const cache = view.course.access === "PUBLIC" && view.course.published
      ? anonymousPage(ctx, [COURSES_TAG])
      : undefined;
    return page({ view, hasReview, publicUrl, diaryShared, video }, { cache });
  },
});

/** Visitors get none: playback tokens are per signed-in user, and their page is shared. */
async function presentationVideo(state: State, courseId: string): Promise<PlayerData | null> {
  if (!state.user) return null;
  const row = await state.services.db.selectFrom("courses").select("video_id")
    .where("id", "=", courseId).executeTakeFirst();
  return row?.video_id ? await playerProps(state.services, state.user, row.video_id) : null;
}

function dayLabel(d: DayView, t: Translator): string {
  return d.number !== null
    ? t("course.day.number", { n: d.number })
    : t(`course.day.type.${d.type as Exclude<typeof d.type, "regular">}` as const);
}

export default define.page<typeof handler>(({ data, state, url }) => {
  const { t, user } = state;
  const view = data.view;
  if (!view) return <CourseNotAvailable state={state} path={url.pathname} />;
  const { course, days, next, progress } = view;
  const path = coursePath(course.slug);
  const absolute = absoluteUrl(data, path);
  const reviews = reviewsPath(course.slug);
  const done = progress?.status === "COMPLETED";
  return (
    <>
      <PageTitle t={t} title={course.name} description={course.shortDescription} />
      <Head>
        <link rel="canonical" href={absolute} />
        <meta property="og:type" content="website" />
        <meta property="og:site_name" content={t("app.name")} />
        <meta property="og:title" content={course.name} />
        <meta property="og:description" content={course.shortDescription} />
        <meta property="og:url" content={absolute} />
        {course.logoKey && (
          <meta property="og:image" content={absoluteUrl(data, mediaPath(course.logoKey))} />
        )}
        <meta name="twitter:card" content={course.logoKey ? "summary_large_image" : "summary"} />
      </Head>
      <nav class="breadcrumbs" aria-label={t("course.breadcrumbs")}>
        <a href="/courses">{t("course.back")}</a>
      </nav>
      {!course.published && <p class="notice-inline">{t("course.draft")}</p>}
      {url.searchParams.has("locked") && (
        <p class="notice-inline" role="status">{t("course.locked.notice")}</p>
      )}
      <header class="course-head">
        <CourseLogo name={course.name} slug={course.slug} logoKey={course.logoKey} size={96} />
        <div class="course-head__text">
          <h1>{course.name}</h1>
          {course.access === "PRIVATE" && (
            <p class="badge badge--private">
              <Icon name="lock" /> {t("course.private")}
            </p>
          )}
          <p class="lead">{course.shortDescription}</p>
          <p class="course-head__rating">
            {course.avgRating !== null
              ? (
                <a href={reviews}>
                  <StarRating rating={course.avgRating} t={t} /> {course.avgRating.toFixed(1)}
                  {" · "}
                  {t.plural("course.reviews", course.reviewCount)}
                </a>
              )
              : <a href={reviews}>{t("course.reviews.link")}</a>}
          </p>
        </div>
        <div class="course-head__star">
          <FavoriteToggle
            state={state}
            slug={course.slug}
            name={course.name}
            starred={view.favorite}
            back={path}
          />
        </div>
      </header>

      {data.video && <VideoPlayerBox {...data.video} csrf={state.csrf()} t={t} />}

      <section class="course-cta" aria-label={t("course.progress.label")}>
        {progress && (progress.status !== "NOT_STARTED" || progress.completedDays > 0) && (
          <CourseProgressBar progress={progress} t={t} />
        )}
        {done
          ? (
            <p class="course-cta__row">
              <strong>
                <Icon name="trophy" /> {t("course.cta.done")}
              </strong>
              <a class="button button--primary" href={reviews}>
                {data.hasReview ? t("course.cta.myReview") : t("course.cta.review")}
              </a>
            </p>
          )
          : next && (
            <p class="course-cta__row">
              <a class="button button--primary" href={dayPath(course.slug, next.dayOnCourseId)}>
                {progress && progress.status !== "NOT_STARTED"
                  ? t("course.cta.continue", { day: dayLabel(next, t) })
                  : t("course.cta.start")}
              </a>
              {!user && <a href={loginPath(path)}>{t("course.cta.signIn")}</a>}
            </p>
          )}
        {user && course.personalised && (
          <p class="course-cta__row">
            <a href={personalisePath(course.slug, path)}>{t("personalisation.edit")}</a>
          </p>
        )}
      </section>

      {data.diaryShared !== null && (
        <Section
          id="diary-sharing"
          title={t("course.diarySharing.title")}
          class="course-diary-sharing"
        >
          {url.searchParams.has("diary") && (
            <FormNotice>
              {t(data.diaryShared ? "course.diarySharing.on" : "course.diarySharing.off")}
            </FormNotice>
          )}
          <PostForm
            state={state}
            action={diarySharingPath(course.slug)}
            submit={t("course.diarySharing.save")}
          >
            <CheckboxField
              name="shared"
              id="diary-shared"
              label={t("course.diarySharing.label")}
              hint={t("course.diarySharing.hint")}
              checked={data.diaryShared}
            />
          </PostForm>
        </Section>
      )}

      <Facts
        items={[
          { label: t("course.level"), value: t(`course.level.${course.level}` as const) },
          course.duration && { label: t("course.duration"), value: course.duration },
          {
            label: t("course.author.label"),
            value: (
              <CourseAuthor
                username={course.authorUsername}
                name={course.authorName}
                avatarKey={course.authorAvatarKey}
                size={28}
              />
            ),
          },
          course.equipment && { label: t("course.equipment"), value: course.equipment, wide: true },
        ]}
      />
      {/* Sanitized in core/markdown.ts: no raw HTML, only safe URLs. */}
      <section class="prose" dangerouslySetInnerHTML={{ __html: course.descriptionHtml }} />
      <Section id="outline-title" title={t("course.outline")}>
        <ol class="day-list">
          {days.map((d) => (
            <li
              class={`day-item day-item--${d.locked ? "locked" : d.status.toLowerCase()}`}
              key={d.dayOnCourseId}
              aria-current={next?.dayOnCourseId === d.dayOnCourseId ? "step" : undefined}
            >
              <span class="day-item__label">{dayLabel(d, t)}</span>
              <span class="day-item__title">
                {d.locked
                  ? (
                    <>
                      <Icon name="lock" label={t("course.day.locked")} /> {d.title}
                      <span class="day-item__hint">{t("course.day.locked.hint")}</span>
                    </>
                  )
                  : <a href={dayPath(course.slug, d.dayOnCourseId)}>{d.title}</a>}
              </span>
              <span class="day-item__meta">
                {user && (
                  <span class={`status status--${d.locked ? "locked" : d.status.toLowerCase()}`}>
                    {d.locked
                      ? t("course.day.locked")
                      : t(`course.day.status.${d.status}` as const)}
                  </span>
                )}
                <span>{t.plural("steps", d.stepCount)}</span>
                {d.minutes.map((m) => (
                  <span key={m.kind}>
                    {t(`course.day.minutes.${m.kind}` as const, {
                      minutes: t("minutes.short", { count: m.minutes }),
                    })}
                  </span>
                ))}
              </span>
            </li>
          ))}
        </ol>
      </Section>
      {user && (
        <KeepOffline
          slug={course.slug}
          labels={{
            title: t("pwa.keep.title"),
            lead: t("pwa.keep.lead"),
            button: t("pwa.keep.button"),
            checking: t("pwa.keep.checking"),
            size: t("pwa.keep.size"),
            videos: t("pwa.keep.videos"),
            progress: t("pwa.keep.progress"),
            done: t("pwa.keep.done"),
            kept: t("pwa.keep.kept"),
            remove: t("pwa.keep.remove"),
            removed: t("pwa.keep.removed"),
            updating: t("pwa.keep.updating"),
            updated: t("pwa.keep.updated"),
            failed: t("pwa.keep.failed"),
            offline: t("pwa.keep.offline"),
            kb: t("pwa.unit.kb"),
            mb: t("pwa.unit.mb"),
          }}
        />
      )}
      <section class="course-share" aria-label={t("course.share")}>
        <ShareCourse
          url={absolute}
          title={course.name}
          text={course.shortDescription}
          labels={{
            share: t("course.share"),
            link: t("course.share.label"),
            copied: t("course.share.copied"),
            failed: t("course.share.failed"),
          }}
        />
      </section>
    </>
  );
});
