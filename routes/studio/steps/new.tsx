/**
 * `/studio/steps/new`: create a step. "Preview" comes back with the
 * description rendered as learners will see it; an invalid form comes back
 * with its errors and everything typed, and so do the test editor's
 * add/remove buttons (`op`), which save nothing.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import { createStep } from "@/core/studio/steps.ts";
import { renderMarkdown } from "@/core/markdown.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioNewStepPath, studioStepPath, studioStepsPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import {
  questionOp,
  questionsForEdit,
  questionsFrom,
  StepForm,
  type StepFormValues,
  stepValuesFrom,
} from "./(_lib)/form.tsx";
import type { QuestionDraft } from "@/core/studio/steps.ts";
import { type VideoChoice, videoChoices } from "@/core/video/library.ts";

interface Data {
  values: StepFormValues;
  errors: FieldErrors;
  previewHtml: string | null;
  questions: QuestionDraft[];
  focus?: string | null;
  /** The library videos the step may show. */
  videos: VideoChoice[];
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const user = requireStudio(ctx.state.user);
    const type = ctx.url.searchParams.get("type") ?? "TRAINING";
    return page({
      videos: await videoChoices(ctx.state.services, user),
      values: { type },
      errors: {},
      previewHtml: null,
      questions: questionsForEdit([]),
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const form = await formObject(ctx);
    const values = stepValuesFrom(form);
    const videos = await videoChoices(ctx.state.services, user);
    const op = questionOp(form);
    if (op) return page({ values, errors: {}, previewHtml: null, ...op, videos });
    const questions = questionsFrom(form);
    if (form._action === "preview") {
      return page({
        values,
        errors: {},
        previewHtml: renderMarkdown(values.description ?? ""),
        questions,
        videos,
      });
    }
    try {
      const step = await createStep(ctx.state.services, user, form);
      return redirect(`${studioStepPath(step.id)}?done=created`);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({ values, errors: failure.errors, previewHtml: null, questions, videos }, {
        status: failure.status,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("studio.steps.new.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioStepsPath()}>{t("studio.steps.back")}</a>
      </nav>
      <h1>{t("studio.steps.new.title")}</h1>
      <StepForm
        state={state}
        action={studioNewStepPath()}
        values={data.values}
        errors={data.errors}
        submit={t("studio.steps.create")}
        previewHtml={data.previewHtml}
        questions={data.questions}
        focus={data.focus}
        videos={data.videos}
      />
    </>
  );
});
