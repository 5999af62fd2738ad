/**
 * The step editor's form, shared by the new and edit pages: every field of
 * every step type (the fields that do not apply to the chosen type are
 * ignored on save), a "Preview" button that comes back with the rendered
 * description (no JavaScript needed), the rendered preview itself, and the
 * exam's test editor (questions.tsx).
 */
import type { ComponentChildren } from "preact";
import type { State } from "@/define.ts";
import { typedValues } from "@/http/forms.ts";
import { PostForm } from "@/components/PostForm.tsx";
import {
  CheckboxField,
  Field,
  type FieldErrors,
  Fieldset,
  formBinding,
  SelectField,
  TextareaField,
} from "@/components/forms.tsx";
import { STEP_TYPES } from "@/db/schema.ts";
import {
  applyQuestionOp,
  blankQuestion,
  type QuestionDraft,
  questionDrafts,
  questionDraftsOf,
  STEP_FORM_FIELDS,
  STEP_VIDEO_FIELD,
  type StepFormField,
} from "@/core/studio/steps.ts";
import type { VideoChoice } from "@/core/video/library.ts";
import { VideoPicker } from "../../(_lib)/video_picker.tsx";
import type { ChecklistQuestion } from "@/db/schema.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { LivePreview } from "./live_preview.tsx";
import { PlaceholderHelp } from "./placeholders.tsx";
import { QuestionsEditor } from "./questions.tsx";

export type StepFormValues = Partial<Record<StepFormField | typeof STEP_VIDEO_FIELD, string>>;

/** The form's values from a submitted form (missing checkboxes → unchecked). */
export function stepValuesFrom(form: Record<string, unknown>): StepFormValues {
  return typedValues(form, [...STEP_FORM_FIELDS, STEP_VIDEO_FIELD]);
}

/** Stored questions for the editor, plus one blank question to fill in. */
export function questionsForEdit(stored: readonly ChecklistQuestion[]): QuestionDraft[] {
  return [...questionDraftsOf(stored), blankQuestion()];
}

/** The questions as submitted (a form without the editor: one blank question). */
export function questionsFrom(form: Record<string, unknown>): QuestionDraft[] {
  return questionDrafts(form) ?? [blankQuestion()];
}

/**
 * A press of one of the test editor's buttons (`op`): the questions changed
 * and the field to focus, to render the form again without saving; null
 * when the form was not sent by such a button.
 */
export function questionOp(
  form: Record<string, unknown>,
): { questions: QuestionDraft[]; focus: string | null } | null {
  if (typeof form.op !== "string" || !form.op) return null;
  const r = applyQuestionOp(questionsFrom(form), form.op);
  return { questions: r.drafts, focus: r.focus };
}

