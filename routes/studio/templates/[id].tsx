/**
 * `/studio/templates/<id>`: a template's preview (the description rendered
 * as learners will see it) with "use this template" — a POST that creates
 * the viewer's own step from it and opens that step in the editor — and, for
 * its author and staff, "remove" (asks for confirmation first) and the edit
 * form (the step form with category and tags). POSTs are told apart by
 * `_action`: `use`, `remove`, `remove` with `confirm=1`; the edit form sends
 * `edit=1` (with `_action=preview` or a test editor `op` it comes back
 * unsaved). Others see a public template read-only; their edit is a 404.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject, typedValues } from "@/http/forms.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { redirect } from "@/http/responses.ts";
import {
  getTemplate,
  listCategories,
  removeTemplate,
  SAVE_TEMPLATE_FIELDS,
  type StudioTemplate,
  type TemplateCategory,
  type TemplateFormField,
  templateFormValues,
  templateToEdit,
  templateToRemove,
  updateTemplate,
  useTemplate,
} from "@/core/studio/templates.ts";
import { formatMmSs, type QuestionDraft, STEP_FORM_FIELDS } from "@/core/studio/steps.ts";
import { renderMarkdown } from "@/core/markdown.ts";
import { studioStepPath, studioTemplatePath, studioTemplatesPath } from "@/core/paths.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { Field, FormNotice, SelectField } from "@/components/forms.tsx";
import type { State } from "@/define.ts";
import { questionOp, questionsForEdit, questionsFrom, StepForm } from "../steps/(_lib)/form.tsx";

type TemplateValues = Partial<Record<TemplateFormField, string>>;
const TEMPLATE_FIELDS = [...STEP_FORM_FIELDS, ...SAVE_TEMPLATE_FIELDS] as const;

/** The edit form's state (null: the viewer may not edit). */
interface EditState {
  values: TemplateValues;
  errors: FieldErrors;
  questions: QuestionDraft[];
  focus: string | null;
  previewHtml: string | null;
  categories: TemplateCategory[];
}

interface Data {
  tpl: StudioTemplate;
  html: string;
  confirmRemove: boolean;
  saved: "saved" | "edited" | null;
  edit: EditState | null;
}

