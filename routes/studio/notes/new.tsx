/**
 * `/studio/notes/new`: a new note about one or more of the trainer's
 * learners, with an optional first entry. A refused form comes back with
 * what was typed and the messages next to the fields.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { createNote } from "@/core/studio/notes.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioNewNotePath, studioNotePath, studioNotesPath, studioPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CheckboxField, TextareaField } from "@/components/forms.tsx";
import { NoteForm, type NoteFormValues, noteValuesFrom } from "./(_lib)/form.tsx";

interface Data {
  values: NoteFormValues;
  errors: FieldErrors;
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    const learner = ctx.url.searchParams.get("learner") ?? "";
    return page({ values: { learners: learner }, errors: {} });
  },
  async POST(ctx) {
    const { services, user, t } = ctx.state;
    const form = await formObject(ctx);
    try {
      const id = await createNote(services, user, form);
      return redirect(`${studioNotePath(id)}?done=created`);
    } catch (err) {
      const failure = formFailure(err, t);
      if (!failure) throw err;
      return page(
        { values: noteValuesFrom(form), errors: failure.errors },
        { status: failure.status },
      );
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { values, errors } = data;
  return (
    <>
      <PageTitle t={t} title={t("studio.notes.new")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
        {" / "}
        <a href={studioNotesPath()}>{t("studio.notes.back")}</a>
      </nav>
      <h1>{t("studio.notes.new")}</h1>
      <NoteForm
        state={state}
        action={studioNewNotePath()}
        values={values}
        errors={errors}
        submit={t("studio.notes.create")}
      >
        <TextareaField
          name="body"
          label={t("studio.notes.field.firstBody")}
          optionalLabel={t("form.optional")}
          value={values.body}
          error={errors.body}
          rows={5}
        />
        <CheckboxField
          name="visible"
          label={t("studio.notes.field.visible")}
          hint={t("studio.notes.field.visible.hint")}
          checked={values.visible === "on"}
          error={errors.visible}
        />
      </NoteForm>
    </>
  );
});
