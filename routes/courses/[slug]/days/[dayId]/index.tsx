/**
 * `/courses/<slug>/days/<dayOnCourseId>`: a learner's day — its steps in
 * order with their status, the timer / read / done / diary / exam controls,
 * and the celebration when the day or the course is complete.
 *
 * GET shows the day and writes nothing (the learner's progress rows are
 * created by their first action; a theory step is marked read by its
 * island, or by its "read" button without JavaScript).
 * `?step=N` (1-based) or `?open=<stepOnDayId>` shows that step expanded;
 * otherwise the first unfinished one is.
 *
 * POST is the no-JavaScript path of every control: a form with `_action`
 * (start, resume, pause, reset, complete, diary, exam) and `step` (the
 * step-on-day id; the day is this page's). It answers with a redirect back here (with
 * `?done=day|course` to celebrate, `?error=<code>&for=<step>` when refused),
 * or — for diary and exam answers that fail validation — this page again
 * with the messages next to the fields (422).
 */
import { z } from "zod";
import { define, type State } from "@/define.ts";
import { type Context, page } from "@/framework/mod.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { coursePath, dayPath, personalisePath } from "@/core/paths.ts";
import { PersonalisationRequiredError } from "@/core/personalisation/store.ts";
import { type DayPage, openDay } from "@/core/training/day.ts";
import { TrainingError, type TrainingErrorCode } from "@/core/training/errors.ts";
import {
  type ActionResult,
  completeStep,
  pauseStep,
  resetStep,
  resumeStep,
  runningTimer,
  startStep,
} from "@/core/training/steps.ts";
import { saveDiary } from "@/core/training/diary.ts";
import { submitExam } from "@/core/training/exams.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { Icon } from "@/components/icons.tsx";
import { statusLabels, StepCard, type StepFeedback } from "@/components/training/StepCard.tsx";
import { isTimerAction, stepActionSchema } from "@/core/training/actions.ts";
import { SyncIndicator } from "@/components/training/SyncIndicator.tsx";

interface Data {
  day: DayPage;
  feedback: StepFeedback | null;
  celebrate: "day" | "course" | null;
  notice: string | null;
}

const querySchema = z.object({
  step: z.coerce.number().int().min(1).max(500).optional().catch(undefined),
  open: z.string().max(40).optional().catch(undefined),
  done: z.enum(["day", "course"]).optional().catch(undefined),
  notice: z.enum(["saved", "sent"]).optional().catch(undefined),
  error: z.string().max(40).optional().catch(undefined),
  for: z.string().max(40).optional().catch(undefined),
});

const ERROR_CODES = new Set<TrainingErrorCode>([
  "timer_running",
  "too_early",
  "not_timer",
  "wrong_type",
  "day_locked",
  "exam_closed",
  "exam_not_pending",
  "video_not_required",
  "video_missing",
]);

async function render(
  ctx: Context<State>,
  feedback: StepFeedback | null,
  status = 200,
) {
  const user = requireUser(ctx.state.user);
  const q = querySchema.parse(Object.fromEntries(ctx.url.searchParams));
  let day: DayPage;
  try {
    day = await openDay(ctx.state.services, user, ctx.params.slug, ctx.params.dayId, {
      openIndex: feedback ? null : q.step !== undefined ? q.step - 1 : null,
      openStepOnDayId: q.open ?? null,
      locale: ctx.state.locale,
    });
  } catch (err) {
    // A personalised course asks for the learner's values first, then comes back here.
    if (err instanceof PersonalisationRequiredError) {
      return redirect(personalisePath(ctx.params.slug, ctx.url.pathname + ctx.url.search));
    }
    throw err;
  }
  if (!feedback && q.error && q.for && ERROR_CODES.has(q.error as TrainingErrorCode)) {
    const err = new TrainingError(409, q.error as TrainingErrorCode);
    feedback = { stepOnDayId: q.for, message: ctx.state.t(err.messageKey, { mb: 100 }) };
    if (q.error === "timer_running") {
      const other = await runningTimer(ctx.state.services, user.id);
      const self = other?.dayOnCourseId === ctx.params.dayId && other.stepOnDayId === q.for;
      if (other && !self) {
        feedback.conflict = { runningStepId: other.userStepId, title: other.title, url: other.url };
        feedback.message = undefined;
      } else feedback = null;
    }
  }
  const notice = q.notice === "saved"
    ? ctx.state.t("training.diary.saved")
    : q.notice === "sent"
    ? ctx.state.t("training.exam.sent")
    : null;
  return page<Data>(
    { day, feedback, celebrate: q.done ?? null, notice },
    { status: day.locked ? 403 : status, headers: { "cache-control": "private, no-store" } },
  );
}

