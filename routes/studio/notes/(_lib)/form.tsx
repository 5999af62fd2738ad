/** The note form (title, tags, learners), shared by the new-note page and a note's page. */
import type { ComponentChildren } from "preact";
import { typedValues } from "@/http/forms.ts";
import type { State } from "@/define.ts";
import { PostForm } from "@/components/PostForm.tsx";
import { Field, type FieldErrors, formBinding, TextareaField } from "@/components/forms.tsx";
import { TAG_MAX, TITLE_MAX } from "@/core/studio/notes.ts";

export const NOTE_FIELDS = ["title", "tags", "learners", "body"] as const;
export type NoteField = typeof NOTE_FIELDS[number];
export type NoteFormValues = Partial<Record<NoteField | "visible", string>>;

/** The note's fields from a posted form, as typed (for a re-render). */
export function noteValuesFrom(form: Record<string, unknown>): NoteFormValues {
  return typedValues(form, [...NOTE_FIELDS, "visible"] as const);
}

export function NoteForm(
  { state, action, values, errors, submit, hidden, children }: {
    state: State;
    action: string;
    values: NoteFormValues;
    errors: FieldErrors;
    submit: string;
    hidden?: Record<string, string>;
    /** Extra fields after the note's own (the first entry). */
    children?: ComponentChildren;
  },
) {
  const { t } = state;
  const { field, labels } = formBinding<NoteField>({
    values,
    errors,
    label: (name) =>
      t(name === "body" ? "studio.notes.field.firstBody" : `studio.notes.field.${name}`),
  });
  return (
    <PostForm
      state={state}
      action={action}
      hidden={hidden}
      errors={errors}
      labels={labels(NOTE_FIELDS)}
      submit={submit}
    >
      <Field {...field("title")} required input={{ maxLength: TITLE_MAX }} />
      <TextareaField
        {...field("learners")}
        hint={t("studio.notes.field.learners.hint")}
        required
        rows={2}
      />
      <Field
        {...field("tags")}
        hint={t("studio.notes.field.tags.hint")}
        optionalLabel={t("form.optional")}
        input={{ maxLength: TAG_MAX * 20 }}
      />
      {children}
    </PostForm>
  );
}
