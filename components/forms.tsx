/**
 * Form building blocks shared by every page (and islands: this module only
 * imports preact). The markup follows one pattern, styled by the "Forms"
 * section of static/styles.css:
 *
 *   <form class="form">
 *     <ErrorSummary …/>                      .form-errors (focusable, lists links to fields)
 *     <Field name="email" label=… error=…/>  .field > label, .field-hint, .field-error, input
 *     <CheckboxField …/>                     .field.checkbox
 *     <div class="form-actions">…buttons…</div>
 *   </form>
 *
 * Every error is tied to its input with `aria-invalid` and
 * `aria-describedby`, so screen readers read it with the field.
 */
import type { ComponentChildren, JSX } from "preact";
import type { FieldErrors } from "../core/validation.ts";

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
    <div class={p.error ? "field field--invalid" : "field"}>
      <Label id={id} label={p.label} optionalLabel={p.optionalLabel} />
      {p.hint && <p class="field-hint" id={`${id}-hint`}>{p.hint}</p>}
      {p.error && <p class="field-error" id={`${id}-error`}>{p.error}</p>}
      <input
        {...p.input}
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value ?? ""}
        required={p.required}
        autocomplete={p.autocomplete}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={describedBy(id, p.hint, p.error, p.describedById)}
      />
      {p.children}
    </div>
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
    <div class={p.error ? "field field--invalid" : "field"}>
      <Label id={id} label={p.label} optionalLabel={p.optionalLabel} />
      {p.hint && <p class="field-hint" id={`${id}-hint`}>{p.hint}</p>}
      {p.error && <p class="field-error" id={`${id}-error`}>{p.error}</p>}
      <select
        id={id}
        name={p.name}
        required={p.required}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={describedBy(id, p.hint, p.error)}
      >
        {p.options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang} selected={o.value === p.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
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
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={describedBy(id, p.hint, p.error)}
      />
      <div class="checkbox__text">
        <Label id={id} label={p.label} optionalLabel={p.optionalLabel} />
        {p.hint && <p class="field-hint" id={`${id}-hint`}>{p.hint}</p>}
        {p.error && <p class="field-error" id={`${id}-error`}>{p.error}</p>}
      </div>
    </div>
  );
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

/** A short success or information message after a form was handled (PRG target). */
export function FormNotice(
  { kind = "success", children }: { kind?: "success" | "info"; children: ComponentChildren },
) {
  return <div class={`form-notice form-notice--${kind}`} role="status">{children}</div>;
}