const CONFETTI = Array.from({ length: 24 }, (_, i) => i);

const formSchema = z.object({
  _action: stepActionSchema,
  step: z.string().max(40),
  pause_other: z.string().optional(),
  content: z.string().optional(),
  written: z.string().optional(),
});

/** `answer_<questionId>` fields → `{ questionId: index }`. */
function answersFrom(form: Record<string, string | string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(form)) {
    if (k.startsWith("answer_") && typeof v === "string") out[k.slice(7)] = Number(v);
  }
  return out;
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    return render(ctx, null);
  },

  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    const raw = await formObject(ctx);
    const form = formSchema.safeParse(raw);
    const back = dayPath(ctx.params.slug, ctx.params.dayId);
    if (!form.success) return redirect(back);
    const f = form.data;
    const ref = { dayOnCourseId: ctx.params.dayId, stepOnDayId: f.step };
    let result: ActionResult;
    let notice: string | null = null;
    try {
      switch (f._action) {
        case "start":
          result = await startStep(s, user, ref, { pauseOther: f.pause_other === "1" });
          break;
        case "resume":
          result = await resumeStep(s, user, ref, { pauseOther: f.pause_other === "1" });
          break;
        case "pause":
          result = await pauseStep(s, user, ref);
          break;
        case "reset":
          result = await resetStep(s, user, ref);
          break;
        case "complete":
          result = await completeStep(s, user, ref);
          break;
        case "diary":
          result = await saveDiary(s, user, ref, { content: f.content ?? "" });
          notice = "saved";
          break;
        case "exam":
          result = await submitExam(s, user, ref, {
            answers: answersFrom(raw),
            written: f.written,
          });
          notice = "sent";
          break;
      }
    } catch (err) {
      // The day page shows a refused action above the step (a locked day, a running timer).
      if (err instanceof TrainingError) {
        const p = new URLSearchParams({ error: err.code, for: f.step });
        return redirect(`${back}?${p}#step-notice`);
      }
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      const values = f._action === "diary"
        ? { content: f.content ?? "" }
        : { answers: answersFrom(raw), written: f.written ?? "" };
      return render(ctx, { stepOnDayId: f.step, errors: failure.errors, values }, failure.status);
    }
    const params = new URLSearchParams();
    // A timer stays expanded where the learner is; a finished step moves on to the next.
    if (isTimerAction(f._action)) params.set("open", result.ctx.stepOnDayId);
    if (result.rollup?.celebrate) params.set("done", result.rollup.celebrate);
    if (notice) params.set("notice", notice);
    const qs = params.size ? `?${params}` : "";
    return redirect(`${back}${qs}#step-${result.ctx.stepOnDayId}`);
  },
});

