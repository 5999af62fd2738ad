/**
 * One step of a day page: a `<details>` with the step's number, title, type
 * and status in its summary, and in its body the description (sanitized
 * Markdown), media (video embed from the allow-list, images, PDFs) and the
 * part the learner works with — a timer, a "read"/"done" button, the diary
 * or the exam (islands that are plain forms without JavaScript).
 */
import type { Translator } from "@/core/i18n/mod.ts";
import type { StepView } from "@/core/training/day.ts";
import type { DiaryEntryView } from "@/core/training/diary.ts";
import { DIARY_MAX } from "@/core/training/diary.ts";
import { EXAM_VIDEO_MAX_BYTES, WRITTEN_MAX } from "@/core/training/exams.ts";
import { formatClock, formatTimeOfDay } from "@/core/training/clock.ts";
import { dayPath } from "@/core/paths.ts";
import StepTimer from "@/islands/StepTimer.tsx";
import StepCheck from "@/islands/StepCheck.tsx";
import DiaryForm from "@/islands/DiaryForm.tsx";
import ExamForm from "@/islands/ExamForm.tsx";
import { Icon } from "@/components/icons.tsx";
import { VideoPlayerBox } from "@/components/VideoPlayerBox.tsx";

export interface TimerConflict {
  runningStepId: string;
  title: string;
  url: string;
}

/** What a no-JavaScript form submission left to show on the page. */
export interface StepFeedback {
  stepOnDayId: string;
  /** Field errors (diary, exam) with what was sent. */
  errors?: Record<string, string>;
  values?: {
    content?: string;
    answers?: Record<string, number>;
    written?: string;
    /** A video stored by the no-JavaScript exam form whose answers were refused. */
    videoKey?: string;
  };
  conflict?: TimerConflict | null;
  message?: string;
}

export interface StepCardProps {
  step: StepView;
  open: boolean;
  t: Translator;
  csrf: string;
  /** The signed-in learner (the islands' offline queue is theirs). */
  userId: string;
  /** The day page URL (target of the no-JavaScript forms). */
  action: string;
  timeZone: string;
  diary: DiaryEntryView[];
  dayId: string;
  /** The day on the course: with the step's `stepOnDayId`, how the islands address the step. */
  dayOnCourseId: string;
  courseSlug: string;
  feedback: StepFeedback | null;
}

const labelCache = new Map<string, ReturnType<typeof buildLabels>>();

function buildLabels(t: Translator) {
  const statuses: Record<string, string> = {
    NOT_STARTED: t("training.status.NOT_STARTED"),
    IN_PROGRESS: t("training.status.IN_PROGRESS"),
    COMPLETED: t("training.status.COMPLETED"),
    PAUSED: t("training.status.PAUSED"),
    RESET: t("training.status.RESET"),
    WAITING: t("training.status.WAITING"),
    RETURNED: t("training.status.RETURNED"),
    // Done on the device, waiting for the connection (components/training/queue.ts).
    SYNC: t("offline.status.waiting"),
  };
  const network = t("training.error.network");
  const mb = Math.floor(EXAM_VIDEO_MAX_BYTES / (1024 * 1024));
  return {
    statuses,
    timer: {
      timer: t("training.timer.label"),
      start: t("training.timer.start"),
      pause: t("training.timer.pause"),
      resume: t("training.timer.resume"),
      reset: t("training.timer.reset"),
      finish: t("training.timer.finish"),
      done: t("training.timer.done"),
      endsAt: t.raw("training.timer.endsAt") as string,
      pausedAt: t.raw("training.timer.pausedAt") as string,
      running: t.raw("training.timer.running") as string,
      switchTimer: t("training.timer.switch"),
      open: t("training.timer.open"),
      network,
      statuses,
    },
    theory: {
      done: t("training.theory.read"),
      completed: t("training.theory.read"),
      undo: t("training.undo"),
      network,
      statuses,
    },
    practice: {
      done: t("training.practice.done"),
      completed: t("training.timer.done"),
      undo: t("training.undo"),
      network,
      statuses,
    },
    diary: {
      label: t("training.diary.label"),
      hint: t("training.diary.hint", { max: DIARY_MAX }),
      save: t("training.diary.save"),
      saved: t("training.diary.saved"),
      queued: t("offline.diary.queued"),
      counter: t.raw("training.diary.counter") as string,
      network,
      statuses,
    },
    exam: {
      test: t("training.exam.test"),
      question: t.raw("training.exam.question") as string,
      written: t("training.exam.written"),
      writtenHint: t("training.exam.written.hint", { max: WRITTEN_MAX }),
      video: t("training.exam.video"),
      videoHint: t("training.exam.video.hint", { mb }),
      videoFile: t("training.exam.video.file"),
      videoHintFile: t("training.exam.video.hintFile", { mb }),
      keep: t("training.exam.video.keep"),
      record: t("training.exam.video.record"),
      stop: t("training.exam.video.stop"),
      recording: t.raw("training.exam.video.recording") as string,
      uploading: t.raw("training.exam.video.uploading") as string,
      ready: t("training.exam.video.ready"),
      current: t("training.exam.video.current"),
      removed: t("examVideo.removed.learner"),
      noCamera: t("training.exam.video.noCamera"),
      tooLarge: t("upload.tooLarge", { mb }),
      submit: t("training.exam.submit"),
      resubmit: t("training.exam.resubmit"),
      sent: t("training.exam.sent"),
      queued: t("offline.exam.queued"),
      videoOffline: t("offline.exam.video"),
      pending: t("training.exam.pending"),
      approved: t("training.exam.approved"),
      returned: t("training.exam.returned"),
      comment: t("training.exam.comment"),
      score: t.raw("training.exam.score") as string,
      passMark: t.raw("training.exam.passMark") as string,
      correct: t("training.exam.correct"),
      wrong: t("training.exam.wrong"),
      network,
      statuses,
    },
  };
}

