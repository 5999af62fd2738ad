/**
 * Pieces shared by the profile, pet and public profile pages: avatar, the
 * profile head, contacts and pets sections (the same on /profile and
 * /u/<name>), pet card and facts, and the pet form (fields and photo in one
 * multipart form, so it works without JavaScript).
 */
import type { ComponentChildren } from "preact";
import type { State } from "@/define.ts";
import type { Translator } from "@/core/i18n/mod.ts";
import { mediaPath } from "@/core/paths.ts";
import { PET_FORM_FIELDS, petAge, type PetView } from "@/core/pets.ts";
import { instagramUrl, type Profile, telegramUrl } from "@/core/profile.ts";
import {
  CheckboxField,
  DateField,
  Field,
  type FieldErrors,
  FileField,
  formBinding,
  SelectField,
  TextareaField,
} from "@/components/forms.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { Section } from "@/components/Section.tsx";
import { Icon } from "@/components/icons.tsx";
import { type Fact, Facts } from "@/components/Facts.tsx";

/** What the photo pickers offer: the image types uploads accept (core/uploads.ts). */
export const IMAGE_ACCEPT = "image/jpeg,image/png,image/webp";

/** `YYYY-MM-DD` → `ДД.ММ.ГГГГ`, the way people type dates in the forms. */
export function dateForInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

