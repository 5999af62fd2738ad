/**
 * The "save as template" form: a category and comma-separated tags. Shown on
 * the step editor and, with its errors and typed values, on
 * `/studio/templates/new?step=…` (where it posts).
 */
import type { State } from "@/define.ts";
import { typedValues } from "@/http/forms.ts";
import { PostForm } from "@/components/PostForm.tsx";
import { Field, type FieldErrors, formBinding, SelectField } from "@/components/forms.tsx";
import type { TemplateCategory } from "@/core/studio/templates.ts";
import { SAVE_TEMPLATE_FIELDS } from "@/core/studio/templates.ts";
import { studioSaveTemplatePath } from "@/core/paths.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";

type SaveField = typeof SAVE_TEMPLATE_FIELDS[number];
export type SaveTemplateValues = Partial<Record<SaveField, string>>;

export function saveValuesFrom(form: Record<string, unknown>): SaveTemplateValues {
  return typedValues(form, SAVE_TEMPLATE_FIELDS);
}

export function SaveTemplateForm(
  { state, stepId, categories, values = {}, errors = {} }: {
    state: State;
    stepId: string;
    categories: TemplateCategory[];
    values?: SaveTemplateValues;
    errors?: FieldErrors;
  },
) {
  const { t } = state;
  const { field, labels } = formBinding<SaveField>({
    values,
    errors,
    label: (n) => t(`studio.templates.save.${n}` as MessageKey),
    idPrefix: "tpl-",
  });
  return (
    <PostForm
      state={state}
      action={studioSaveTemplatePath(stepId)}
      errors={errors}
      labels={labels(SAVE_TEMPLATE_FIELDS)}
      idPrefix="tpl-"
      submit={t("studio.templates.save.submit")}
      class="template-save-form"
    >
      <SelectField
        {...field("categoryId")}
        value={values.categoryId ?? ""}
        options={[
          { value: "", label: t("studio.templates.noCategory") },
          ...categories.map((c) => ({ value: c.id, label: c.name })),
        ]}
      />
      <Field
        {...field("tags")}
        hint={t("studio.templates.save.tags.hint")}
        optionalLabel={t("studio.steps.optional")}
        input={{ maxLength: 400 }}
      />
    </PostForm>
  );
}
