/**
 * Shared by the training API routes: the JSON of a step action and of a
 * refused action (in the user's language).
 */
import { z } from "zod";
import type { Translator } from "@/core/i18n/mod.ts";
import { TrainingError } from "@/core/training/errors.ts";
import { type ActionResult, stepState } from "@/core/training/steps.ts";
import { jsonError } from "@/http/errors.ts";

/** `{ step, day, course, celebrate }` after an action (day/course null when nothing changed). */
export function actionJson(r: ActionResult, now = new Date()) {
  return {
    step: stepState(r.row, r.ctx.durationSec, now),
    day: r.rollup ? { status: r.rollup.day.after } : null,
    course: r.rollup ? { status: r.rollup.course.after } : null,
    celebrate: r.rollup?.celebrate ?? null,
  };
}

/** A refused action as `{ error, message, …details }` with its status. */
export function trainingErrorJson(err: TrainingError, t: Translator): Response {
  return Response.json({
    error: err.code,
    message: t(err.messageKey, stringVars(err.data)),
    ...err.data,
  }, { status: err.status });
}

function stringVars(data: Record<string, string | number | null>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(data)) if (v !== null) out[k] = v;
  return out;
}

/** Runs an action; a TrainingError becomes its JSON answer, other errors go on to the app. */
export async function answer(t: Translator, fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TrainingError) return trainingErrorJson(err, t);
    throw err;
  }
}

/** A JSON body that may be empty (`{}`), size-limited. */
export async function jsonBody(req: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw Object.assign(new Error("request body too large"), { status: 413 });
  const text = await req.text();
  if (text.length > maxBytes) {
    throw Object.assign(new Error("request body too large"), { status: 413 });
  }
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new z.ZodError([{
      code: "custom",
      path: [],
      message: "validation.invalid",
      input: text,
    }]);
  }
}

export { jsonError };