async function editState(
  ctx: { state: State },
  tpl: StudioTemplate,
  over: Partial<EditState> = {},
): Promise<EditState | null> {
  if (!tpl.canEdit) return null;
  return {
    values: templateFormValues(tpl),
    errors: {},
    questions: questionsForEdit(tpl.questions),
    focus: null,
    previewHtml: null,
    categories: await listCategories(ctx.state.services, ctx.state.user),
    ...over,
  };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const tpl = await getTemplate(ctx.state.services, ctx.state.user, ctx.params.id);
    const done = ctx.url.searchParams.get("done");
    return page({
      tpl,
      html: renderMarkdown(tpl.description),
      confirmRemove: false,
      saved: done === "saved" || done === "edited" ? done : null,
      edit: await editState(ctx, tpl),
    });
  },
  async POST(ctx) {
    const svc = ctx.state.services;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    if (form.edit === "1") {
      const tpl = await templateToEdit(svc, ctx.state.user, id);
      const values = typedValues(form, TEMPLATE_FIELDS);
      const again = async (over: Partial<EditState>, status = 200) =>
        page<Data>({
          tpl,
          html: renderMarkdown(tpl.description),
          confirmRemove: false,
          saved: null,
          edit: await editState(ctx, tpl, { values, questions: questionsFrom(form), ...over }),
        }, { status });
      const op = questionOp(form);
      if (op) return await again(op);
      if (form._action === "preview") {
        return await again({ previewHtml: renderMarkdown(values.description ?? "") });
      }
      try {
        await updateTemplate(svc, ctx.state.user, id, form);
        return redirect(`${studioTemplatePath(id)}?done=edited`);
      } catch (err) {
        const failure = formFailure(err, ctx.state.t);
        if (!failure) throw err;
        return await again({ errors: failure.errors }, failure.status);
      }
    }
    if (form._action === "remove") {
      if (form.confirm === "1") {
        await removeTemplate(svc, ctx.state.user, id);
        return redirect(studioTemplatesPath() + "?done=removed");
      }
      const tpl = await templateToRemove(svc, ctx.state.user, id);
      return page<Data>({
        tpl,
        html: renderMarkdown(tpl.description),
        confirmRemove: true,
        saved: null,
        edit: null,
      });
    }
    const stepId = await useTemplate(svc, ctx.state.user, id);
    return redirect(`${studioStepPath(stepId)}?done=created`);
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { tpl } = data;
  const action = studioTemplatePath(tpl.id);
  const title = t("studio.templates.one.title", { title: tpl.title });
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioTemplatesPath()}>{t("studio.templates.back")}</a>
      </nav>
      <h1>{title}</h1>
      {data.saved && (
        <FormNotice>
          {t(data.saved === "edited" ? "studio.authoring.tpl.saved" : "studio.templates.saved")}
        </FormNotice>
      )}
      {data.confirmRemove && (
        <section class="form-notice form-notice--info" aria-labelledby="remove-title">
          <h2 id="remove-title">{t("studio.templates.remove.title")}</h2>
          <p>{t("studio.templates.remove.text")}</p>
          <div class="form-actions">
            <ButtonForm
              state={state}
              action={action}
              hidden={{ _action: "remove", confirm: "1" }}
              label={t("studio.templates.remove.confirm")}
              variant="danger"
            />
            <a href={action} class="button button--ghost">{t("studio.templates.remove.cancel")}</a>
          </div>
        </section>
      )}
      <dl class="template-facts">
        <dt>{t("studio.templates.type")}</dt>
        <dd>{t(`training.type.${tpl.type}` as MessageKey)}</dd>
        <dt>{t("studio.templates.category")}</dt>
        <dd>{tpl.categoryName ?? t("studio.templates.noCategory")}</dd>
        {tpl.durationSec !== null && (
          <>
            <dt>{t("studio.templates.duration")}</dt>
            <dd>{formatMmSs(tpl.durationSec)}</dd>
          </>
        )}
        {tpl.estimatedSec !== null && (
          <>
            <dt>{t("studio.templates.estimated")}</dt>
            <dd>{t.number(Math.round(tpl.estimatedSec / 60))}</dd>
          </>
        )}
        {tpl.tags.length > 0 && (
          <>
            <dt>{t("studio.templates.tags")}</dt>
            <dd>{tpl.tags.join(", ")}</dd>
          </>
        )}
        <dt>{t("studio.templates.usage")}</dt>
        <dd>{t.plural("studio.templates.uses", tpl.usageCount)}</dd>
        {tpl.authorName && (
          <>
            <dt>{t("studio.templates.author")}</dt>
            <dd>{tpl.authorName}</dd>
          </>
        )}
      </dl>
      <ButtonForm
        state={state}
        action={action}
        hidden={{ _action: "use" }}
        label={t("studio.templates.use")}
        variant="primary"
      />
      <section aria-labelledby="template-content" class="step-preview">
        <h2 id="template-content">{t("studio.templates.content")}</h2>
        {data.html
          ? <div class="prose" dangerouslySetInnerHTML={{ __html: data.html }} />
          : <p class="muted">{t("studio.templates.content.empty")}</p>}
        {tpl.checklistItems.length > 0 && (
          <>
            <h3>{t("studio.templates.checklist")}</h3>
            <ul>{tpl.checklistItems.map((item, i) => <li key={i}>{item}</li>)}</ul>
          </>
        )}
        {tpl.videoUrl && (
          <p>
            {t("studio.templates.video")}: <a href={tpl.videoUrl} rel="noopener">{tpl.videoUrl}</a>
          </p>
        )}
        {tpl.questionCount > 0 && <p>{t.plural("studio.authoring.q.count", tpl.questionCount)}</p>}
        {tpl.type === "EXAMINATION" && (tpl.requiresWritten || tpl.requiresVideo) && (
          <ul>
            {tpl.requiresWritten && <li>{t("studio.steps.field.requiresWritten")}</li>}
            {tpl.requiresVideo && <li>{t("studio.steps.field.requiresVideo")}</li>}
          </ul>
        )}
      </section>
      {data.edit && <EditTemplate state={state} action={action} edit={data.edit} />}
      {tpl.canRemove && !data.confirmRemove && (
        <ButtonForm
          state={state}
          action={action}
          hidden={{ _action: "remove" }}
          label={t("studio.templates.remove")}
          variant="danger"
          class="studio-delete"
        />
      )}
    </>
  );
});

function EditTemplate(
  { state, action, edit }: { state: State; action: string; edit: EditState },
) {
  const { t } = state;
  const { values, errors } = edit;
  return (
    <section aria-labelledby="template-edit" class="studio-section">
      <h2 id="template-edit">{t("studio.authoring.tpl.edit")}</h2>
      <StepForm
        state={state}
        action={action}
        hidden={{ edit: "1" }}
        values={values}
        errors={errors}
        submit={t("studio.authoring.tpl.save")}
        questions={edit.questions}
        focus={edit.focus}
        previewHtml={edit.previewHtml}
        extraLabels={{
          categoryId: t("studio.templates.save.categoryId"),
          tags: t("studio.templates.save.tags"),
        }}
        extra={
          <>
            <SelectField
              name="categoryId"
              label={t("studio.templates.save.categoryId")}
              value={values.categoryId ?? ""}
              error={errors.categoryId}
              options={[
                { value: "", label: t("studio.templates.noCategory") },
                ...edit.categories.map((c) => ({ value: c.id, label: c.name })),
              ]}
            />
            <Field
              name="tags"
              label={t("studio.templates.save.tags")}
              value={values.tags}
              error={errors.tags}
              hint={t("studio.templates.save.tags.hint")}
              optionalLabel={t("studio.steps.optional")}
              input={{ maxLength: 400 }}
            />
          </>
        }
      />
    </section>
  );
}
