/**
 * Server-rendered POST forms: the frame every page form shares (CSRF token,
 * hidden fields, error summary, submit row) and a one-button form. Kept out
 * of forms.tsx because the CSRF helpers are server code and that module is
 * bundled into islands.
 */
import type { ComponentChildren } from "preact";
import type { State } from "@/define.ts";
import { CSRF_FIELD } from "@/http/csrf.ts";
import { CsrfField } from "./CsrfField.tsx";
import {
  buttonClass,
  type ButtonVariant,
  ErrorSummary,
  type FieldErrors,
  FormActions,
  HiddenFields,
} from "./forms.tsx";

/** A multipart form's action: the CSRF token travels in the URL (the body streams). */
export function csrfAction(path: string, state: State): string {
  const sep = path.includes("?") ? "&" : "?";
  return `${path}${sep}${CSRF_FIELD}=${encodeURIComponent(state.csrf())}`;
}

export interface PostFormProps {
  state: State;
  action: string;
  /** Hidden fields such as `_action` or `next`; empty values are left out. */
  hidden?: Record<string, string | null | undefined>;
  /** A file upload: multipart body, the CSRF token in the action URL. */
  multipart?: boolean;
  /** After a refused submit: listed above the fields, linked to them. */
  errors?: FieldErrors;
  /** Field labels for the error list ("Email: …"). */
  labels?: Record<string, string>;
  /** Prefix of the field ids, when one page has several forms with the same fields. */
  idPrefix?: string;
  submit: ComponentChildren;
  variant?: ButtonVariant;
  /** After the submit button (e.g. a "forgot password?" link). */
  aside?: ComponentChildren;
  /** More classes next to `form`. */
  class?: string;
  children?: ComponentChildren;
}

/**
 * A plain POST form in the shared markup. Validation is the server's (the
 * answer comes back with the errors), so the browser's own is switched off.
 */
export function PostForm(p: PostFormProps) {
  return (
    <form
      class={p.class ? `form ${p.class}` : "form"}
      method="post"
      action={p.multipart ? csrfAction(p.action, p.state) : p.action}
      enctype={p.multipart ? "multipart/form-data" : undefined}
      novalidate
    >
      {p.errors && (
        <ErrorSummary
          errors={p.errors}
          title={p.state.t("form.errors.title")}
          idPrefix={p.idPrefix}
          labels={p.labels}
        />
      )}
      {!p.multipart && <CsrfField state={p.state} />}
      <HiddenFields fields={p.hidden} />
      {p.children}
      <FormActions submit={p.submit} variant={p.variant}>{p.aside}</FormActions>
    </form>
  );
}

/** A form that is just one button (remove, delete, moderate …). */
export function ButtonForm(
  { state, action, hidden, label, variant, class: cls }: {
    state: State;
    action: string;
    hidden?: Record<string, string | null | undefined>;
    label: ComponentChildren;
    variant?: ButtonVariant;
    class?: string;
  },
) {
  return (
    <form method="post" action={action} class={cls}>
      <CsrfField state={state} />
      <HiddenFields fields={hidden} />
      <button type="submit" class={buttonClass(variant)}>{label}</button>
    </form>
  );
}
