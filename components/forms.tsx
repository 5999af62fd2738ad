/**
 * Form building blocks shared by every page (and islands: this module only
 * imports preact). The markup follows one pattern, styled by the "Forms"
 * section of static/styles.css:
 *
 *   <form class="form">                      pages: <PostForm> (components/PostForm.tsx) adds
 *     <ErrorSummary …/>                      the CSRF field, hidden fields and these two rows
 *     <Field name="email" label=… error=…/>  .field > label, .field-hint, .field-error, input
 *     <CheckboxField …/>                     .field.checkbox
 *     <FormActions submit=…/>                .form-actions > button
 *   </form>
 *
 * Fields: Field, DateField, TextareaField, SelectField, FileField,
 * CheckboxField, Fieldset (a group: radios, related checkboxes); account
 * fields in components/AccountFields.tsx. After a redirect: FormNotice.
 * Every error is tied to its control with `aria-invalid` and
 * `aria-describedby`, so screen readers read it with the field.
 */
import type { ComponentChildren, JSX } from "preact";
import type { FieldErrors } from "@/core/validation.ts";

export type { FieldErrors };

interface BaseProps {
  name: string;
  label: ComponentChildren;
  /** Element id (default: the name); must be unique on the page. */
  id?: string;
  hint?: ComponentChildren;
  error?: string;
  /** Shown after the label, e.g. "optional" (translated by the caller). */
  optionalLabel?: string;
}

function describedBy(
  id: string,
  hint: unknown,
  error: unknown,
  extra?: string,
): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : "", extra ?? ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** The attributes that tie a control to its hint and error. */
function ariaOf(id: string, p: BaseProps, extra?: string) {
  return {
    "aria-invalid": p.error ? "true" as const : undefined,
    "aria-describedby": describedBy(id, p.hint, p.error, extra),
  };
}

function Label(
  { id, label, optionalLabel }: { id: string; label: ComponentChildren; optionalLabel?: string },
) {
  return (
    <label for={id}>
      {label}
      {optionalLabel && <span class="field-optional">({optionalLabel})</span>}
    </label>
  );
}

function HintAndError(
  { id, hint, error }: { id: string; hint?: ComponentChildren; error?: string },
) {
  return (
    <>
      {hint && <p class="field-hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </>
  );
}

/** Label, hint and error above one control (`children`), the frame of every field. */
function FieldFrame(
  { id, p, children }: { id: string; p: BaseProps; children: ComponentChildren },
) {
  return (
    <div class={p.error ? "field field--invalid" : "field"}>
      <Label id={id} label={p.label} optionalLabel={p.optionalLabel} />
      <HintAndError id={id} hint={p.hint} error={p.error} />
      {children}
    </div>
  );
}

export interface FieldProps extends BaseProps {
  type?: "text" | "email" | "password" | "search" | "url" | "tel" | "number" | "date" | "time";
  value?: string;
  required?: boolean;
  autocomplete?: string;
  /** Any other input attribute (minLength, pattern, inputMode, onInput in islands …). */
  input?: JSX.InputHTMLAttributes<HTMLInputElement>;
  /** Extra id for aria-describedby (e.g. a live status line rendered in `children`). */
  describedById?: string;
  /** Rendered after the input (e.g. a live status line). */
  children?: ComponentChildren;
}

/** A labelled input with its hint and error message. */
export function Field(p: FieldProps) {
  const id = p.id ?? p.name;
  return (
    <FieldFrame id={id} p={p}>
      <input
        {...p.input}
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value ?? ""}
        required={p.required}
        autocomplete={p.autocomplete}
        {...ariaOf(id, p, p.describedById)}
      />
      {p.children}
    </FieldFrame>
  );
}

/**
 * A calendar date typed as ДД.ММ.ГГГГ (core/fields.ts `parseDateInput` reads
 * it). The hint shows the format and doubles as the placeholder; phones get
 * the digit keyboard.
 */
export function DateField(p: Omit<FieldProps, "type"> & { hint: string }) {
  return (
    <Field
      {...p}
      input={{ inputMode: "numeric", placeholder: p.hint, maxLength: 10, ...p.input }}
    />
  );
}

export interface TextareaFieldProps extends BaseProps {
  value?: string;
  rows?: number;
  maxLength?: number;
  required?: boolean;
}

/** A multi-line text field in the same markup as `Field`. */
export function TextareaField(p: TextareaFieldProps) {
  const id = p.id ?? p.name;
  return (
    <FieldFrame id={id} p={p}>
      <textarea
        id={id}
        name={p.name}
        rows={p.rows ?? 4}
        maxLength={p.maxLength}
        required={p.required}
        {...ariaOf(id, p)}
        value={p.value ?? ""}
      />
    </FieldFrame>
  );
}

export interface FileFieldProps extends BaseProps {
  /** MIME types the picker offers (the server checks the bytes anyway). */
  accept?: string;
  required?: boolean;
}

/** A file input; its form must be multipart (`<PostForm multipart>`). */
export function FileField(p: FileFieldProps) {
  const id = p.id ?? p.name;
  return (
    <FieldFrame id={id} p={p}>
      <input
        id={id}
        name={p.name}
        type="file"
        accept={p.accept}
        required={p.required}
        {...ariaOf(id, p)}
      />
    </FieldFrame>
  );
}

