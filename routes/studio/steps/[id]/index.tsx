/**
 * `/studio/steps/<id>`: edit a step, see where it is used, delete it.
 * One URL, POSTs told apart by `_action`: save (the default submit),
 * `preview` (the form comes back with the rendered description), `delete`
 * (a confirmation page, or 409 when learners have progress on the step) and
 * `delete` with `confirm=1` (deletes, then back to the list); a test editor
 * button (`op`) brings the form back changed, unsaved. When the step reaches
 * more than one course (or one other than `from`, the course the trainer came
 * from), the form names them above the save button, and again after it.
 * Another trainer's step answers 404 (core/studio/steps.ts).
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import {
  deletePreview,
  deleteStep,
  getStep,
  type QuestionDraft,
  stepCourses,
  stepFormValues,
  StepInUseError,
  type StepUsage,
  updateStep,
  usages,
} from "@/core/studio/steps.ts";
import { type CourseRef, fromParam, whereElseUsed } from "@/core/studio/usage.ts";
import { renderMarkdown } from "@/core/markdown.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioStepEditPath, studioStepPath, studioStepsPath } from "@/core/paths.ts";
import type { State } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";
import {
  questionOp,
  questionsForEdit,
  questionsFrom,
  StepForm,
  type StepFormValues,
  stepValuesFrom,
} from "../(_lib)/form.tsx";
import { type VideoChoice, videoChoices } from "@/core/video/library.ts";
import { WhereUsed } from "../../(_lib)/where_used.tsx";
import { listCategories, type TemplateCategory } from "@/core/studio/templates.ts";
import { SaveTemplateForm } from "../../templates/(_lib)/save_form.tsx";
import { type StepMedia, stepMedia } from "@/core/studio/media.ts";
import {
  doneFrom,
  STEP_MEDIA_DONE,
  type StepMediaDone,
  StepMediaSection,
} from "../../(_lib)/media.tsx";

interface StepHead {
  id: string;
  title: string;
  authorName: string;
  questionCount: number;
}

type Data =
  | {
    mode: "edit";
    step: StepHead;
    values: StepFormValues;
    errors: FieldErrors;
    previewHtml: string | null;
    usages: StepUsage[];
    /** "Where else used" (null: no notice). */
    usedIn: CourseRef[] | null;
    /** The course the trainer came from (kept through the form). */
    from: string | null;
    questions: QuestionDraft[];
    focus?: string | null;
    done: "created" | "saved" | null;
    categories: TemplateCategory[];
    /** Pictures and PDFs (their own forms and route, `./media.tsx`). */
    media: StepMedia;
    mediaDone?: StepMediaDone | null;
    /** The library videos the step may show. */
    videos: VideoChoice[];
  }
  | { mode: "delete"; step: StepHead; usages: StepUsage[]; refused: string | null };

const DONE = ["created", "saved"] as const;

function head(s: { id: string; title: string; authorName: string; questionCount: number }) {
  return { id: s.id, title: s.title, authorName: s.authorName, questionCount: s.questionCount };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const svc = ctx.state.services;
    const step = await getStep(svc, ctx.state.user, ctx.params.id);
    const done = ctx.url.searchParams.get("done");
    const from = fromParam(ctx.url.searchParams.get("from"));
    const used = await usages(svc, ctx.state.user, step.id);
    return page({
      mode: "edit",
      step: head(step),
      values: stepFormValues(step),
      errors: {},
      previewHtml: null,
      usages: used,
      usedIn: whereElseUsed(stepCourses(used), from),
      from,
      questions: questionsForEdit(step.questions),
      categories: await listCategories(svc, ctx.state.user),
      media: await stepMedia(svc, ctx.state.user, step.id),
      videos: await videoChoices(svc, ctx.state.user, step.videoId),
      mediaDone: doneFrom(STEP_MEDIA_DONE, ctx.url.searchParams.get("media")),
      done: (DONE as readonly string[]).includes(done ?? "") ? done as typeof DONE[number] : null,
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    if (form._action === "delete") {
      const preview = await deletePreview(svc, user, id);
      const refused = (learners: number) =>
        page<Data>({
          mode: "delete",
          step: head(preview.step),
          usages: preview.usages,
          refused: new StepInUseError(learners).describe(ctx.state.t),
        }, { status: 409 });
      if (preview.learners > 0) return refused(preview.learners);
      if (form.confirm !== "1") {
        return page<Data>({
          mode: "delete",
          step: head(preview.step),
          usages: preview.usages,
          refused: null,
        });
      }
      try {
        await deleteStep(svc, user, id);
      } catch (err) {
        if (err instanceof StepInUseError) return refused(Number(err.data.learners));
        throw err;
      }
      return redirect(`${studioStepsPath()}?done=deleted`);
    }
    const step = await getStep(svc, user, id);
    const values = stepValuesFrom(form);
    const from = fromParam(form.from);
    const used = await usages(svc, user, id);
    const rest = {
      step: head(step),
      usages: used,
      usedIn: whereElseUsed(stepCourses(used), from),
      from,
      categories: await listCategories(svc, user),
      media: await stepMedia(svc, user, id),
      videos: await videoChoices(svc, user, step.videoId),
    };
    const op = questionOp(form);
    if (op) {
      return page<Data>({
        mode: "edit",
        ...rest,
        ...op,
        values,
        errors: {},
        previewHtml: null,
        done: null,
      });
    }
    const questions = questionsFrom(form);
    if (form._action === "preview") {
      return page<Data>({
        mode: "edit",
        ...rest,
        values,
        questions,
        errors: {},
        previewHtml: renderMarkdown(values.description ?? ""),
        done: null,
      });
    }
    try {
      await updateStep(svc, user, id, form);
      return redirect(studioStepEditPath(id, { done: "saved", from }));
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page<Data>({
        mode: "edit",
        ...rest,
        values,
        questions,
        errors: failure.errors,
        previewHtml: null,
        done: null,
      }, { status: failure.status });
    }
  },
});

