/**
 * `/studio/templates/new?step=<id>`: save a step as a template. The step
 * editor shows the same form and posts here; a refused save comes back on
 * this page with the messages and what was typed. A step the viewer may not
 * open answers 404 (core/studio/templates.ts).
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { NotFoundError } from "@/core/auth/guards.ts";
import { getStep } from "@/core/studio/steps.ts";
import { listCategories, saveAsTemplate } from "@/core/studio/templates.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioStepPath, studioTemplatePath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { SaveTemplateForm, type SaveTemplateValues, saveValuesFrom } from "./(_lib)/save_form.tsx";

function stepParam(url: URL): string {
  const id = url.searchParams.get("step");
  if (!id) throw new NotFoundError();
  return id;
}

export const handler = define.handlers({
  async GET(ctx) {
    const svc = ctx.state.services;
    const step = await getStep(svc, ctx.state.user, stepParam(ctx.url));
    return page({
      step: { id: step.id, title: step.title },
      categories: await listCategories(svc, ctx.state.user),
      values: {} as SaveTemplateValues,
      errors: {} as FieldErrors,
    });
  },
  async POST(ctx) {
    const svc = ctx.state.services;
    const step = await getStep(svc, ctx.state.user, stepParam(ctx.url));
    const form = await formObject(ctx);
    try {
      const id = await saveAsTemplate(svc, ctx.state.user, step.id, form);
      return redirect(`${studioTemplatePath(id)}?done=saved`);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({
        step: { id: step.id, title: step.title },
        categories: await listCategories(svc, ctx.state.user),
        values: saveValuesFrom(form),
        errors: failure.errors,
      }, { status: failure.status });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const title = t("studio.templates.save.title", { title: data.step.title });
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioStepPath(data.step.id)}>{t("studio.templates.save.back")}</a>
      </nav>
      <h1>{title}</h1>
      <p class="lead">{t("studio.templates.save.text")}</p>
      <SaveTemplateForm
        state={state}
        stepId={data.step.id}
        categories={data.categories}
        values={data.values}
        errors={data.errors}
      />
    </>
  );
});