export interface SelectFieldProps extends BaseProps {
  value?: string;
  options: { value: string; label: string; lang?: string }[];
  required?: boolean;
}

export function SelectField(p: SelectFieldProps) {
  const id = p.id ?? p.name;
  return (
    <FieldFrame id={id} p={p}>
      <select id={id} name={p.name} required={p.required} {...ariaOf(id, p)}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export interface CheckboxFieldProps extends BaseProps {
  checked?: boolean;
  required?: boolean;
  /** Sent when checked (default "on"). */
  value?: string;
}

/** A checkbox with its label to the right; hint and error below. */
export function CheckboxField(p: CheckboxFieldProps) {
  const id = p.id ?? p.name;
  return (
    <div class={p.error ? "field checkbox field--invalid" : "field checkbox"}>
      <input
        id={id}
        name={p.name}
        type="checkbox"
        value={p.value ?? "on"}
        checked={p.checked}
        required={p.required}
        {...ariaOf(id, p)}
      />
      <div class="checkbox__text">
        <Label id={id} label={p.label} optionalLabel={p.optionalLabel} />
        <HintAndError id={id} hint={p.hint} error={p.error} />
      </div>
    </div>
  );
}

/**
 * A group of controls under one caption (radio buttons, related checkboxes).
 * With an `id`, an error is shown under the legend and read with the group,
 * and the error summary can link to it.
 */
export function Fieldset(
  { legend, id, error, class: extra, children }: {
    legend: ComponentChildren;
    id?: string;
    error?: string;
    /** More classes (e.g. the look of a rating input). */
    class?: string;
    children: ComponentChildren;
  },
) {
  const cls = ["fieldset", extra, error ? "field--invalid" : ""].filter(Boolean).join(" ");
  return (
    <fieldset
      id={id}
      class={cls}
      aria-describedby={id && error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      {id && error && <p class="field-error" id={`${id}-error`}>{error}</p>}
      {children}
    </fieldset>
  );
}

/**
 * Ties a form's fields to its values, errors and labels, so each field is
 * written once: `<Field {...field("breed")} required />`, and the error
 * summary gets the same labels (`labels(["breed", …])`). Checkboxes take
 * `checked`, not a value: give them only `name` and `label`.
 */
export function formBinding<K extends string>(
  { values, errors, label, idPrefix = "" }: {
    values: Partial<Record<K, string>>;
    errors: FieldErrors;
    label: (name: K) => string;
    idPrefix?: string;
  },
) {
  return {
    field: (
      name: K,
    ): { id: string; name: K; label: string; value?: string; error?: string } => ({
      id: idPrefix + name,
      name,
      label: label(name),
      value: values[name],
      error: errors[name],
    }),
    labels: (names: readonly K[]): Record<string, string> =>
      Object.fromEntries(names.map((n) => [n, label(n)])),
  };
}

/**
 * The list of a form's errors, shown above it after a failed submit. Field
 * errors link to their inputs (`#<idPrefix><field>`); `_form` is a message
 * for the whole form. `autofocus` moves focus here so keyboard and
 * screen-reader users hear what went wrong.
 */
export function ErrorSummary(
  { errors, title, idPrefix = "", labels = {} }: {
    errors: FieldErrors;
    title: string;
    idPrefix?: string;
    /** Field labels, so the list reads "Email: …" rather than the bare message. */
    labels?: Record<string, string>;
  },
) {
  const entries = Object.entries(errors);
  if (!entries.length) return null;
  const general = errors._form;
  const fields = entries.filter(([k]) => k !== "_form");
  return (
    <div class="form-errors" role="alert" tabIndex={-1} autofocus>
      {general && <p class="form-errors__general">{general}</p>}
      {fields.length > 0 && (
        <>
          <p class="form-errors__title">{title}</p>
          <ul>
            {fields.map(([field, message]) => (
              <li key={field}>
                <a href={`#${idPrefix}${field}`}>
                  {labels[field] ? `${labels[field]}: ${message}` : message}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** How a button looks: the default, the one main action, quiet, or destructive. */
export type ButtonVariant = "default" | "primary" | "ghost" | "danger";

export function buttonClass(variant: ButtonVariant = "default"): string {
  return variant === "default" ? "button" : `button button--${variant}`;
}

/** The row under a form: its submit button, then anything else (a link, a second button). */
export function FormActions(
  { submit, variant = "primary", children }: {
    submit: ComponentChildren;
    variant?: ButtonVariant;
    children?: ComponentChildren;
  },
) {
  return (
    <div class="form-actions">
      <button type="submit" class={buttonClass(variant)}>{submit}</button>
      {children}
    </div>
  );
}

/** Hidden inputs for the given fields; empty values are left out. */
export function HiddenFields({ fields }: { fields?: Record<string, string | null | undefined> }) {
  if (!fields) return null;
  return (
    <>
      {Object.entries(fields).map(([name, value]) =>
        value ? <input key={name} type="hidden" name={name} value={value} /> : null
      )}
    </>
  );
}

/** A short success or information message after a form was handled (PRG target). */
export function FormNotice(
  { kind = "success", children }: { kind?: "success" | "info"; children: ComponentChildren },
) {
  return <div class={`form-notice form-notice--${kind}`} role="status">{children}</div>;
}
