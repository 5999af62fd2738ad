/**
 * `/profile/pets/new`: add a pet. One multipart form carries the fields and
 * an optional photo (streamed to storage under the new pet's folder; if the
 * data turns out invalid the photo is deleted again).
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { redirect } from "@/http/responses.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { createPet, newPetId, receivePetForm } from "@/core/pets.ts";
import { UploadError } from "@/core/uploads.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PetForm, type PetFormValues } from "../(_lib)/parts.tsx";
import { petPath } from "@/core/paths.ts";

interface Data {
  values: PetFormValues;
  errors: FieldErrors;
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    requireUser(ctx.state.user);
    return page({ values: {}, errors: {} });
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    const id = newPetId();
    let values: Record<string, string> = {};
    try {
      const form = await receivePetForm(s, user, id, ctx.req);
      values = form.fields;
      await createPet(s, user, form.fields, { id, photo: form.file });
      return redirect(`${petPath(id)}?done=created`);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      if (err instanceof UploadError) values = err.values;
      return page({ values, errors: failure.errors }, { status: failure.status });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("pet.new.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href="/profile">{t("pet.back")}</a>
      </nav>
      <h1>{t("pet.new.title")}</h1>
      <PetForm
        state={state}
        action="/profile/pets/new"
        values={data.values}
        errors={data.errors}
        submit={t("pet.create")}
      />
    </>
  );
});
