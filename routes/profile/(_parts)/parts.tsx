/**
 * Pieces shared by the profile, pet and public profile pages: avatar, pet
 * card and facts, the pet form (fields and photo in one multipart form,
 * so it works without JavaScript), and a textarea in the shared form markup.
 */
import type { State } from "../../../define.ts";
import type { Translator } from "../../../core/i18n/mod.ts";
import { mediaPath } from "../../../core/courses.ts";
import { petAge, type PetView } from "../../../core/pets.ts";
import { instagramUrl, type Profile, telegramUrl } from "../../../core/profile.ts";
import { CSRF_FIELD } from "../../../http/csrf.ts";
import {
  CheckboxField,
  ErrorSummary,
  Field,
  type FieldErrors,
  SelectField,
} from "../../../components/forms.tsx";

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

/** A multipart form's action: the CSRF token travels in the URL (the body streams). */
export function uploadAction(path: string, state: State): string {
  return `${path}?${CSRF_FIELD}=${encodeURIComponent(state.csrf())}`;
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

export function TextareaField(
  { name, label, value, error, hint, rows = 4, maxLength, optionalLabel }: {
    name: string;
    label: string;
    value?: string;
    error?: string;
    hint?: string;
    rows?: number;
    maxLength?: number;
    optionalLabel?: string;
  },
) {
  const describedBy = [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean)
    .join(" ") || undefined;
  return (
    <div class={error ? "field field--invalid" : "field"}>
      <label for={name}>
        {label}
        {optionalLabel && <span class="field-optional">({optionalLabel})</span>}
      </label>
      {hint && <p class="field-hint" id={`${name}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${name}-error`}>{error}</p>}
      <textarea
        id={name}
        name={name}
        rows={rows}
        maxLength={maxLength}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy}
      >
        {value ?? ""}
      </textarea>
    </div>
  );
}

/** A file input in the shared field markup. */
export function FileField(
  { name, label, error, hint, required }: {
    name: string;
    label: string;
    error?: string;
    hint?: string;
    required?: boolean;
  },
) {
  const describedBy = [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean)
    .join(" ") || undefined;
  return (
    <div class={error ? "field field--invalid" : "field"}>
      <label for={name}>{label}</label>
      {hint && <p class="field-hint" id={`${name}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${name}-error`}>{error}</p>}
      <input
        id={name}
        name={name}
        type="file"
        accept="image/jpeg,image/png,image/webp"
        required={required}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy}
      />
    </div>
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
        {pet.type === "CAT" ? "🐈" : "🐕"}
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

export type PetFormValues = Partial<
  Record<
    "name" | "type" | "breed" | "birthDate" | "heightCm" | "weightKg" | "notes",
    string
  >
>;

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
  return (
    <form
      class="form"
      method="post"
      action={uploadAction(action, state)}
      enctype="multipart/form-data"
      novalidate
    >
      <ErrorSummary
        errors={errors}
        title={t("form.errors.title")}
        labels={{
          name: t("pet.name"),
          type: t("pet.type"),
          breed: t("pet.breed"),
          birthDate: t("pet.birthDate"),
          heightCm: t("pet.heightCm"),
          weightKg: t("pet.weightKg"),
          notes: t("pet.notes"),
          photo: t("pet.photo"),
        }}
      />
      <Field
        name="name"
        label={t("pet.name")}
        value={values.name}
        error={errors.name}
        required
        autocomplete="off"
        input={{ maxLength: 50 }}
      />
      <SelectField
        name="type"
        label={t("pet.type")}
        value={values.type ?? "DOG"}
        error={errors.type}
        required
        options={[
          { value: "DOG", label: t("pet.type.DOG") },
          { value: "CAT", label: t("pet.type.CAT") },
        ]}
      />
      <Field
        name="breed"
        label={t("pet.breed")}
        value={values.breed}
        error={errors.breed}
        required
        input={{ maxLength: 50 }}
      />
      <Field
        name="birthDate"
        label={t("pet.birthDate")}
        hint={t("pet.birthDate.hint")}
        value={values.birthDate}
        error={errors.birthDate}
        required
        input={{ inputMode: "numeric", placeholder: t("pet.birthDate.hint"), maxLength: 10 }}
      />
      <div class="field-row">
        <Field
          name="heightCm"
          label={t("pet.heightCm")}
          optionalLabel={opt}
          value={values.heightCm}
          error={errors.heightCm}
          input={{ inputMode: "decimal" }}
        />
        <Field
          name="weightKg"
          label={t("pet.weightKg")}
          optionalLabel={opt}
          value={values.weightKg}
          error={errors.weightKg}
          input={{ inputMode: "decimal" }}
        />
      </div>
      <TextareaField
        name="notes"
        label={t("pet.notes")}
        hint={t("pet.notes.hint")}
        optionalLabel={opt}
        value={values.notes}
        error={errors.notes}
        maxLength={500}
      />
      {pet?.photoKey && (
        <div class="pet-form__photo">
          <PetPhoto pet={pet} t={t} size={96} />
          <CheckboxField name="removePhoto" label={t("pet.photo.remove")} />
        </div>
      )}
      <FileField
        name="photo"
        label={pet?.photoKey ? t("pet.photo.replace") : t("pet.photo")}
        hint={t("upload.hint")}
        error={errors.photo}
      />
      <div class="form-actions">
        <button type="submit" class="button button--primary">{submit}</button>
      </div>
    </form>
  );
}

/** Telegram, Instagram and website as links (user content: nofollow). */
export function Contacts({ profile: p, t }: { profile: Profile; t: Translator }) {
  return (
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
  );
}
