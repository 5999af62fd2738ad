/**
 * The step editor's form, shared by the new and edit pages: every field of
 * every step type (the fields that do not apply to the chosen type are
 * ignored on save), a "Preview" button that comes back with the rendered
 * description (no JavaScript needed), and the rendered preview itself.
 */
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
import { STEP_FORM_FIELDS, type StepFormField } from "@/core/studio/steps.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { LivePreview } from "./live_preview.tsx";
import { PlaceholderHelp } from "./placeholders.tsx";

export type StepFormValues = Partial<Record<StepFormField, string>>;

/** The form's values from a submitted form (missing checkboxes → unchecked). */
export function stepValuesFrom(form: Record<string, unknown>): StepFormValues {
  return typedValues(form, STEP_FORM_FIELDS);
}

export function StepForm(
  { state, action, values, errors, submit, questionCount = 0, previewHtml }: {
    state: State;
    action: string;
    values: StepFormValues;
    errors: FieldErrors;
    submit: string;
    questionCount?: number;
    /** Rendered description after "Preview" (null: not asked). */
    previewHtml?: string | null;
  },
) {
  const { t } = state;
  const { field, labels } = formBinding<StepFormField>({
    values,
    errors,
    label: (n) => t(`studio.steps.field.${n}` as MessageKey),
  });
  const hint = (n: StepFormField) => t(`studio.steps.field.${n}.hint` as MessageKey);
  return (
    <PostForm
      state={state}
      action={action}
      errors={errors}
      labels={labels(STEP_FORM_FIELDS)}
      submit={submit}
      class="step-form"
      aside={
        <button type="submit" name="_action" value="preview" class="button">
          {t("studio.steps.preview")}
        </button>
      }
    >
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
      <Fieldset legend={t("studio.steps.exam")} id="exam-parts" error={errors.requiresWritten}>
        <p class="field-hint">{t("studio.steps.exam.hint")}</p>
        {questionCount > 0 && (
          <p class="field-hint">{t.plural("studio.steps.exam.questions", questionCount)}</p>
        )}
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
    </PostForm>
  );
}