export function StepForm(
  {
    state,
    action,
    hidden,
    values,
    errors,
    submit,
    questions,
    focus,
    previewHtml,
    notice,
    extra,
    extraLabels,
    videos,
  }: {
    state: State;
    action: string;
    /** Hidden fields carried through the form (e.g. `from`). */
    hidden?: Record<string, string | null | undefined>;
    values: StepFormValues;
    errors: FieldErrors;
    submit: string;
    /** The exam's test questions as the editor shows them. */
    questions: QuestionDraft[];
    /** A field the test editor just added. */
    focus?: string | null;
    /** Rendered description after "Preview" (null: not asked). */
    previewHtml?: string | null;
    /** Shown just above the save button (e.g. where else the step is used). */
    notice?: ComponentChildren;
    /** More fields after the step's own (a template's category and tags). */
    extra?: ComponentChildren;
    /** Labels of the `extra` fields, for the error list. */
    extraLabels?: Record<string, string>;
    /** Library videos to pick from (no picker when absent, e.g. templates). */
    videos?: VideoChoice[];
  },
) {
  const { t } = state;
  const { field, labels } = formBinding<StepFormField>({
    values,
    errors,
    label: (n) => t(`studio.steps.field.${n}` as MessageKey),
  });
  const hint = (n: StepFormField) => t(`studio.steps.field.${n}.hint` as MessageKey);
  // The error list names each question ("Question 2: …").
  const questionLabels = Object.fromEntries(
    Object.keys(errors).flatMap((k) => {
      const m = /^q\.(\d+)\./.exec(k);
      return m ? [[k, t("studio.authoring.q.n", { n: Number(m[1]) + 1 })]] : [];
    }),
  );
  const examErrors = Object.keys(errors).some((k) => k === "q" || k.startsWith("q."));
  return (
    <PostForm
      state={state}
      action={action}
      hidden={hidden}
      errors={errors}
      labels={{
        ...labels(STEP_FORM_FIELDS),
        [STEP_VIDEO_FIELD]: t("studio.videos.pick.label"),
        ...extraLabels,
        ...questionLabels,
      }}
      submit={submit}
      class="step-form"
      aside={
        <button type="submit" name="_action" value="preview" class="button">
          {t("studio.steps.preview")}
        </button>
      }
    >
      {
        /* Enter in a field presses the form's first submit button: make that
        "save", not one of the test editor's "remove" buttons. */
      }
      <button type="submit" class="visually-hidden" tabIndex={-1} aria-hidden="true">
        {submit}
      </button>
      <Field
        {...field("title")}
        hint={hint("title")}
        required
        input={{ maxLength: 100, minLength: 3 }}
      />
      <SelectField
        {...field("type")}
        value={values.type ?? "TRAINING"}
        required
        options={STEP_TYPES.map((ty) => ({
          value: ty,
          label: t(`training.type.${ty}` as MessageKey),
        }))}
      />
      <TextareaField
        {...field("description")}
        hint={hint("description")}
        rows={10}
        maxLength={20000}
        optionalLabel={t("studio.steps.optional")}
      />
      <LivePreview state={state} source="description" />
      <PlaceholderHelp t={t} values={values} />
      {previewHtml !== undefined && previewHtml !== null && (
        <section class="step-preview" aria-labelledby="step-preview-title">
          <h2 id="step-preview-title">{t("studio.steps.preview.title")}</h2>
          {previewHtml
            ? <div class="prose" dangerouslySetInnerHTML={{ __html: previewHtml }} />
            : <p>{t("studio.steps.preview.empty")}</p>}
        </section>
      )}
      <Field
        {...field("duration")}
        hint={hint("duration")}
        input={{ inputMode: "numeric", placeholder: "02:30", maxLength: 6 }}
      />
      <Field
        {...field("estimatedMinutes")}
        hint={hint("estimatedMinutes")}
        optionalLabel={t("studio.steps.optional")}
        input={{ inputMode: "numeric", maxLength: 4 }}
      />
      <TextareaField
        {...field("checklistItems")}
        hint={hint("checklistItems")}
        rows={5}
        optionalLabel={t("studio.steps.optional")}
      />
      <Field
        {...field("videoUrl")}
        type="url"
        hint={hint("videoUrl")}
        optionalLabel={t("studio.steps.optional")}
        input={{ maxLength: 500 }}
      />
      {videos && (
        <VideoPicker
          t={t}
          name={STEP_VIDEO_FIELD}
          label={t("studio.videos.pick.label")}
          hint={t("studio.videos.pick.hint")}
          value={values.videoId ?? ""}
          error={errors[STEP_VIDEO_FIELD]}
          videos={videos}
        />
      )}
      <Fieldset legend={t("studio.steps.exam")} id="exam-parts" error={errors.requiresWritten}>
        <p class="field-hint">{t("studio.steps.exam.hint")}</p>
        <CheckboxField
          name="requiresWritten"
          label={t("studio.steps.field.requiresWritten")}
          checked={values.requiresWritten === "on"}
        />
        <CheckboxField
          name="requiresVideo"
          label={t("studio.steps.field.requiresVideo")}
          checked={values.requiresVideo === "on"}
        />
      </Fieldset>
      <QuestionsEditor
        state={state}
        questions={questions}
        errors={errors}
        open={values.type === "EXAMINATION" || examErrors || !!focus}
        focus={focus}
      />
      {extra}
      {notice}
    </PostForm>
  );
}