/**
 * The islands' labels in the page's language, built once per language. The
 * same objects go to every island, so the page's props carry them once.
 */
export function trainingLabels(t: Translator) {
  let labels = labelCache.get(t.locale);
  if (!labels) labelCache.set(t.locale, labels = buildLabels(t));
  return labels;
}

export function statusLabels(t: Translator): Record<string, string> {
  return trainingLabels(t).statuses;
}

/** The badge of a step: its status, or the exam's review state. */
export function badgeKey(step: StepView): string {
  if (step.status !== "COMPLETED" && step.exam) {
    if (step.exam.status === "PENDING") return "WAITING";
    if (step.exam.status === "RETURNED") return "RETURNED";
  }
  return step.paused ? "PAUSED" : step.status;
}

function Media({ step, t, csrf }: { step: StepView; t: Translator; csrf: string }) {
  const e = step.embed;
  return (
    <>
      {step.video && (
        <VideoPlayerBox
          videoId={step.video.id}
          poster={step.video.poster}
          title={step.title}
          startAt={step.videoStartAt}
          csrf={csrf}
          t={t}
        />
      )}
      {e?.kind === "embed" && (
        <div class="embed">
          <iframe
            src={e.src}
            title={`${t("training.step.video")}: ${step.title}`}
            loading="lazy"
            allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; fullscreen"
            allowFullScreen
            referrerpolicy="strict-origin-when-cross-origin"
          />
        </div>
      )}
      {e?.kind === "link" && (
        <p>
          <a href={e.href} rel="noopener nofollow ugc" target="_blank">
            {t("training.step.videoLink", { host: e.host })}
          </a>
        </p>
      )}
      {step.images.length > 0 && (
        <div class="step__images">
          {step.images.map((src, i) => (
            <a href={src} target="_blank" rel="noopener" key={src}>
              <img
                src={src}
                alt={`${t("training.step.images")} ${i + 1}: ${step.title}`}
                loading="lazy"
              />
            </a>
          ))}
        </div>
      )}
      {step.pdfs.length > 0 && (
        <div class="step__files">
          <p class="muted">{t("training.step.files")}</p>
          <ul>
            {step.pdfs.map((f) => (
              <li key={f.url}>
                <a href={f.url} target="_blank" rel="noopener">
                  <Icon name="file" /> {f.name} (PDF)
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** A PRACTICE/THEORY step's plain checklist: a labelled list, no script. */
function ChecklistItems({ step, t }: { step: StepView; t: Translator }) {
  if (!step.checklistItems.length) return null;
  const id = `checklist-${step.stepOnDayId}`;
  return (
    <section class="step__checklist" aria-labelledby={id}>
      <h3 id={id} class="step__checklist-title">{t("training.step.checklist")}</h3>
      <ul>
        {step.checklistItems.map((item, i) => <li key={i}>{item}</li>)}
      </ul>
    </section>
  );
}

function Work(p: StepCardProps) {
  const { step, t, csrf, action } = p;
  const L = trainingLabels(t);
  const fb = p.feedback?.stepOnDayId === step.stepOnDayId ? p.feedback : null;
  switch (step.type) {
    case "TRAINING":
    case "BREAK":
      return (
        <StepTimer
          dc={p.dayOnCourseId}
          sd={step.stepOnDayId}
          userId={p.userId}
          action={action}
          csrf={csrf}
          locale={t.locale}
          durationMs={(step.durationSec ?? 0) * 1000}
          status={step.status}
          paused={step.paused}
          remainingMs={step.remainingMs ?? 0}
          endsAtLabel={step.endsAt ? formatTimeOfDay(step.endsAt, t.locale, p.timeZone) : null}
          conflict={fb?.conflict ?? null}
          labels={L.timer}
        />
      );
    case "THEORY":
    case "PRACTICE":
      return (
        <StepCheck
          dc={p.dayOnCourseId}
          sd={step.stepOnDayId}
          userId={p.userId}
          mode={step.type === "THEORY" ? "theory" : "practice"}
          action={action}
          csrf={csrf}
          status={step.status}
          labels={step.type === "THEORY" ? L.theory : L.practice}
        />
      );
    case "DIARY": {
      const own = p.diary.find((d) => d.dayId === p.dayId);
      const others = p.diary.filter((d) => d.dayId !== p.dayId);
      return (
        <>
          <DiaryForm
            dc={p.dayOnCourseId}
            sd={step.stepOnDayId}
            userId={p.userId}
            action={action}
            csrf={csrf}
            content={fb?.values?.content ?? own?.content ?? ""}
            max={DIARY_MAX}
            error={fb?.errors?.content ?? null}
            labels={L.diary}
          />
          <section class="diary-history" aria-labelledby={`diary-history-${step.stepOnDayId}`}>
            <h3 id={`diary-history-${step.stepOnDayId}`}>{t("training.diary.earlier")}</h3>
            {others.length === 0 ? <p class="muted">{t("training.diary.none")}</p> : (
              <ul>
                {others.map((d) => (
                  <li key={d.dayId}>
                    <p class="diary-history__day">
                      <a href={dayPath(p.courseSlug, d.dayOnCourseId)}>{d.dayTitle}</a>{" "}
                      <span class="muted">· {t.date(d.updatedAt)}</span>
                    </p>
                    <p class="diary-history__text">{d.content}</p>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      );
    }
    case "EXAMINATION": {
      const e = step.exam;
      return (
        <ExamForm
          dc={p.dayOnCourseId}
          sd={step.stepOnDayId}
          userId={p.userId}
          action={action}
          uploadAction={step.requiresVideo ? examFormAction(action, step.stepOnDayId, csrf) : null}
          csrf={csrf}
          questions={step.checklist.map((q) => ({
            id: q.id,
            question: q.question,
            options: q.options,
          }))}
          requiresWritten={step.requiresWritten}
          requiresVideo={step.requiresVideo}
          passPercent={step.passPercent}
          writtenMax={WRITTEN_MAX}
          maxMb={Math.floor(EXAM_VIDEO_MAX_BYTES / (1024 * 1024))}
          result={e
            ? {
              status: e.status,
              answers: e.answers,
              score: e.score,
              maxScore: e.maxScore,
              percent: e.percent,
              written: e.written,
              videoUrl: e.videoUrl,
              videoRemoved: e.videoRemoved,
              trainerComment: e.trainerComment,
              perQuestion: e.perQuestion,
            }
            : null}
          values={fb?.values
            ? {
              answers: fb.values.answers ?? {},
              written: fb.values.written ?? "",
              videoKey: fb.values.videoKey ?? "",
            }
            : null}
          errors={fb?.errors ?? null}
          labels={L.exam}
        />
      );
    }
  }
}

/**
 * Where an exam with a video posts without JavaScript: one multipart form
 * (answers and file) to the day's `exam` route. The CSRF token goes in the
 * URL because the middleware does not read streamed bodies.
 */
export function examFormAction(dayUrl: string, stepOnDayId: string, csrf: string): string {
  return `${dayUrl.replace(/\/+$/, "")}/exam?${new URLSearchParams({
    step: stepOnDayId,
    _csrf: csrf,
  })}`;
}

export function StepCard(p: StepCardProps) {
  const { step, t } = p;
  const key = badgeKey(step);
  const minutes = step.estimatedSec
    ? t("training.step.estimated", {
      minutes: t("minutes.short", { count: Math.max(1, Math.round(step.estimatedSec / 60)) }),
    })
    : null;
  return (
    <li class={`step step--${step.type.toLowerCase()}`} id={`step-${step.stepOnDayId}`}>
      <details class="step__details" open={p.open}>
        <summary class="step__summary">
          <span class="step__num" aria-hidden="true">{step.index + 1}</span>
          <span class="step__head">
            <span class="step__title">
              <span class="visually-hidden">
                {t("training.step.number", { n: step.index + 1 })}:
              </span>
              {step.title}
            </span>
            <span class="step__meta">
              {t(`training.type.${step.type}`)}
              {step.durationSec !== null && <>{" · "}{formatClock(step.durationSec * 1000)}</>}
              {step.durationSec === null && minutes && <>{" · "}{minutes}</>}
            </span>
          </span>
          <span class="status-badge" data-step-status={step.stepOnDayId} data-status={key}>
            {statusLabels(t)[key]}
          </span>
        </summary>
        <div class="step__body">
          <Media step={step} t={t} csrf={p.csrf} />
          <div class="prose" dangerouslySetInnerHTML={{ __html: step.descriptionHtml }} />
          <ChecklistItems step={step} t={t} />
          <Work {...p} />
        </div>
      </details>
    </li>
  );
}
