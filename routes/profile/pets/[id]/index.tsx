/**
 * `/profile/pets/<id>`: the owner's view of a pet. Anyone else (and a
 * wrong id) gets the 404 page: the pet's existence is not revealed.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { getOwnPet, type PetView } from "@/core/pets.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { FormNotice } from "@/components/forms.tsx";
import { PetFacts, PetPhoto } from "@/routes/profile/(_lib)/parts.tsx";
import { petPath } from "@/core/paths.ts";

const DONE = ["created", "saved"] as const;
type Done = typeof DONE[number];

export const handler = define.handlers<{ pet: PetView; done?: Done }>({
  async GET(ctx) {
    const pet = await getOwnPet(ctx.state.services, ctx.state.user, ctx.params.id);
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      pet,
      done: (DONE as readonly string[]).includes(done) ? done as Done : undefined,
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { pet } = data;
  return (
    <>
      <PageTitle t={t} title={pet.name} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href="/profile">{t("pet.back")}</a>
      </nav>
      {data.done && (
        <FormNotice>{data.done === "created" ? t("pet.created") : t("pet.saved")}</FormNotice>
      )}
      <article class="pet-view">
        <PetPhoto pet={pet} t={t} size={240} />
        <div>
          <h1>{pet.name}</h1>
          <PetFacts pet={pet} t={t} />
          {pet.notes && (
            <section>
              <h2>{t("pet.notes")}</h2>
              <p class="pet-view__notes">{pet.notes}</p>
            </section>
          )}
          <p>
            <a class="button" href={`${petPath(pet.id)}/edit`}>{t("pet.edit")}</a>
          </p>
        </div>
      </article>
    </>
  );
});
