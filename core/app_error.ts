/**
 * The one shape of an error a person may see. Core code throws an AppError
 * (or a subclass named after its case) when it refuses something: a status,
 * a stable `code` for clients, the i18n key of the message, extra `data` for
 * the JSON answer and, for a form, messages by field. `http/errors.ts` turns
 * any AppError into a response in the user's language; anything else thrown
 * is a bug, answered with a 500 that never shows its own text.
 */
import type { MessageKey, Translator } from "./i18n/mod.ts";

export type MessageVars = Record<string, string | number>;

/** A field's message: its key, or its key with variables. */
export type FieldMessage = MessageKey | { key: MessageKey; vars?: MessageVars };

export interface AppErrorInit {
  /** Extra fields of the JSON answer (e.g. which timer runs); non-null ones are message variables too. */
  data?: Record<string, string | number | null>;
  /** Message variables beyond `data`. */
  vars?: MessageVars;
  /** Field → message, for a form re-rendered with its values (`_form`: the whole form). */
  fields?: Record<string, FieldMessage>;
  /** Headers the answer carries (e.g. Retry-After). */
  headers?: Record<string, string>;
  /** English text for logs (never shown to users); defaults to the code. */
  message?: string;
}

export class AppError extends Error {
  readonly data: Record<string, string | number | null>;
  readonly vars: MessageVars;
  fields?: Record<string, FieldMessage>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: MessageKey,
    init: AppErrorInit = {},
  ) {
    super(init.message ?? code);
    this.name = "AppError";
    this.data = init.data ?? {};
    this.vars = init.vars ?? {};
    this.fields = init.fields;
    this.headers = init.headers;
  }

  /** The message in the user's language. */
  describe(t: Translator): string {
    const vars: MessageVars = { ...this.vars };
    for (const [k, v] of Object.entries(this.data)) if (v !== null) vars[k] = v;
    return t(this.messageKey, vars);
  }

  /** Field messages in the user's language (undefined when the error names no field). */
  fieldMessages(t: Translator): Record<string, string> | undefined {
    if (!this.fields) return undefined;
    const out: Record<string, string> = {};
    for (const [field, m] of Object.entries(this.fields)) {
      out[field] = typeof m === "string" ? t(m) : t(m.key, m.vars);
    }
    return out;
  }
}

/** A 400 with a message for the whole form or request (bad JSON, a malformed query). */
export function invalidInput(message = "invalid input"): AppError {
  return new AppError(400, "invalid", "error.400.text", { message });
}