export default define.page<typeof handler>(({ data, state, url }) => {
  const { t } = state;
  const { day, feedback } = data;
  const d = day.day;
  const label = d.number !== null
    ? t("course.day.number", { n: d.number })
    : t(`course.day.type.${d.type as Exclude<typeof d.type, "regular">}`);
  const statuses = statusLabels(t);
  const action = url.pathname;
  const courseUrl = coursePath(day.course.slug);
  const celebrateText = data.celebrate === "course"
    ? t("training.celebrate.course")
    : data.celebrate === "day"
    ? t("training.celebrate.day")
    : "";
  const generalMessage = feedback?.message ?? null;
  return (
    <>
      <PageTitle t={t} title={`${label}: ${d.title} — ${day.course.name}`} />
      <nav class="breadcrumbs" aria-label={t("training.day.toCourse")}>
        <a href={courseUrl}>← {day.course.name}</a>
      </nav>
      <header class="day-head">
        <p class="day-head__label">{label}</p>
        <h1>{d.title}</h1>
        {!day.locked && (
          <div class="day-head__progress">
            <p>
              {t("training.day.status")}:{" "}
              <span class="status-badge" data-day-status data-status={day.status}>
                {statuses[day.status]}
              </span>
            </p>
            {day.steps.length > 0 && (
              <p class="day-head__count">
                <label for="day-progress">
                  {t("training.day.progress")} <span data-day-done>{day.done}</span> /{" "}
                  {day.steps.length}
                </label>
                <progress
                  id="day-progress"
                  data-day-progress
                  max={day.steps.length}
                  value={day.done}
                />
              </p>
            )}
            {day.completedElsewhere && <p class="muted">{t("training.day.shared")}</p>}
          </div>
        )}
      </header>

      <div
        id="celebration"
        class="celebration"
        data-kind={data.celebrate ?? ""}
        data-day={t("training.celebrate.day")}
        data-course={t("training.celebrate.course")}
      >
        {/* The pieces are drawn only for a celebration (the islands add them when they celebrate). */}
        <div class="confetti" aria-hidden="true">
          {data.celebrate && CONFETTI.map((i) => <span key={i} />)}
        </div>
        <p class="celebration__text" role="status" data-celebration-text>{celebrateText}</p>
      </div>

      <SyncIndicator t={t} user={state.user} csrf={state.csrf()} />
      {data.notice && <p class="flash flash--ok" role="status">{data.notice}</p>}
      {generalMessage && (
        <p class="flash flash--error" id="step-notice" role="alert">{generalMessage}</p>
      )}

      {day.locked
        ? (
          <section class="notice">
            <h2>
              <Icon name="lock" /> {t("training.day.locked.title")}
            </h2>
            <p>{t("training.day.locked.text", { count: day.daysLeft })}</p>
            <p>
              <a class="button" href={courseUrl}>{t("training.day.toCourse")}</a>
            </p>
          </section>
        )
        : (
          <>
            {d.descriptionHtml && (
              <section class="prose" dangerouslySetInnerHTML={{ __html: d.descriptionHtml }} />
            )}
            {d.equipment && (
              <p class="day-equipment">
                <strong>{t("training.day.equipment")}:</strong> {d.equipment}
              </p>
            )}
            <h2>{t("training.day.steps")}</h2>
            {day.steps.length === 0
              ? <p class="muted">{t("training.day.empty")}</p>
              : (
                <ol class="steps">
                  {day.steps.map((step) => (
                    <StepCard
                      key={step.stepOnDayId}
                      step={step}
                      open={step.index === day.openIndex ||
                        feedback?.stepOnDayId === step.stepOnDayId}
                      t={t}
                      csrf={state.csrf()}
                      userId={state.user?.id ?? ""}
                      action={action}
                      timeZone={state.user?.timeZone ?? "Europe/Moscow"}
                      diary={day.diary}
                      dayId={d.dayId}
                      dayOnCourseId={d.dayOnCourseId}
                      courseSlug={day.course.slug}
                      feedback={feedback}
                    />
                  ))}
                </ol>
              )}
          </>
        )}

      <nav class="day-nav" aria-label={t("training.day.nav")}>
        {day.prev
          ? (
            <a class="button button--ghost" href={dayPath(day.course.slug, day.prev.dayOnCourseId)}>
              ← {t("training.day.prev")}
            </a>
          )
          : <span />}
        <a class="button button--ghost" href={courseUrl}>{t("training.day.toCourse")}</a>
        {day.next
          ? (
            <a class="button button--ghost" href={dayPath(day.course.slug, day.next.dayOnCourseId)}>
              {t("training.day.next")} →
            </a>
          )
          : <span />}
      </nav>
    </>
  );
});
