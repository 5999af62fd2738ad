/**
 * `/studio/courses/<id>`: edit a course, its ordered days (add, up, down,
 * remove) and publish or unpublish it. One URL, POSTs told apart by
 * `_action`: save (default), `add`, `up`, `down`, `remove`, `publish`,
 * `unpublish`. Publishing an incomplete course comes back (422) with the
 * list of what is missing. Deleting or archiving the course is `…/remove`.
 * Another trainer's course answers 404.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import {
  addDayToCourse,
  courseFormValues,
  CourseIncompleteError,
  dayChoices,
  getCourse,
  moveCourseDay,
  publishCourse,
  removeCourseDay,
  type StudioCourse,
  unpublishCourse,
  updateCourse,
} from "@/core/studio/courses.ts";
import type { FieldErrors } from "@/core/validation.ts";
import {
  coursePath,
  studioCourseApiPath,
  studioCoursePath,
  studioCoursesPath,
  studioCourseStatsPath,
  studioDayEditPath,
  studioRemoveCoursePath,
} from "@/core/paths.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";
import { type VideoChoice, videoChoices } from "@/core/video/library.ts";
import { CourseForm, type CourseFormValues, courseValuesFrom } from "../(_lib)/form.tsx";
import { AddForm, OrderedList } from "../../(_lib)/ordered.tsx";
import { type CourseLogo, courseLogo } from "@/core/studio/media.ts";
import { CourseLogoSection, doneFrom, LOGO_DONE, type LogoDone } from "../../(_lib)/media.tsx";

const DONE = [
  "created",
  "saved",
  "removed",
  "archived",
  "published",
  "unpublished",
  "unarchived",
] as const;
type Done = typeof DONE[number];

interface Data {
  course: StudioCourse;
  values: CourseFormValues;
  errors: FieldErrors;
  addError?: string;
  /** Publishing refused: what is missing, in the user's language. */
  problems?: { title: string; items: string[] };
  choices: { id: string; title: string }[];
  done: Done | null;
  /** The logo (its own form and route, `./logo.tsx`). */
  logo: CourseLogo;
  logoDone?: LogoDone | null;
  /** Library videos for the presentation video. */
  videos: VideoChoice[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const svc = ctx.state.services;
    const course = await getCourse(svc, ctx.state.user, ctx.params.id);
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      course,
      values: courseFormValues(course),
      errors: {},
      choices: await dayChoices(svc, ctx.state.user),
      logo: await courseLogo(svc, ctx.state.user, course.id),
      videos: await videoChoices(svc, ctx.state.user, course.videoId),
      logoDone: doneFrom(LOGO_DONE, ctx.url.searchParams.get("logo")),
      done: (DONE as readonly string[]).includes(done) ? done as Done : null,
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    const id = ctx.params.id;
    const { t } = ctx.state;
    const form = await formObject(ctx);
    const back = studioCoursePath(id);
    const linkId = typeof form.linkId === "string" ? form.linkId : "";
    try {
      switch (form._action) {
        case "up":
        case "down":
          await moveCourseDay(svc, user, id, linkId, form._action);
          return redirect(`${back}#days`);
        case "remove": {
          const r = await removeCourseDay(svc, user, id, linkId);
          return redirect(`${back}?done=${r === "archived" ? "archived" : "removed"}#days`);
        }
        case "add":
          await addDayToCourse(svc, user, id, form);
          return redirect(`${back}#days`);
        case "publish":
          await publishCourse(svc, user, id);
          return redirect(`${back}?done=published`);
        case "unpublish":
          await unpublishCourse(svc, user, id);
          return redirect(`${back}?done=unpublished`);
        default:
          await updateCourse(svc, user, id, form);
          return redirect(`${back}?done=saved`);
      }
    } catch (err) {
      const course = await getCourse(svc, user, id);
      const base = {
        course,
        values: courseFormValues(course),
        errors: {},
        choices: await dayChoices(svc, user),
        logo: await courseLogo(svc, user, id),
        videos: await videoChoices(svc, user, course.videoId),
        done: null,
      };
      if (err instanceof CourseIncompleteError) {
        return page<Data>({
          ...base,
          problems: { title: err.describe(t), items: err.problemMessages(t) },
        }, { status: err.status });
      }
      const failure = formFailure(err, t);
      if (!failure) throw err;
      if (form._action === "add") {
        return page<Data>({ ...base, addError: Object.values(failure.errors)[0] }, {
          status: failure.status,
        });
      }
      return page<Data>({ ...base, values: courseValuesFrom(form), errors: failure.errors }, {
        status: failure.status,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { course } = data;
  const title = t("studio.courses.edit.title", { name: course.name });
  const action = studioCoursePath(course.id);
  const doneKey: Record<Done, MessageKey> = {
    created: "studio.build.created",
    saved: "studio.build.saved",
    removed: "studio.build.removed",
    archived: "studio.build.archived",
    published: "studio.courses.publishedDone",
    unpublished: "studio.courses.unpublishedDone",
    unarchived: "studio.authoring.done.unarchived",
  };
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioCoursesPath()}>{t("studio.courses.back")}</a>
      </nav>
      <h1>{title}</h1>
      <p class="muted">{t("studio.build.author", { name: course.authorName })}</p>
      <p>
        <a href={studioCourseStatsPath(course.id)}>{t("studio.stats.link")}</a>
      </p>
      {data.done && <FormNotice>{t(doneKey[data.done])}</FormNotice>}
      <section aria-labelledby="status-title" class="studio-section">
        <h2 id="status-title">{t("studio.courses.status")}</h2>
        <p>
          <strong>
            {t(course.published ? "studio.courses.published" : "studio.courses.draft")}
          </strong>
          {" · "}
          <a href={coursePath(course.slug)}>{coursePath(course.slug)}</a>
        </p>
        {data.problems && (
          // Focus goes to the refusal (as with form errors), so keyboard and screen-reader users hear it.
          <div class="form-errors" role="alert" id="publish-problems" tabIndex={-1} autofocus>
            <p class="form-errors__general">{data.problems.title}</p>
            <ul>
              {data.problems.items.map((p) => <li key={p}>{p}</li>)}
            </ul>
          </div>
        )}
        <ButtonForm
          state={state}
          action={action}
          hidden={{ _action: course.published ? "unpublish" : "publish" }}
          label={t(course.published ? "studio.courses.unpublish" : "studio.courses.publish")}
          variant={course.published ? undefined : "primary"}
        />
      </section>
      <section aria-labelledby="days" class="studio-section">
        <h2 id="days">{t("studio.courses.days")}</h2>
        <OrderedList
          state={state}
          action={action}
          api={studioCourseApiPath(course.id, "order")}
          kind="day"
          empty={t("studio.courses.days.empty")}
          items={course.days.map((d) => ({
            linkId: d.linkId,
            title: d.title,
            href: studioDayEditPath(d.dayId, { from: course.id }),
            meta: t("studio.courses.days.steps", { n: d.stepCount }),
          }))}
        />
        <AddForm
          state={state}
          action={action}
          name="dayId"
          label={t("studio.courses.days.add")}
          choices={data.choices}
          none={t("studio.courses.days.noChoices")}
          error={data.addError}
        />
      </section>
      <CourseForm
        state={state}
        action={action}
        values={data.values}
        errors={data.errors}
        submit={t("studio.build.save")}
        slugLocked={course.published}
        videos={data.videos}
      />
      <CourseLogoSection state={state} logo={data.logo} done={data.logoDone} />
      <p class="studio-delete">
        <a href={studioRemoveCoursePath(course.id)} class="button button--danger">
          {t("studio.authoring.remove")}
        </a>
      </p>
    </>
  );
});
