/**
 * `/profile`: the signed-in user's own profile — the "about" form, the
 * avatar (a multipart form of its own, no JavaScript needed) and the pets.
 * Every form posts here: urlencoded forms carry `_action`, the avatar form
 * is multipart. POST-redirect-GET with a notice; a refused form comes back
 * with its values and the errors next to the fields.
 */
import { define, type State } from "../../define.ts";
import { HttpError, page } from "../../framework/mod.ts";
import { formObject } from "../../http/forms.ts";
import { redirect } from "../../http/responses.ts";
import { requireUser } from "../../core/auth/guards.ts";
import {
  ownProfile,
  type Profile,
  removeAvatar,
  replaceAvatar,
  updateProfile,
} from "../../core/profile.ts";
import { listOwnPets, type PetView } from "../../core/pets.ts";
import { uploadFailure } from "../../core/uploads.ts";
import type { FieldErrors } from "../../core/validation.ts";
import { PageTitle } from "../../components/PageTitle.tsx";
import { CsrfField } from "../../components/CsrfField.tsx";
import { CheckboxField, ErrorSummary, Field, FormNotice } from "../../components/forms.tsx";
import {
  Avatar,
  Contacts,
  dateForInput,
  FileField,
  PetCard,
  TextareaField,
  uploadAction,
} from "./(_parts)/parts.tsx";

const DONE = ["saved", "avatar", "avatarRemoved", "petDeleted"] as const;
type Done = typeof DONE[number];

const FIELDS = ["fullName", "about", "birthDate", "telegram", "instagram", "website"] as const;

interface Data {
  profile: Profile;
  pets: PetView[];
  done?: Done;
  failed?: { form: "profile" | "avatar"; values: Record<string, string>; errors: FieldErrors };
}

async function load(state: State) {
  const [profile, pets] = await Promise.all([
    ownProfile(state.services, state.user),
    listOwnPets(state.services, state.user),
  ]);
  return { profile, pets };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    requireUser(ctx.state.user);
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      ...await load(ctx.state),
      done: (DONE as readonly string[]).includes(done) ? done as Done : undefined,
    });
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    const t = ctx.state.t;
    if (/^multipart\/form-data/i.test(ctx.req.headers.get("content-type") ?? "")) {
      try {
        await replaceAvatar(s, user, ctx.req);
        return redirect("/profile?done=avatar");
      } catch (err) {
        const failure = uploadFailure(err, t, "avatar");
        if (!failure) throw err;
        return page({
          ...await load(ctx.state),
          failed: { form: "avatar", values: {}, errors: failure.errors },
        }, { status: failure.status });
      }
    }
    const form = await formObject(ctx);
    const str = (k: string) => (typeof form[k] === "string" ? form[k] as string : "");
    switch (str("_action")) {
      case "avatar-remove":
        await removeAvatar(s, user);
        return redirect("/profile?done=avatarRemoved");
      case "profile": {
        const input = Object.fromEntries(FIELDS.map((f) => [f, str(f)]));
        try {
          await updateProfile(s, user, { ...input, isPublic: str("isPublic") === "on" });
          return redirect("/profile?done=saved");
        } catch (err) {
          const failure = uploadFailure(err, t, "_form");
          if (!failure) throw err;
          return page({
            ...await load(ctx.state),
            failed: {
              form: "profile",
              values: { ...input, isPublic: str("isPublic") },
              errors: failure.errors,
            },
          }, { status: failure.status });
        }
      }
      default:
        throw new HttpError(400, "unknown profile action");
    }
  },
});

