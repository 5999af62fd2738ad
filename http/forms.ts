/**
 * Reading request bodies once. The CSRF check and the handler both need the
 * fields of a urlencoded form; the parsed form is kept on the context so the
 * body is read a single time. Multipart bodies are never read here: uploads
 * stream (see the upload handlers), and carry their CSRF token in a header or
 * in the form's action URL.
 */
import type { Context } from "@/framework/mod.ts";
import { AppError, invalidInput } from "@/core/app_error.ts";
import { concatBytes } from "@/platform/encoding.ts";

const FORM = Symbol("form");
const MAX_FORM_BYTES = 256 * 1024;

type WithForm = { [FORM]?: Promise<URLSearchParams> };

export function isUrlencoded(req: Request): boolean {
  return (req.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded");
}

export class BodyTooLargeError extends AppError {
  constructor() {
    super(413, "too_large", "error.413.text", { message: "request body too large" });
    this.name = "BodyTooLargeError";
  }
}

/** The fields of a urlencoded body (empty for other content types). */
export function readForm(ctx: Context<unknown>): Promise<URLSearchParams> {
  const c = ctx as unknown as WithForm;
  return c[FORM] ??= (async () => {
    if (!isUrlencoded(ctx.req) || !ctx.req.body) return new URLSearchParams();
    return new URLSearchParams(await readLimitedText(ctx.req, MAX_FORM_BYTES));
  })();
}

/** Form fields as a plain object (repeated names keep the last value; `list` keeps all). */
export async function formObject(
  ctx: Context<unknown>,
  list: string[] = [],
): Promise<Record<string, string | string[]>> {
  const form = await readForm(ctx);
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    out[key] = list.includes(key) ? form.getAll(key) : form.get(key)!;
  }
  return out;
}

/**
 * The body as text, refusing more than `maxBytes` (by its declared length,
 * or while reading, so a chunked body is not read past the limit).
 */
export async function readLimitedText(req: Request, maxBytes: number): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) {
    await req.body?.cancel().catch(() => {});
    throw new BodyTooLargeError();
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(concatBytes(...chunks));
}

/**
 * The one JSON body reader of the API: size-limited (413 `too_large`); an
 * empty body is `{}` (actions without parameters); anything that is not JSON
 * is 400 `invalid`. The caller validates the value with zod.
 */
export async function readJson(ctx: Context<unknown>, maxBytes = 256 * 1024): Promise<unknown> {
  const text = await readLimitedText(ctx.req, maxBytes);
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput("the body is not valid JSON");
  }
}

/**
 * The named text fields of a submitted form, to show it again as it was
 * typed (files and unknown fields left out).
 */
export function typedValues<F extends string>(
  form: Record<string, unknown>,
  fields: readonly F[],
): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {};
  for (const k of fields) {
    const v = form[k];
    if (typeof v === "string") out[k] = v;
  }
  return out;
}
