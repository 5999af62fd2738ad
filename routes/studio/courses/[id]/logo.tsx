/**
 * `/studio/courses/<id>/logo`: a course's logo without JavaScript. POST
 * multipart (field `logo`) uploads or replaces it — the old file is deleted
 * — and urlencoded `_action=remove` removes it; both go back to the course's
 * page with a notice (`?logo=…#logo`). A refused upload shows this page with
 * the message at the field (4xx); GET shows the section alone. Another
 * trainer's course answers 404 (core/studio/media.ts).
 */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import {
  type CourseLogo,
  courseLogo,
  removeCourseLogo,
  uploadCourseLogo,
} from "@/core/studio/media.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioCoursePath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CourseLogoSection, type LogoDone } from "../../(_lib)/media.tsx";

interface Data {
  logo: CourseLogo;
  errors: FieldErrors;
}

const back = (id: string, done: LogoDone) => `${studioCoursePath(id)}?logo=${done}#logo`;

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const logo = await courseLogo(ctx.state.services, ctx.state.user, ctx.params.id);
    return page({ logo, errors: {} });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    const id = ctx.params.id;
    if (/^multipart\/form-data/i.test(ctx.req.headers.get("content-type") ?? "")) {
      try {
        await uploadCourseLogo(svc, user, id, ctx.req);
        return redirect(back(id, "uploaded"));
      } catch (err) {
        const failure = formFailure(err, ctx.state.t);
        if (!failure) throw err;
        const logo = await courseLogo(svc, user, id);
        return page<Data>(
          { logo, errors: failure.errors },
          { status: failure.status, headers: failure.headers },
        );
      }
    }
    const form = await formObject(ctx);
    if (form._action !== "remove") throw new HttpError(400, "unknown logo action");
    await removeCourseLogo(svc, user, id);
    return redirect(back(id, "removed"));
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const title = t("studio.logo.page.title", { name: data.logo.name });
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioCoursePath(data.logo.courseId)}>{t("studio.logo.back")}</a>
      </nav>
      <h1>{title}</h1>
      <CourseLogoSection state={state} logo={data.logo} errors={data.errors} />
    </>
  );
});
