/**
 * `/studio/exams/<id>`: one submission for its reviewer (the course's
 * author, or staff; anyone else in the studio gets 404): the learner, pet,
 * course, day and step, each test answer against the correct one, the
 * written answer, the private video, earlier attempts, and — while it
 * waits — the verdict form (approve, or return with a comment). A refused
 * verdict comes back on this page with its errors and the comment typed;
 * a decision redirects here with a notice. Ships no JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import {
  type Decision,
  DECISIONS,
  type ExamDetail,
  examDetail,
  reviewExam,
} from "@/core/studio/exams.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioExamPath, studioExamsPath, studioPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { buttonClass, ErrorSummary, FormNotice, TextareaField } from "@/components/forms.tsx";
import { COMMENT_MAX } from "@/core/training/exams.ts";
import { Section } from "@/components/Section.tsx";
import type { Translator } from "@/core/i18n/mod.ts";

const REVIEW_ERRORS = ["corrupt", "tooLong", "timeout", "ffmpeg", "missing"] as const;

/** The message key of a review copy's failure code (unknown codes read as a processing error). */
function reviewErrorKey(code: string | null) {
  const known = REVIEW_ERRORS.find((c) => c === code) ?? "ffmpeg";
  return `examVideo.review.error.${known}` as const;
}

/** Why the video is gone: the retention rule that removed it, with the date. */
function removedNote(exam: ExamDetail, t: Translator, when: (d: Date) => string): string {
  const r = exam.videoRemoval;
  if (!r) return t("studio.exams.videoDeleted");
  const date = when(r.at);
  if ((r.reason === "auto_cleanup_approved" || r.reason === "auto_cleanup_pending") && r.keptDays) {
    return t(`examVideo.removed.${r.reason}`, {
      date,
      days: t.plural("examVideo.days", r.keptDays),
    });
  }
  return t("examVideo.removed.other", { date });
}

