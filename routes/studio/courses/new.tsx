/** `/studio/courses/new`: create a course (a draft); invalid input comes back with its values. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import { createCourse } from "@/core/studio/courses.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioCoursePath, studioCoursesPath, studioNewCoursePath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { type VideoChoice, videoChoices } from "@/core/video/library.ts";
import { CourseForm, type CourseFormValues, courseValuesFrom } from "./(_lib)/form.tsx";

interface Data {
  values: CourseFormValues;
  errors: FieldErrors;
  videos: VideoChoice[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const user = requireStudio(ctx.state.user);
    return page({
      videos: await videoChoices(ctx.state.services, user),
      values: { level: "BEGINNER", access: "PUBLIC", showInProfile: "on" },
      errors: {},
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const form = await formObject(ctx);
    try {
      const course = await createCourse(ctx.state.services, user, form);
      return redirect(`${studioCoursePath(course.id)}?done=created`);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      const values = courseValuesFrom(form);
      const videos = await videoChoices(ctx.state.services, user);
      return page({ values, errors: failure.errors, videos }, {
        status: failure.status,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("studio.courses.new.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioCoursesPath()}>{t("studio.courses.back")}</a>
      </nav>
      <h1>{t("studio.courses.new.title")}</h1>
      <CourseForm
        state={state}
        action={studioNewCoursePath()}
        values={data.values}
        errors={data.errors}
        submit={t("studio.courses.create")}
        videos={data.videos}
      />
    </>
  );
});