/** A calendar date in the user's language (stored dates have no time zone). */
export function formatDate(t: Translator, iso: string): string {
  return t.date(`${iso}T00:00:00Z`, {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function Avatar(
  { avatarKey, name, size = 96, t }: {
    avatarKey: string | null;
    name: string;
    size?: number;
    t: Translator;
  },
) {
  if (avatarKey) {
    return (
      <img
        class="avatar"
        src={mediaPath(avatarKey)}
        alt={t("profile.avatar.alt", { name })}
        width={size}
        height={size}
      />
    );
  }
  return (
    <span
      class="avatar avatar--initial"
      style={`width:${size}px;height:${size}px`}
      aria-hidden="true"
    >
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}

export function petAgeText(t: Translator, birthDate: string): string {
  const { years, months } = petAge(birthDate);
  if (years > 0) return t.plural("pet.age.years", years);
  if (months > 0) return t.plural("pet.age.months", months);
  return t("pet.age.newborn");
}

export function PetPhoto({ pet, t, size = 120 }: { pet: PetView; t: Translator; size?: number }) {
  if (!pet.photoKey) {
    return (
      <span class="pet-photo pet-photo--none" aria-hidden="true">
        <Icon name={pet.type === "CAT" ? "cat" : "dog"} />
      </span>
    );
  }
  return (
    <img
      class="pet-photo"
      src={mediaPath(pet.photoKey)}
      alt={t("pet.photo.alt", { name: pet.name })}
      width={size}
      height={size}
      loading="lazy"
    />
  );
}

/** Species, breed and age on one line. */
export function petSummary(t: Translator, pet: PetView): string {
  return [
    t(`pet.type.${pet.type}` as const),
    pet.breed,
    pet.birthDate ? petAgeText(t, pet.birthDate) : null,
  ].filter(Boolean).join(" · ");
}

/** A pet in a list; `href` links the name (owner only). */
export function PetCard({ pet, t, href }: { pet: PetView; t: Translator; href?: string }) {
  return (
    <li class="pet-card">
      <PetPhoto pet={pet} t={t} size={96} />
      <div class="pet-card__body">
        <h3 class="pet-card__name">{href ? <a href={href}>{pet.name}</a> : pet.name}</h3>
        <p class="pet-card__meta">{petSummary(t, pet)}</p>
        {pet.notes && !href && <p class="pet-card__notes">{pet.notes}</p>}
      </div>
    </li>
  );
}

type PetTextField = Exclude<typeof PET_FORM_FIELDS[number], "removePhoto">;
type PetField = PetTextField | "photo";

/** The pet form's fields in form order: core's text fields, then the photo (see `PetForm`). */
const PET_FIELDS: PetField[] = [
  ...PET_FORM_FIELDS.filter((f): f is PetTextField => f !== "removePhoto"),
  "photo",
];

export type PetFormValues = Partial<Record<PetTextField, string>>;

export function petFormValues(pet: PetView): PetFormValues {
  return {
    name: pet.name,
    type: pet.type,
    breed: pet.breed ?? "",
    birthDate: dateForInput(pet.birthDate),
    heightCm: pet.heightCm?.toString() ?? "",
    weightKg: pet.weightKg?.toString() ?? "",
    notes: pet.notes ?? "",
  };
}

/**
 * Add or edit a pet. The photo input comes last: browsers send parts in
 * order, so every text field is read even when the photo is refused.
 */
export function PetForm(
  { state, action, values, errors, submit, pet }: {
    state: State;
    action: string;
    values: PetFormValues;
    errors: FieldErrors;
    submit: string;
    /** The pet being edited (shows its photo and a "remove photo" box). */
    pet?: PetView;
  },
) {
  const { t } = state;
  const opt = t("form.optional");
  const { field, labels } = formBinding<PetField>({
    values,
    errors,
    label: (name) => t(`pet.${name}`),
  });
  return (
    <PostForm
      state={state}
      action={action}
      multipart
      errors={errors}
      labels={labels(PET_FIELDS)}
      submit={submit}
    >
      <Field {...field("name")} required autocomplete="off" input={{ maxLength: 50 }} />
      <SelectField
        {...field("type")}
        value={values.type ?? "DOG"}
        required
        options={[
          { value: "DOG", label: t("pet.type.DOG") },
          { value: "CAT", label: t("pet.type.CAT") },
        ]}
      />
      <Field {...field("breed")} required input={{ maxLength: 50 }} />
      <DateField {...field("birthDate")} hint={t("pet.birthDate.hint")} required />
      <div class="field-row">
        <Field {...field("heightCm")} optionalLabel={opt} input={{ inputMode: "decimal" }} />
        <Field {...field("weightKg")} optionalLabel={opt} input={{ inputMode: "decimal" }} />
      </div>
      <TextareaField
        {...field("notes")}
        hint={t("pet.notes.hint")}
        optionalLabel={opt}
        maxLength={500}
      />
      {pet?.photoKey && (
        <div class="pet-form__photo">
          <PetPhoto pet={pet} t={t} size={96} />
          <CheckboxField name="removePhoto" label={t("pet.photo.remove")} />
        </div>
      )}
      <FileField
        {...field("photo")}
        label={pet?.photoKey ? t("pet.photo.replace") : t("pet.photo")}
        hint={t("upload.hint")}
        accept={IMAGE_ACCEPT}
      />
    </PostForm>
  );
}

/** A pet's details on its page; what was not given is left out. */
export function PetFacts({ pet, t }: { pet: PetView; t: Translator }) {
  const facts: (Fact | null)[] = [
    { label: t("pet.type"), value: t(`pet.type.${pet.type}` as const) },
    pet.breed ? { label: t("pet.breed"), value: pet.breed } : null,
    pet.birthDate
      ? {
        label: t("pet.birthDate"),
        value: `${formatDate(t, pet.birthDate)} (${petAgeText(t, pet.birthDate)})`,
      }
      : null,
    pet.heightCm !== null ? { label: t("pet.heightCm"), value: t.number(pet.heightCm) } : null,
    pet.weightKg !== null ? { label: t("pet.weightKg"), value: t.number(pet.weightKg) } : null,
  ];
  return <Facts items={facts} />;
}

/**
 * The top of a profile: avatar, name, @username and role. The own profile
 * shows it as a section under the page title (`h2`); a public profile is
 * headed by it (`h1`). `children` adds lines under the name.
 */
export function ProfileHead(
  { profile: p, t, level, avatarSize, children }: {
    profile: Profile;
    t: Translator;
    level: 1 | 2;
    avatarSize?: number;
    children?: ComponentChildren;
  },
) {
  const name = p.fullName || p.username;
  const body = (
    <>
      <Avatar avatarKey={p.avatarKey} name={name} t={t} size={avatarSize} />
      <div>
        {level === 1
          ? <h1 class="profile-head__name">{name}</h1>
          : <h2 id="profile-name" class="profile-head__name">{name}</h2>}
        <p class="muted">
          @{p.username} · <span class="role-badge">{t(`profile.role.${p.role}` as const)}</span>
        </p>
        {children}
      </div>
    </>
  );
  return level === 1
    ? <header class="profile-head">{body}</header>
    : <section class="profile-head" aria-labelledby="profile-name">{body}</section>;
}

/** The pets section of a profile; `hrefOf` links each pet (its owner's view only). */
export function PetsSection(
  { pets, t, hrefOf, children }: {
    pets: PetView[];
    t: Translator;
    hrefOf?: (pet: PetView) => string;
    /** After the list (e.g. "add a pet"). */
    children?: ComponentChildren;
  },
) {
  return (
    <Section id="pets-title" class="profile-section" title={t("profile.pets")}>
      {pets.length
        ? (
          <ul class="pet-list">
            {pets.map((pet) => <PetCard key={pet.id} pet={pet} t={t} href={hrefOf?.(pet)} />)}
          </ul>
        )
        : <p class="muted">{t("profile.pets.empty")}</p>}
      {children}
    </Section>
  );
}

/** Telegram, Instagram and website as links (user content: nofollow); nothing when none is set. */
export function ContactsSection({ profile: p, t }: { profile: Profile; t: Translator }) {
  if (!p.telegram && !p.instagram && !p.website) return null;
  return (
    <Section id="contacts-title" class="profile-section" title={t("profile.contacts")}>
      <ul class="contact-list">
        {p.telegram && (
          <li>
            {t("profile.telegram")}:{" "}
            <a href={telegramUrl(p.telegram)} rel="noopener nofollow ugc">{p.telegram}</a>
          </li>
        )}
        {p.instagram && (
          <li>
            {t("profile.instagram")}:{" "}
            <a href={instagramUrl(p.instagram)} rel="noopener nofollow ugc">{p.instagram}</a>
          </li>
        )}
        {p.website && (
          <li>
            {t("profile.website")}: <a href={p.website} rel="noopener nofollow ugc">{p.website}</a>
          </li>
        )}
      </ul>
    </Section>
  );
}
