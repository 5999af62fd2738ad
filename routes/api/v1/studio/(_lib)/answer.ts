/**
 * The studio API's answers that carry more than `mapError` can put in an
 * error body: a refused reorder (409) with the list as it is now, so the
 * client shows it instead of guessing, and a refused publish (422) with what
 * is missing. Every other error goes to `mapError` as usual.
 */
import type { Context } from "@/framework/mod.ts";
import type { State } from "@/define.ts";
import { OrderConflictError } from "@/core/studio/order.ts";
import { CourseIncompleteError } from "@/core/studio/courses.ts";

export const NO_STORE = { "cache-control": "no-store" };

/** `save()`'s answer, or on an order conflict 409 with `current()` (the list now). */
export async function savingOrder(
  ctx: Context<State>,
  save: () => Promise<Record<string, unknown>>,
  current: () => Promise<Record<string, unknown>>,
): Promise<Response> {
  try {
    return Response.json(await save(), { headers: NO_STORE });
  } catch (err) {
    if (!(err instanceof OrderConflictError)) throw err;
    const body = { error: err.code, message: err.describe(ctx.state.t), ...(await current()) };
    return Response.json(body, { status: 409, headers: NO_STORE });
  }
}

/** `publish()`'s answer, or 422 with each missing thing in the user's language. */
export async function publishing(
  ctx: Context<State>,
  publish: () => Promise<Record<string, unknown>>,
): Promise<Response> {
  try {
    return Response.json(await publish(), { headers: NO_STORE });
  } catch (err) {
    if (!(err instanceof CourseIncompleteError)) throw err;
    const t = ctx.state.t;
    const body = { error: err.code, message: err.describe(t), problems: err.problemMessages(t) };
    return Response.json(body, { status: 422, headers: NO_STORE });
  }
}
