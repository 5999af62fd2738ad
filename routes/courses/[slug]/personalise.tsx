/**
 * `/courses/<slug>/personalise`: the learner's values for a personalised
 * course (their name and gender, their pet's name, sex and Russian cases),
 * asked once before day 1 and editable later from the course page. Works
 * without JavaScript: choosing a pet and leaving the name empty takes the
 * pet's name. After saving, back to `next` (same-site paths only) or the
 * course. Invalid input comes back with everything typed and the messages.
 */
import { define, type State } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject, typedValues } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { safeNext } from "@/http/redirect.ts";
import { requireUser } from "@/core/auth/guards.ts";
import {
  PERSONALISATION_FIELDS,
  type PersonalisationField,
  type PersonalisationFormValues,
  type PersonalisationPage,
  personalisationPage,
  savePersonalisation,
} from "@/core/personalisation/store.ts";
import { PET_CASES } from "@/core/personalisation/placeholders.ts";
import type { FieldErrors } from "@/core/validation.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { coursePath, personalisePath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { Field, Fieldset, formBinding, FormNotice, SelectField } from "@/components/forms.tsx";

interface Data {
  form: PersonalisationPage;
  values: PersonalisationFormValues;
  errors: FieldErrors;
  next: string;
  saved: boolean;
}

const CASE_FIELD = {
  genitive: "petGenitive",
  dative: "petDative",
  accusative: "petAccusative",
  instrumental: "petInstrumental",
  prepositional: "petPrepositional",
} as const;

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const form = await personalisationPage(ctx.state.services, ctx.state.user, ctx.params.slug);
    return page<Data>({
      form,
      values: form.values,
      errors: {},
      next: safeNext(ctx.url.searchParams.get("next"), ""),
      saved: ctx.url.searchParams.get("done") === "saved",
    }, { headers: { "cache-control": "private, no-store" } });
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const svc = ctx.state.services;
    const raw = await formObject(ctx);
    const next = safeNext(typeof raw.next === "string" ? raw.next : null, "");
    try {
      await savePersonalisation(svc, user, ctx.params.slug, raw);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      const form = await personalisationPage(svc, user, ctx.params.slug);
      return page<Data>({
        form,
        values: typedValues(raw, PERSONALISATION_FIELDS),
        errors: failure.errors,
        next,
        saved: false,
      }, { status: failure.status, headers: { "cache-control": "private, no-store" } });
    }
    return redirect(next || `${personalisePath(ctx.params.slug)}?done=saved`);
  },
});

function GenderRadios(
  { state, name, legend, value, error, none }: {
    state: State;
    name: PersonalisationField;
    legend: string;
    value: string | undefined;
    error?: string;
    /** A "not specified" choice (the pet's sex is optional). */
    none?: string;
  },
) {
  const choices = [
    ...(none ? [{ v: "", label: none }] : []),
    { v: "male", label: state.t("personalisation.gender.male") },
    { v: "female", label: state.t("personalisation.gender.female") },
  ];
  return (
    <Fieldset legend={legend} id={name} error={error}>
      {choices.map((c) => (
        <label class="radio" key={c.v}>
          <input
            type="radio"
            name={name}
            value={c.v}
            checked={(value ?? "") === c.v}
            aria-invalid={error ? "true" : undefined}
          />{" "}
          {c.label}
        </label>
      ))}
    </Fieldset>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { course, pets } = data.form;
  const values = data.values;
  const { field, labels } = formBinding<PersonalisationField>({
    values,
    errors: data.errors,
    label: (n) => t(`personalisation.field.${n}` as MessageKey),
  });
  const optional = t("personalisation.optional");
  const title = t("personalisation.title", { course: course.name });
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={coursePath(course.slug)}>{t("personalisation.back")}</a>
      </nav>
      <h1>{title}</h1>
      {data.saved && <FormNotice>{t("personalisation.saved")}</FormNotice>}
      {!course.personalised && <p class="muted">{t("personalisation.notPersonalised")}</p>}
      <p class="lead">{t("personalisation.lead")}</p>
      <PostForm
        state={state}
        action={personalisePath(course.slug)}
        hidden={{ next: data.next }}
        errors={data.errors}
        labels={labels(PERSONALISATION_FIELDS)}
        submit={t("personalisation.save")}
        class="personalise-form"
      >
        <Field
          {...field("learnerName")}
          required
          autocomplete="given-name"
          input={{ maxLength: 60 }}
        />
        <GenderRadios
          state={state}
          name="gender"
          legend={t("personalisation.field.gender")}
          value={values.gender}
          error={data.errors.gender}
        />
        {pets.length > 0 && (
          <SelectField
            {...field("petId")}
            hint={t("personalisation.field.petId.hint")}
            value={values.petId ?? ""}
            options={[
              ...pets.map((p) => ({ value: p.id, label: p.name })),
              { value: "", label: t("personalisation.field.petId.none") },
            ]}
          />
        )}
        <Field {...field("petName")} input={{ maxLength: 50 }} />
        <GenderRadios
          state={state}
          name="petGender"
          legend={t("personalisation.field.petGender")}
          value={values.petGender}
          error={data.errors.petGender}
          none={t("personalisation.field.petGender.none")}
        />
        <Fieldset legend={t("personalisation.field.cases")}>
          <p class="field-hint">{t("personalisation.field.cases.hint")}</p>
          {PET_CASES.map((c) => (
            <Field
              key={c}
              {...field(CASE_FIELD[c])}
              optionalLabel={optional}
              input={{ maxLength: 50 }}
            />
          ))}
        </Fieldset>
      </PostForm>
    </>
  );
});
