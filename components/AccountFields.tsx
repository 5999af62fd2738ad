/**
 * The account fields several forms ask for in the same way: sign-in name,
 * email, current password, new password twice. Limits match the schemas in
 * core/users.ts and core/auth/ (the server checks again).
 */
import type { Translator } from "@/core/i18n/mod.ts";
import { Field, type FieldErrors } from "./forms.tsx";

const PASSWORD_INPUT = { maxLength: 100 };

/** A username or email to sign in with (login, forgotten password). */
export function LoginField({ t, value, error }: { t: Translator; value: string; error?: string }) {
  return (
    <Field
      name="login"
      label={t("auth.field.login")}
      error={error}
      value={value}
      required
      autocomplete="username"
      input={{ maxLength: 254, autocapitalize: "none", spellcheck: false }}
    />
  );
}

/** The account's email: optional (it is for password resets), checked by the server. */
export function EmailField(
  { t, value, error, hint, id }: {
    t: Translator;
    value: string;
    error?: string;
    /** Why we ask, which differs between registration and settings. */
    hint: string;
    id?: string;
  },
) {
  return (
    <Field
      id={id}
      name="email"
      type="email"
      label={t("auth.field.email")}
      optionalLabel={t("form.optional")}
      hint={hint}
      error={error}
      value={value}
      autocomplete="email"
      input={{ maxLength: 254 }}
    />
  );
}

/** The password the user has now (never echoed back). */
export function CurrentPasswordField(
  { t, error, id, name = "currentPassword", label = t("auth.field.currentPassword") }: {
    t: Translator;
    error?: string;
    id?: string;
    name?: string;
    label?: string;
  },
) {
  return (
    <Field
      id={id}
      name={name}
      type="password"
      label={label}
      error={error}
      required
      autocomplete="current-password"
      input={PASSWORD_INPUT}
    />
  );
}

/** A new password and its repeat, with the password rules as the hint. */
export function NewPasswordFields(
  { t, errors, label, idPrefix = "" }: {
    t: Translator;
    errors: FieldErrors;
    /** "Password" on registration, "New password" when changing it. */
    label: string;
    /** For pages with several forms (ids must be unique). */
    idPrefix?: string;
  },
) {
  return (
    <>
      <Field
        id={`${idPrefix}password`}
        name="password"
        type="password"
        label={label}
        hint={t("auth.field.password.hint")}
        error={errors.password}
        required
        autocomplete="new-password"
        input={PASSWORD_INPUT}
      />
      <Field
        id={`${idPrefix}passwordRepeat`}
        name="passwordRepeat"
        type="password"
        label={t("auth.field.passwordRepeat")}
        error={errors.passwordRepeat}
        required
        autocomplete="new-password"
        input={PASSWORD_INPUT}
      />
    </>
  );
}
