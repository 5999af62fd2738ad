/**
 * `POST /courses/<slug>/days/<dayOnCourseId>/exam?step=<stepOnDayId>&_csrf=…`:
 * the no-JavaScript form of an exam that asks for a video — one
 * `multipart/form-data` POST with the test answers, the written answer and
 * the file (the CSRF token rides in the URL: the middleware does not read
 * streamed bodies). With JavaScript the exam island uploads the video on its
 * own (XHR, progress bar) and sends the answers as JSON instead.
 *
 * Sent → 303 back to the day page with "sent". A refused file or invalid
 * answers → this page again (413/415/422…) with the messages next to the
 * fields and what was sent kept — an already stored video too, so it need
 * not be chosen again. A closed exam or a locked day → back to the day page
 * with the reason. GET (a reload of that page) goes back to the day.
 */
import { z } from "zod";
import { define, type State } from "@/define.ts";
import { type Context, page } from "@/framework/mod.ts";
import { NotFoundError, requireUser } from "@/core/auth/guards.ts";
import { dayPath } from "@/core/paths.ts";
import { type DayPage, openDay, type StepView } from "@/core/training/day.ts";
import { TrainingError } from "@/core/training/errors.ts";
import { submitExam } from "@/core/training/exams.ts";
import { receiveExamForm } from "@/core/training/exam_video.ts";
import { UploadError } from "@/core/uploads.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { StepCard, type StepFeedback } from "@/components/training/StepCard.tsx";

interface Data {
  day: DayPage;
  step: StepView;
  feedback: StepFeedback;
}

const querySchema = z.object({ step: z.string().min(1).max(40) });

/** `answer_<questionId>` fields → `{ questionId: index }` (checked by `submitExam`). */
function answersFrom(fields: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k.startsWith("answer_") && v !== "") out[k.slice(7)] = Number(v);
  }
  return out;
}

/** The exam step again, with what was sent and what is wrong with it. */
async function render(ctx: Context<State>, feedback: StepFeedback, status: number) {
  const user = requireUser(ctx.state.user);
  const day = await openDay(ctx.state.services, user, ctx.params.slug, ctx.params.dayId, {
    locale: ctx.state.locale,
  });
  const step = day.steps.find((s) => s.stepOnDayId === feedback.stepOnDayId);
  if (!step) throw new NotFoundError();
  return page<Data>({ day, step, feedback }, {
    status,
    headers: { "cache-control": "private, no-store" },
  });
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    return redirect(dayPath(ctx.params.slug, ctx.params.dayId));
  },

  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const { services: s, t } = ctx.state;
    const query = querySchema.safeParse({ step: ctx.url.searchParams.get("step") ?? "" });
    if (!query.success) throw new NotFoundError();
    const stepOnDayId = query.data.step;
    const ref = { dayOnCourseId: ctx.params.dayId, stepOnDayId };
    const back = dayPath(ctx.params.slug, ctx.params.dayId);
    let fields: Record<string, string> = {};
    let videoKey: string | undefined;
    try {
      const form = await receiveExamForm(s, user, ref, ctx.req);
      fields = form.fields;
      videoKey = form.videoKey;
      const result = await submitExam(s, user, ref, {
        answers: answersFrom(fields),
        written: fields.written,
        videoKey,
      });
      const p = new URLSearchParams({ notice: "sent" });
      if (result.rollup?.celebrate) p.set("done", result.rollup.celebrate);
      const day = dayPath(result.ctx.courseSlug, result.ctx.dayOnCourseId);
      return redirect(`${day}?${p}#step-${result.ctx.stepOnDayId}`);
    } catch (err) {
      const failure = formFailure(err, t);
      if (!failure) {
        if (!(err instanceof TrainingError)) throw err;
        // Nothing to fix in the form (closed exam, locked day): the day page says why.
        const p = new URLSearchParams({ error: err.code, for: stepOnDayId });
        return redirect(`${back}?${p}#step-notice`);
      }
      if (err instanceof UploadError) fields = err.values;
      return await render(ctx, {
        stepOnDayId,
        errors: failure.errors,
        values: {
          answers: answersFrom(fields),
          written: fields.written ?? "",
          // A video stored before the answers failed is sent with the next try.
          videoKey: videoKey ?? fields.video_key,
        },
        message: t("training.exam.notSent"),
      }, failure.status);
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { day, step, feedback } = data;
  const dayUrl = dayPath(day.course.slug, day.day.dayOnCourseId);
  return (
    <>
      <PageTitle t={t} title={`${step.title} — ${day.day.title} — ${day.course.name}`} />
      <nav class="breadcrumbs" aria-label={t("training.day.back")}>
        <a href={dayUrl}>← {day.day.title}</a>
      </nav>
      <h1>{step.title}</h1>
      <p class="flash flash--error" id="step-notice" role="alert">{feedback.message}</p>
      <ol class="steps">
        <StepCard
          step={step}
          open
          t={t}
          csrf={state.csrf()}
          userId={state.user?.id ?? ""}
          action={dayUrl}
          timeZone={state.user?.timeZone ?? "Europe/Moscow"}
          diary={day.diary}
          dayId={day.day.dayId}
          dayOnCourseId={day.day.dayOnCourseId}
          courseSlug={day.course.slug}
          feedback={feedback}
        />
      </ol>
    </>
  );
});