function Usages({ state, usages }: { state: State; usages: StepUsage[] }) {
  const { t } = state;
  if (!usages.length) return <p class="muted">{t("studio.steps.usages.none")}</p>;
  return (
    <ul class="studio-usages">
      {usages.map((u) => (
        <li key={u.dayId}>
          <strong>{u.dayTitle}</strong>
          {": "}
          {u.courses.length
            ? u.courses.map((c, i) => (
              <span key={c.id}>
                {i > 0 && ", "}
                {c.name}
                {!c.published && ` (${t("studio.steps.usages.draft")})`}
              </span>
            ))
            : <span class="muted">{t("studio.steps.usages.noCourse")}</span>}
        </li>
      ))}
    </ul>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const title = t("studio.steps.edit.title", { title: data.step.title });
  const action = studioStepPath(data.step.id);
  if (data.mode === "delete") {
    return (
      <>
        <PageTitle t={t} title={t("studio.steps.delete.title", { title: data.step.title })} />
        <nav class="breadcrumbs" aria-label="breadcrumbs">
          <a href={studioStepsPath()}>{t("studio.steps.back")}</a>
        </nav>
        <h1>{t("studio.steps.delete.title", { title: data.step.title })}</h1>
        {data.refused
          ? (
            <>
              <div class="form-errors" role="alert">
                <p class="form-errors__general">{data.refused}</p>
              </div>
              <p>
                <a href={action}>{t("studio.steps.back")}</a>
              </p>
            </>
          )
          : (
            <>
              <p>{t("studio.steps.delete.text")}</p>
              {data.usages.length > 0 && (
                <>
                  <p>{t("studio.steps.delete.fromDays")}</p>
                  <Usages state={state} usages={data.usages} />
                </>
              )}
              <div class="form-actions">
                <ButtonForm
                  state={state}
                  action={action}
                  hidden={{ _action: "delete", confirm: "1" }}
                  label={t("studio.steps.delete.confirm")}
                  variant="danger"
                />
                <a href={action} class="button button--ghost">{t("studio.steps.delete.cancel")}</a>
              </div>
            </>
          )}
      </>
    );
  }
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioStepsPath()}>{t("studio.steps.back")}</a>
      </nav>
      <h1>{title}</h1>
      <p class="muted">{t("studio.steps.author", { name: data.step.authorName })}</p>
      {data.done && (
        <FormNotice>
          {t(data.done === "created" ? "studio.steps.created" : "studio.steps.saved")}
        </FormNotice>
      )}
      {data.done === "saved" && <WhereUsed state={state} kind="step" courses={data.usedIn} saved />}
      <section aria-labelledby="usages-title">
        <h2 id="usages-title">{t("studio.steps.usages")}</h2>
        {data.usages.length > 1 && (
          <p class="form-notice form-notice--info">{t("studio.steps.usages.warning")}</p>
        )}
        <Usages state={state} usages={data.usages} />
      </section>
      <StepForm
        state={state}
        action={action}
        values={data.values}
        errors={data.errors}
        submit={t("studio.steps.save")}
        hidden={{ from: data.from }}
        questions={data.questions}
        focus={data.focus}
        previewHtml={data.previewHtml}
        videos={data.videos}
        notice={<WhereUsed state={state} kind="step" courses={data.usedIn} />}
      />
      <StepMediaSection state={state} media={data.media} done={data.mediaDone} />
      <section aria-labelledby="save-template-title">
        <h2 id="save-template-title">{t("studio.templates.save")}</h2>
        <p class="muted">{t("studio.templates.save.text")}</p>
        <SaveTemplateForm state={state} stepId={data.step.id} categories={data.categories} />
      </section>
      <ButtonForm
        state={state}
        action={action}
        hidden={{ _action: "delete" }}
        label={t("studio.steps.delete")}
        variant="danger"
        class="studio-delete"
      />
    </>
  );
});
