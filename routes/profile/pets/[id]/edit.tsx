/**
 * `/profile/pets/<id>/edit`: change a pet (fields, replace or remove the
 * photo) and delete it. Only the owner: for anyone else the page, the save
 * and the delete all answer 404, and nothing is stored for their attempt.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { redirect } from "@/http/responses.ts";
import { getOwnPet, type PetView, receivePetForm, updatePet } from "@/core/pets.ts";
import { UploadError } from "@/core/uploads.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { Section } from "@/components/Section.tsx";
import { PetForm, type PetFormValues, petFormValues } from "@/routes/profile/(_lib)/parts.tsx";
import { petPath } from "@/core/paths.ts";

interface Data {
  pet: PetView;
  values: PetFormValues;
  errors: FieldErrors;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const pet = await getOwnPet(ctx.state.services, ctx.state.user, ctx.params.id);
    return page({ pet, values: petFormValues(pet), errors: {} });
  },
  async POST(ctx) {
    const s = ctx.state.services;
    const user = ctx.state.user;
    // Ownership first: a stranger's upload is never read into storage.
    const pet = await getOwnPet(s, user, ctx.params.id);
    let values: Record<string, string> = {};
    try {
      const form = await receivePetForm(s, user, pet.id, ctx.req);
      values = form.fields;
      const { removePhoto, ...fields } = form.fields;
      await updatePet(s, user, pet.id, fields, {
        photo: form.file,
        removePhoto: removePhoto === "on",
      });
      return redirect(`${petPath(pet.id)}?done=saved`);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      if (err instanceof UploadError) values = err.values;
      return page({ pet, values, errors: failure.errors }, { status: failure.status });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { pet } = data;
  return (
    <>
      <PageTitle t={t} title={t("pet.edit.title", { name: pet.name })} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={petPath(pet.id)}>{pet.name}</a>
      </nav>
      <h1>{t("pet.edit.title", { name: pet.name })}</h1>
      <PetForm
        state={state}
        action={`${petPath(pet.id)}/edit`}
        values={data.values}
        errors={data.errors}
        submit={t("pet.save")}
        pet={pet}
      />
      <Section id="delete-title" class="danger-zone" title={t("pet.delete.title")}>
        <p>{t("pet.delete.text")}</p>
        <ButtonForm
          state={state}
          action={`${petPath(pet.id)}/delete`}
          label={t("pet.delete")}
          variant="danger"
        />
      </Section>
    </>
  );
});