export default define.page<typeof handler>(({ data, state, url }) => {
  const { t } = state;
  const { profile: p, pets, failed } = data;
  const name = p.fullName || p.username;
  const profileForm = failed?.form === "profile" ? failed : undefined;
  const avatarErrors = failed?.form === "avatar" ? failed.errors : {};
  const errors = profileForm?.errors ?? {};
  const values: Record<string, string> = profileForm?.values ?? {
    fullName: p.fullName ?? "",
    about: p.about ?? "",
    birthDate: dateForInput(p.birthDate),
    telegram: p.telegram ?? "",
    instagram: p.instagram ?? "",
    website: p.website ?? "",
    isPublic: p.isPublic ? "on" : "",
  };
  const publicUrl = `${url.origin}/u/${p.username}`;
  const opt = t("form.optional");
  const notices: Record<Done, string> = {
    saved: t("profile.saved"),
    avatar: t("profile.avatar.saved"),
    avatarRemoved: t("profile.avatar.removed"),
    petDeleted: t("pet.deleted"),
  };
  return (
    <>
      <PageTitle t={t} title={t("profile.title")} />
      <h1>{t("profile.title")}</h1>
      {data.done && <FormNotice>{notices[data.done]}</FormNotice>}

      <section class="profile-head" aria-labelledby="profile-name">
        <Avatar avatarKey={p.avatarKey} name={name} t={t} />
        <div>
          <h2 id="profile-name" class="profile-head__name">{name}</h2>
          <p class="muted">
            @{p.username} · <span class="role-badge">{t(`profile.role.${p.role}` as const)}</span>
          </p>
          <p class="profile-head__public">
            {p.isPublic ? t("profile.public.on", { url: publicUrl }) : t("profile.public.off")}
          </p>
          <p>
            <a href={`/u/${p.username}`}>{t("profile.public.link")}</a>
          </p>
        </div>
      </section>

      <section aria-labelledby="avatar-title" class="profile-section">
        <h2 id="avatar-title">{t("profile.avatar")}</h2>
        <form
          class="form form--inline"
          method="post"
          action={uploadAction("/profile", state)}
          enctype="multipart/form-data"
          novalidate
        >
          <FileField
            name="avatar"
            label={t("profile.avatar.choose")}
            hint={t("upload.hint")}
            error={avatarErrors.avatar}
            required
          />
          <div class="form-actions">
            <button type="submit" class="button button--primary">
              {t("profile.avatar.upload")}
            </button>
          </div>
        </form>
        {p.avatarKey && (
          <form method="post" action="/profile" class="inline-form">
            <CsrfField state={state} />
            <input type="hidden" name="_action" value="avatar-remove" />
            <button type="submit" class="button button--ghost">{t("profile.avatar.remove")}</button>
          </form>
        )}
      </section>

      <section aria-labelledby="about-title" class="profile-section">
        <h2 id="about-title">{t("profile.edit")}</h2>
        <form class="form" method="post" action="/profile" novalidate>
          <CsrfField state={state} />
          <input type="hidden" name="_action" value="profile" />
          <ErrorSummary
            errors={errors}
            title={t("form.errors.title")}
            labels={{
              fullName: t("profile.fullName"),
              about: t("profile.about"),
              birthDate: t("profile.birthDate"),
              telegram: t("profile.telegram"),
              instagram: t("profile.instagram"),
              website: t("profile.website"),
            }}
          />
          <Field
            name="fullName"
            label={t("profile.fullName")}
            optionalLabel={opt}
            value={values.fullName}
            error={errors.fullName}
            autocomplete="name"
            input={{ maxLength: 120 }}
          />
          <TextareaField
            name="about"
            label={t("profile.about")}
            optionalLabel={opt}
            value={values.about}
            error={errors.about}
            rows={5}
            maxLength={2000}
          />
          <Field
            name="birthDate"
            label={t("profile.birthDate")}
            hint={t("profile.birthDate.hint")}
            optionalLabel={opt}
            value={values.birthDate}
            error={errors.birthDate}
            autocomplete="bday"
            input={{
              inputMode: "numeric",
              placeholder: t("profile.birthDate.hint"),
              maxLength: 10,
            }}
          />
          <Field
            name="telegram"
            label={t("profile.telegram")}
            hint={t("profile.telegram.hint")}
            optionalLabel={opt}
            value={values.telegram}
            error={errors.telegram}
            input={{ maxLength: 100 }}
          />
          <Field
            name="instagram"
            label={t("profile.instagram")}
            hint={t("profile.instagram.hint")}
            optionalLabel={opt}
            value={values.instagram}
            error={errors.instagram}
            input={{ maxLength: 100 }}
          />
          <Field
            name="website"
            label={t("profile.website")}
            hint={t("profile.website.hint")}
            optionalLabel={opt}
            value={values.website}
            error={errors.website}
            autocomplete="url"
            input={{ inputMode: "url", maxLength: 300 }}
          />
          <CheckboxField
            name="isPublic"
            label={t("profile.isPublic")}
            hint={t("profile.isPublic.hint")}
            checked={values.isPublic === "on"}
          />
          <div class="form-actions">
            <button type="submit" class="button button--primary">{t("profile.save")}</button>
          </div>
        </form>
      </section>

      <section aria-labelledby="pets-title" class="profile-section">
        <h2 id="pets-title">{t("profile.pets")}</h2>
        {pets.length
          ? (
            <ul class="pet-list">
              {pets.map((pet) => (
                <PetCard key={pet.id} pet={pet} t={t} href={`/profile/pets/${pet.id}`} />
              ))}
            </ul>
          )
          : <p class="muted">{t("profile.pets.empty")}</p>}
        <p>
          <a class="button" href="/profile/pets/new">{t("profile.pets.add")}</a>
        </p>
      </section>

      {(p.telegram || p.instagram || p.website) && (
        <section aria-labelledby="contacts-title" class="profile-section">
          <h2 id="contacts-title">{t("profile.contacts")}</h2>
          <Contacts profile={p} t={t} />
        </section>
      )}
    </>
  );
});
