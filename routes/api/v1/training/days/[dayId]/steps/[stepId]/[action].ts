/**
 * `POST /api/v1/training/days/<dayOnCourseId>/steps/<stepOnDayId>/<action>`
 * (JSON, `X-CSRF-Token`), on the signed-in learner's own step there (their
 * first action on the day creates their progress rows):
 *
 * - `start`, `resume` `{ pauseOther? }` — 409 `timer_running` names the
 *   learner's other running timer (`runningStepId`, `title`, `url`);
 * - `pause`, `reset`, `complete` `{}` — `complete` of a THEORY step marks it
 *   read; of a timer before its end it is 409 `too_early` (with `remainingMs`);
 * - `diary` `{ content }`;
 * - `exam` `{ answers: { <questionId>: optionIndex }, written?, videoKey? }`.
 *
 * 200 `{ step, day, course, celebrate }` (+ `exam` or `entry`). 400 invalid
 * body (field messages), 404 no such step on that day or a course the
 * learner may not see, 403 locked day.
 *
 * Offline clients (islands/offline/queue.ts) add:
 * - `Idempotency-Key` (a uuid made when the action happened): the action is
 *   done once; a replay gets the same answer and changes nothing, the key
 *   with another body is 422 (http/idempotency.ts);
 * - `at` in the body (ISO time of the action on the client) and the header
 *   `X-Client-Sent-At` (the client's clock when sending): the action applies
 *   at that time within the rules of core/offline/client_time.ts, and the
 *   answer's `clock` says what was applied (`clamped`: why not as asked).
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { NotFoundError, requireUser } from "@/core/auth/guards.ts";
import {
  type ActionResult,
  completeStep,
  pauseStep,
  resetStep,
  resumeStep,
  startStep,
} from "@/core/training/steps.ts";
import { diarySchema, saveDiary } from "@/core/training/diary.ts";
import { submitExam, WRITTEN_MAX } from "@/core/training/exams.ts";
import { readJson } from "@/http/forms.ts";
import { actionJson } from "@/routes/api/v1/training/(_lib)/respond.ts";
import { stepActionSchema } from "@/core/training/actions.ts";
import type { ApiDoc } from "@/http/api_doc.ts";
import { errorResponses, stepActionResultSchema } from "@/http/api_schemas.ts";
import {
  appliedTimeJson,
  CLIENT_SENT_AT_HEADER,
  type ClientTime,
} from "@/core/offline/client_time.ts";
import { idempotent } from "@/http/idempotency.ts";

/** A diary entry or an exam's written answer fits; a video travels separately. */
const MAX_BODY_BYTES = 64 * 1024;
const startSchema = z.object({ pauseOther: z.boolean().optional() });
const atSchema = z.object({ at: z.iso.datetime({ offset: true }).optional() });
const sentAtSchema = z.iso.datetime({ offset: true });

/** The client's time of the action, when it sent one (`at`, and its clock at sending). */
function clientTime(body: unknown, sentAtHeader: string | null): ClientTime | undefined {
  const { at } = atSchema.parse(body ?? {});
  if (!at) return undefined;
  const sentAt = sentAtSchema.safeParse(sentAtHeader);
  return { at: new Date(at), sentAt: sentAt.success ? new Date(sentAt.data) : undefined };
}

export const handler = define.handlers({
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    const action = stepActionSchema.safeParse(ctx.params.action);
    if (!action.success) throw new NotFoundError();
    const ref = { dayOnCourseId: ctx.params.dayId, stepOnDayId: ctx.params.stepId };
    const body = await readJson(ctx, MAX_BODY_BYTES);
    return await idempotent(ctx, user.id, body, async () => {
      const client = clientTime(body, ctx.req.headers.get(CLIENT_SENT_AT_HEADER));
      const opts = { client };
      const clock = (r: ActionResult) => r.clock ? { clock: appliedTimeJson(r.clock) } : {};
      switch (action.data) {
        case "start":
        case "resume": {
          const { pauseOther } = startSchema.parse(body);
          const fn = action.data === "start" ? startStep : resumeStep;
          const r = await fn(s, user, ref, { ...opts, pauseOther });
          return Response.json({ ...actionJson(r), ...clock(r) });
        }
        case "pause": {
          const r = await pauseStep(s, user, ref, opts);
          return Response.json({ ...actionJson(r), ...clock(r) });
        }
        case "reset": {
          const r = await resetStep(s, user, ref, opts);
          return Response.json({ ...actionJson(r), ...clock(r) });
        }
        case "complete": {
          const r = await completeStep(s, user, ref, opts);
          return Response.json({ ...actionJson(r), ...clock(r) });
        }
        case "diary": {
          const r = await saveDiary(s, user, ref, body, opts);
          return Response.json({ ...actionJson(r), ...clock(r), entry: r.entry });
        }
        case "exam": {
          const r = await submitExam(s, user, ref, body);
          return Response.json({ ...actionJson(r), exam: r.exam });
        }
      }
    });
  },
});

export const openapi: ApiDoc = {
  POST: {
    summary: "A step action: start, pause, resume, reset, complete, diary or exam",
    description: "The body depends on the action: `start`/`resume` `{ pauseOther? }`; " +
      "`pause`/`reset`/`complete` `{}`; `diary` `{ content }`; " +
      "`exam` `{ answers: { <questionId>: optionIndex }, written?, videoKey? }`.",
    tags: ["training"],
    auth: "user",
    params: z.object({
      dayId: z.string().describe("The day-on-course id"),
      stepId: z.string().describe("The step-on-day id"),
      action: stepActionSchema,
    }),
    body: z.union([
      startSchema,
      diarySchema,
      z.object({
        answers: z.record(z.string(), z.number().int().min(0)).optional(),
        written: z.string().max(WRITTEN_MAX).optional(),
        videoKey: z.string().max(500).optional(),
      }),
    ]),
    responses: {
      200: { description: "The step's state after it", schema: stepActionResultSchema },
      ...errorResponses(400, 401, 403, 404, 409, 413, 422),
    },
  },
};
