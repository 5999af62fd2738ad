/** The day editor's form, shared by the new and edit pages. */
import type { ComponentChildren } from "preact";
import type { State } from "@/define.ts";
import { typedValues } from "@/http/forms.ts";
import { PostForm } from "@/components/PostForm.tsx";
import {
  CheckboxField,
  Field,
  type FieldErrors,
  formBinding,
  SelectField,
  TextareaField,
} from "@/components/forms.tsx";
import { DAY_TYPES } from "@/db/schema.ts";
import { DAY_FORM_FIELDS, type DayFormField } from "@/core/studio/days.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";

export type DayFormValues = Partial<Record<DayFormField, string>>;

export function dayValuesFrom(form: Record<string, unknown>): DayFormValues {
  return typedValues(form, DAY_FORM_FIELDS);
}

export function DayForm(
  { state, action, hidden, values, errors, submit, notice }: {
    state: State;
    action: string;
    values: DayFormValues;
    errors: FieldErrors;
    submit: string;
    /** Hidden fields carried through the form (e.g. `from`). */
    hidden?: Record<string, string | null | undefined>;
    /** Shown just above the save button (e.g. where else the day is used). */
    notice?: ComponentChildren;
  },
) {
  const { t } = state;
  const { field, labels } = formBinding<DayFormField>({
    values,
    errors,
    label: (n) => t(`studio.days.field.${n}` as MessageKey),
  });
  const optional = t("studio.build.optional");
  return (
    <PostForm
      hidden={hidden}
      state={state}
      action={action}
      errors={errors}
      labels={labels(DAY_FORM_FIELDS)}
      submit={submit}
      class="day-form"
    >
      <Field {...field("title")} required input={{ maxLength: 200, minLength: 2 }} />
      <SelectField
        {...field("type")}
        value={values.type ?? "regular"}
        required
        options={DAY_TYPES.map((ty) => ({
          value: ty,
          label: t(`studio.dayType.${ty}` as MessageKey),
        }))}
      />
      <TextareaField
        {...field("description")}
        rows={8}
        maxLength={20000}
        optionalLabel={optional}
      />
      <TextareaField {...field("equipment")} rows={3} maxLength={2000} optionalLabel={optional} />
      <CheckboxField
        name="shareProgress"
        label={t("studio.days.field.shareProgress")}
        error={errors.shareProgress}
        checked={values.shareProgress === "on"}
      />
      {notice}
    </PostForm>
  );
}
