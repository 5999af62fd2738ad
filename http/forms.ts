/**
 * Reading request bodies once. The CSRF check and the handler both need the
 * fields of a urlencoded form; the parsed form is kept on the context so the
 * body is read a single time. Multipart bodies are never read here: uploads
 * stream (see the upload handlers), and carry their CSRF token in a header or
 * in the form's action URL.
 */
import type { Context } from "@/framework/mod.ts";

const FORM = Symbol("form");
const MAX_FORM_BYTES = 256 * 1024;

type WithForm = { [FORM]?: Promise<URLSearchParams> };

export function isUrlencoded(req: Request): boolean {
  return (req.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded");
}

export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor() {
    super("request body too large");
    this.name = "BodyTooLargeError";
  }
}

/** The fields of a urlencoded body (empty for other content types). */
export function readForm(ctx: Context<unknown>): Promise<URLSearchParams> {
  const c = ctx as unknown as WithForm;
  return c[FORM] ??= (async () => {
    if (!isUrlencoded(ctx.req) || !ctx.req.body) return new URLSearchParams();
    const length = Number(ctx.req.headers.get("content-length") ?? 0);
    if (length > MAX_FORM_BYTES) throw new BodyTooLargeError();
    const text = await ctx.req.text();
    if (text.length > MAX_FORM_BYTES) throw new BodyTooLargeError();
    return new URLSearchParams(text);
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

/** A JSON body with a size limit; throws a 400-status error when it is not JSON. */
export async function readJson(ctx: Context<unknown>, maxBytes = 256 * 1024): Promise<unknown> {
  const length = Number(ctx.req.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw new BodyTooLargeError();
  const text = await ctx.req.text();
  if (text.length > maxBytes) throw new BodyTooLargeError();
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error("the body is not valid JSON"), { status: 400 });
  }
}