interface Data {
  exam: ExamDetail;
  done?: Decision;
  values: { comment?: string };
  errors: FieldErrors;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const exam = await examDetail(services, user, ctx.params.id);
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      exam,
      done: (DECISIONS as readonly string[]).includes(done) ? done as Decision : undefined,
      values: {},
      errors: {},
    }, { headers: { "cache-control": "private, no-store" } });
  },
  async POST(ctx) {
    const { services, user, t } = ctx.state;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    try {
      const r = await reviewExam(services, user, id, form);
      return redirect(`${studioExamPath(id)}?done=${r.decision}`);
    } catch (err) {
      const failure = formFailure(err, t);
      if (!failure) throw err;
      const exam = await examDetail(services, user, id);
      const comment = typeof form.comment === "string" ? form.comment : undefined;
      return page(
        { exam, values: { comment }, errors: failure.errors },
        { status: failure.status },
      );
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { exam } = data;
  const when = (d: Date) =>
    t.date(d, {
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
  const score = (s: number | null, max: number | null, pct: number | null) =>
    max === null ? null : t("studio.exams.score", { score: s ?? 0, max, pct: pct ?? 0 });
  const attempts = exam.history.length + 1;
  return (
    <div class="studio-exam">
      <PageTitle t={t} title={t("studio.exams.detail.title", { step: exam.step.title })} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
        {" / "}
        <a href={studioExamsPath()}>{t("studio.exams.back")}</a>
      </nav>
      {data.done && (
        <FormNotice>
          {data.done === "approve"
            ? t("studio.exams.flash.approved")
            : t("studio.exams.flash.returned")}
        </FormNotice>
      )}
      <h1>{t("studio.exams.detail.title", { step: exam.step.title })}</h1>

      <Section id="exam-about" title={t("studio.exams.detail.about")} titleClass="visually-hidden">
        <dl class="exam-facts">
          <dt>{t("studio.exams.detail.status")}</dt>
          <dd>
            <span
              class={`exam-status exam-status--${exam.status.toLowerCase()}`}
              data-status={exam.status}
            >
              {t(`studio.exams.status.${exam.status}`)}
            </span>
          </dd>
          <dt>{t("studio.exams.learner")}</dt>
          <dd data-learner>{exam.learner.username}</dd>
          <dt>{t("studio.exams.detail.pet")}</dt>
          <dd>
            {exam.pets.length
              ? exam.pets.map((p) => [p.name, p.breed].filter(Boolean).join(", ")).join("; ")
              : t("studio.exams.detail.noPet")}
          </dd>
          <dt>{t("studio.exams.detail.course")}</dt>
          <dd>{exam.course.name}</dd>
          <dt>{t("studio.exams.detail.dayLabel")}</dt>
          <dd>{t("studio.exams.detail.day", { n: exam.day.position, title: exam.day.title })}</dd>
          <dt>{t("studio.exams.detail.stepLabel")}</dt>
          <dd>
            {t("studio.exams.detail.step", { n: exam.step.position, title: exam.step.title })}
          </dd>
          <dt>{t("studio.exams.detail.submittedAt")}</dt>
          <dd>
            <time dateTime={exam.submittedAt.toISOString()}>{when(exam.submittedAt)}</time>
          </dd>
        </dl>
      </Section>

      {exam.answers.length > 0 && (
        <Section id="exam-test" title={t("studio.exams.test")}>
          <p class="exam-score" data-score>
            {score(exam.score, exam.maxScore, exam.percent)}
            {exam.passed !== null && (
              <>
                {" "}
                {exam.passed
                  ? t("studio.exams.passed", { pass: exam.passPercent })
                  : t("studio.exams.failed", { pass: exam.passPercent })}
              </>
            )}
          </p>
          <ol class="exam-answers">
            {exam.answers.map((a) => (
              <li
                key={a.id}
                class={a.correct
                  ? "exam-answer exam-answer--right"
                  : "exam-answer exam-answer--wrong"}
                data-question={a.id}
              >
                <p class="exam-answer__question">{a.question}</p>
                <p>
                  {t("studio.exams.answer.chosen", {
                    answer: a.chosen === null
                      ? t("studio.exams.answer.none")
                      : a.options[a.chosen] ?? t("studio.exams.answer.none"),
                  })}{" "}
                  <strong class="exam-answer__verdict">
                    {a.correct ? t("studio.exams.answer.right") : t("studio.exams.answer.wrong")}
                  </strong>
                </p>
                {!a.correct && (
                  <p>
                    {t("studio.exams.answer.correct", { answer: a.options[a.correctIndex] ?? "" })}
                  </p>
                )}
                {a.comment && (
                  <p class="muted">{t("studio.exams.answer.note", { comment: a.comment })}</p>
                )}
              </li>
            ))}
          </ol>
        </Section>
      )}

      {exam.written && (
        <Section id="exam-written" title={t("studio.exams.written")}>
          <p class="exam-written" data-written>{exam.written}</p>
        </Section>
      )}

      {(exam.videoUrl || exam.videoDeleted) && (
        <Section id="exam-video" title={t("studio.exams.video")}>
          {exam.videoUrl
            ? (
              <>
                {/* The small copy once it is made; the original until then, or if it failed. */}
                <video
                  class="exam-video"
                  controls
                  preload="metadata"
                  src={exam.review?.url ?? exam.videoUrl}
                  data-video={exam.review?.url ? "review" : "original"}
                  aria-labelledby="exam-video"
                >
                  {t("studio.exams.videoFallback")}
                </video>
                {exam.review && (
                  <p class="muted" data-review-status={exam.review.status}>
                    {exam.review.status === "READY"
                      ? t("examVideo.review.ready")
                      : exam.review.status === "FAILED"
                      ? t("examVideo.review.failed", {
                        reason: t(reviewErrorKey(exam.review.error)),
                      })
                      : t("examVideo.review.preparing")}
                  </p>
                )}
                <p>
                  <a href={exam.videoUrl} data-original>{t("examVideo.original")}</a>
                </p>
              </>
            )
            : <p class="muted" data-video-removed>{removedNote(exam, t, when)}</p>}
        </Section>
      )}

      {exam.status !== "PENDING" && (
        <Section id="exam-review" title={t("studio.exams.verdict")}>
          {data.errors._form && (
            <div class="form-errors" role="alert">
              <p class="form-errors__general">{data.errors._form}</p>
            </div>
          )}
          {exam.reviewedAt && (
            <p>
              {t("studio.exams.reviewed", {
                who: exam.reviewedBy ?? "—",
                date: when(exam.reviewedAt),
              })}
            </p>
          )}
          {exam.trainerComment && (
            <blockquote class="exam-comment" aria-label={t("studio.exams.trainerComment")}>
              {exam.trainerComment}
            </blockquote>
          )}
        </Section>
      )}

      {exam.status === "PENDING" && (
        <Section id="exam-verdict" title={t("studio.exams.verdict")}>
          {/* Two submit buttons, one field: each button sends its own `decision`. */}
          <form class="form exam-verdict" method="post" action={studioExamPath(exam.id)} novalidate>
            <ErrorSummary
              errors={data.errors}
              title={t("form.errors.title")}
              labels={{ comment: t("studio.exams.comment"), decision: t("studio.exams.verdict") }}
            />
            <CsrfField state={state} />
            <TextareaField
              name="comment"
              label={t("studio.exams.comment")}
              hint={t("studio.exams.commentHint")}
              value={data.values.comment}
              error={data.errors.comment}
              maxLength={COMMENT_MAX}
              rows={4}
            />
            <div class="form-actions">
              <button type="submit" name="decision" value="approve" class={buttonClass("primary")}>
                {t("studio.exams.approve")}
              </button>
              <button type="submit" name="decision" value="return" class={buttonClass()}>
                {t("studio.exams.return")}
              </button>
            </div>
          </form>
        </Section>
      )}

      <Section id="exam-history" title={t("studio.exams.history")}>
        {exam.history.length === 0
          ? <p class="muted">{t("studio.exams.historyEmpty")}</p>
          : (
            <ol class="exam-history">
              {exam.history.map((h, i) => (
                <li key={i} class="exam-attempt" data-attempt={i + 1}>
                  <p class="exam-attempt__head">
                    <strong>{t("studio.exams.attempt", { n: i + 1 })}</strong>{" "}
                    <span class={`exam-status exam-status--${h.status.toLowerCase()}`}>
                      {t(`studio.exams.status.${h.status}`)}
                    </span>{" "}
                    <time dateTime={h.submittedAt.toISOString()}>{when(h.submittedAt)}</time>
                  </p>
                  {h.maxScore !== null && <p>{score(h.score, h.maxScore, h.percent)}</p>}
                  {h.written && <p class="exam-written">{h.written}</p>}
                  {h.hadVideo && <p class="muted">{t("studio.exams.hadVideo")}</p>}
                  {h.trainerComment && (
                    <p>
                      {t("studio.exams.trainerComment")}: {h.trainerComment}
                    </p>
                  )}
                </li>
              ))}
              <li class="exam-attempt exam-attempt--current" data-attempt={attempts}>
                <p class="exam-attempt__head">
                  <strong>{t("studio.exams.attemptCurrent", { n: attempts })}</strong>{" "}
                  <span class={`exam-status exam-status--${exam.status.toLowerCase()}`}>
                    {t(`studio.exams.status.${exam.status}`)}
                  </span>{" "}
                  <time dateTime={exam.submittedAt.toISOString()}>{when(exam.submittedAt)}</time>
                </p>
              </li>
            </ol>
          )}
      </Section>
    </div>
  );
});
