/**
 * `/profile`: the signed-in user's own profile — the "about" form, the
 * avatar (a multipart form of its own, no JavaScript needed) and the pets.
 * Every form posts here: urlencoded forms carry `_action`, the avatar form
 * is multipart. POST-redirect-GET with a notice; a refused form comes back
 * with its values and the errors next to the fields.
 */
import { define, type State } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { requireUser } from "@/core/auth/guards.ts";
import {
  ownProfile,
  type Profile,
  removeAvatar,
  replaceAvatar,
  updateProfile,
} from "@/core/profile.ts";
import { listOwnPets, type PetView } from "@/core/pets.ts";
import { type VisibleNoteEntry, visibleNotesFor } from "@/core/studio/notes.ts";
import { renderMarkdown } from "@/core/markdown.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { Section } from "@/components/Section.tsx";
import {
  CheckboxField,
  DateField,
  Field,
  FileField,
  formBinding,
  FormNotice,
  TextareaField,
} from "@/components/forms.tsx";
import {
  ContactsSection,
  dateForInput,
  IMAGE_ACCEPT,
  PetsSection,
  ProfileHead,
} from "./(_lib)/parts.tsx";
import { absoluteUrl, petPath, profilePath } from "@/core/paths.ts";

const DONE = ["saved", "avatar", "avatarRemoved", "petDeleted"] as const;
type Done = typeof DONE[number];

const FIELDS = ["fullName", "about", "birthDate", "telegram", "instagram", "website"] as const;

interface Data {
  profile: Profile;
  pets: PetView[];
  /** Trainers' note entries shown to this user, newest first. */
  trainerNotes: VisibleNoteEntry[];
  done?: Done;
  failed?: { form: "profile" | "avatar"; values: Record<string, string>; errors: FieldErrors };
}

async function load(state: State) {
  const user = requireUser(state.user);
  const [profile, pets, trainerNotes] = await Promise.all([
    ownProfile(state.services, user),
    listOwnPets(state.services, user),
    visibleNotesFor(state.services, user.id),
  ]);
  return { profile, pets, trainerNotes };
}

/** The page again after a refused form: its values and errors next to the fields. */
async function refused(state: State, failed: NonNullable<Data["failed"]>, status: number) {
  return page<Data>({ ...await load(state), failed }, { status });
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
        const failure = formFailure(err, t);
        if (!failure) throw err;
        return await refused(
          ctx.state,
          { form: "avatar", values: {}, errors: failure.errors },
          failure.status,
        );
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
          const failure = formFailure(err, t);
          if (!failure) throw err;
          const values = { ...input, isPublic: str("isPublic") };
          return await refused(
            ctx.state,
            { form: "profile", values, errors: failure.errors },
            failure.status,
          );
        }
      }
      default:
        throw new HttpError(400, "unknown profile action");
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { profile: p, pets, failed } = data;
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
  const publicUrl = absoluteUrl(state.services.config, profilePath(p.username));
  const opt = t("form.optional");
  const { field, labels } = formBinding<typeof FIELDS[number]>({
    values,
    errors,
    label: (name) => t(`profile.${name}`),
  });
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

      <ProfileHead profile={p} t={t} level={2}>
        <p class="profile-head__public">
          {p.isPublic ? t("profile.public.on", { url: publicUrl }) : t("profile.public.off")}
        </p>
        <p>
          <a href={profilePath(p.username)}>{t("profile.public.link")}</a>
        </p>
      </ProfileHead>

      <Section id="avatar-title" class="profile-section" title={t("profile.avatar")}>
        <PostForm
          state={state}
          action="/profile"
          multipart
          submit={t("profile.avatar.upload")}
        >
          <FileField
            name="avatar"
            label={t("profile.avatar.choose")}
            hint={t("upload.hint")}
            error={avatarErrors.avatar}
            required
            accept={IMAGE_ACCEPT}
          />
        </PostForm>
        {p.avatarKey && (
          <ButtonForm
            state={state}
            action="/profile"
            hidden={{ _action: "avatar-remove" }}
            label={t("profile.avatar.remove")}
            variant="ghost"
            class="inline-form"
          />
        )}
      </Section>

      <Section id="about-title" class="profile-section" title={t("profile.edit")}>
        <PostForm
          state={state}
          action="/profile"
          hidden={{ _action: "profile" }}
          errors={errors}
          labels={labels(FIELDS)}
          submit={t("profile.save")}
        >
          <Field
            {...field("fullName")}
            optionalLabel={opt}
            autocomplete="name"
            input={{ maxLength: 120 }}
          />
          <TextareaField {...field("about")} optionalLabel={opt} rows={5} maxLength={2000} />
          <DateField
            {...field("birthDate")}
            hint={t("profile.birthDate.hint")}
            optionalLabel={opt}
            autocomplete="bday"
          />
          {(["telegram", "instagram"] as const).map((f) => (
            <Field
              key={f}
              {...field(f)}
              hint={t(`profile.${f}.hint`)}
              optionalLabel={opt}
              input={{ maxLength: 100 }}
            />
          ))}
          <Field
            {...field("website")}
            hint={t("profile.website.hint")}
            optionalLabel={opt}
            autocomplete="url"
            input={{ inputMode: "url", maxLength: 300 }}
          />
          <CheckboxField
            name="isPublic"
            label={t("profile.isPublic")}
            hint={t("profile.isPublic.hint")}
            checked={values.isPublic === "on"}
          />
        </PostForm>
      </Section>

      <PetsSection pets={pets} t={t} hrefOf={(pet) => petPath(pet.id)}>
        <p>
          <a class="button" href="/profile/pets/new">{t("profile.pets.add")}</a>
        </p>
      </PetsSection>

      {data.trainerNotes.length > 0 && (
        <Section id="trainer-notes-title" class="profile-section" title={t("profile.trainerNotes")}>
          <ul class="studio-list">
            {data.trainerNotes.map((n) => (
              <li key={n.id} class="studio-list__item" data-trainer-note={n.id}>
                <span class="studio-list__title">{n.title}</span>
                <span class="studio-list__meta">
                  {t("profile.trainerNotes.from", {
                    trainer: n.trainer,
                    date: t.date(n.createdAt, { day: "numeric", month: "long", year: "numeric" }),
                  })}
                </span>
                <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(n.body) }} />
              </li>
            ))}
          </ul>
        </Section>
      )}

      <ContactsSection profile={p} t={t} />
    </>
  );
});
