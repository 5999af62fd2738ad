/**
 * An EXAMINATION step: test questions, a written answer and a video report,
 * in whatever mix the step asks for. With JavaScript the answers go to the
 * API as JSON and the video is uploaded first (XHR, with a progress bar) or
 * recorded in the browser (MediaRecorder, loaded only when asked for).
 * Without it the same form posts natively: to the day page (urlencoded), or —
 * when the exam asks for a video — as one multipart form with the file to
 * `uploadAction` (the day's `exam` route, CSRF token in its URL).
 *
 * Offline, test and written answers are queued (components/training/queue.ts)
 * and sent when the connection returns; a video needs a connection.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import { formatClock } from "@/core/training/clock.ts";
import { Icon } from "@/components/island_icons.tsx";
import { type ActionJson, reflect } from "@/components/training/client.ts";
import { onSettled, send } from "@/components/training/queue.ts";
import { stepApiPath } from "@/core/paths.ts";

interface Question {
  id: string;
  question: string;
  options: string[];
}

export interface ExamResultJson {
  status: "PENDING" | "APPROVED" | "RETURNED";
  answers: Record<string, number>;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  written: string | null;
  videoUrl: string | null;
  /** The sent video was removed after its storage period (the exam keeps this note). */
  videoRemoved?: boolean;
  trainerComment: string | null;
  perQuestion: { id: string; correct: boolean; comment: string | null }[];
}

interface Props {
  /** The step's day on the course and step on the day: how the API addresses it. */
  dc: string;
  sd: string;
  /** The signed-in learner: their offline queue. */
  userId: string;
  action: string;
  /** The multipart target when the exam asks for a video (no-JavaScript path). */
  uploadAction: string | null;
  csrf: string;
  questions: Question[];
  requiresWritten: boolean;
  requiresVideo: boolean;
  passPercent: number;
  writtenMax: number;
  maxMb: number;
  result: ExamResultJson | null;
  /** What the learner sent when a no-JavaScript submission came back with errors. */
  values: { answers: Record<string, number>; written: string; videoKey: string } | null;
  errors: Record<string, string> | null;
  labels: {
    test: string;
    question: string;
    written: string;
    writtenHint: string;
    video: string;
    videoHint: string;
    videoFile: string;
    videoHintFile: string;
    keep: string;
    record: string;
    stop: string;
    recording: string;
    uploading: string;
    ready: string;
    current: string;
    removed: string;
    noCamera: string;
    tooLarge: string;
    submit: string;
    resubmit: string;
    sent: string;
    queued: string;
    videoOffline: string;
    pending: string;
    approved: string;
    returned: string;
    comment: string;
    score: string;
    passMark: string;
    correct: string;
    wrong: string;
    network: string;
    statuses: Record<string, string>;
  };
}

const MAX_RECORD_SEC = 120;

interface Recording {
  stop(): Promise<Blob>;
  cancel(): void;
}

export default function ExamForm(p: Props) {
  const { labels } = p;
  const [result, setResult] = useState<ExamResultJson | null>(p.result);
  const [answers, setAnswers] = useState<Record<string, number>>(
    p.values?.answers ?? p.result?.answers ?? {},
  );
  const [written, setWritten] = useState(p.values?.written ?? p.result?.written ?? "");
  const [errors, setErrors] = useState<Record<string, string>>(p.errors ?? {});
  const [busy, setBusy] = useState(false);
  const [live, setLive] = useState(false);
  const [sent, setSent] = useState(false);
  // Set by an XHR upload, or by a no-JS try whose answers were refused (its video is stored).
  const [videoKey, setVideoKey] = useState(p.values?.videoKey ?? "");
  const [progress, setProgress] = useState<number | null>(null);
  const [recording, setRecording] = useState<Recording | null>(null);
  const [recordSec, setRecordSec] = useState(0);
  const preview = useRef<HTMLVideoElement>(null);
  const [queued, setQueued] = useState(false);
  useEffect(() => {
    setLive(true);
    // The queued answers reached the server (or were refused there).
    return onSettled(p.sd, (e) => {
      setQueued(false);
      if (e.refused) {
        setErrors({ _form: e.message ?? "" });
        return;
      }
      const data = e.data as ActionJson & { exam: ExamResultJson };
      setResult(data.exam);
      setSent(true);
      reflect(p.sd, data.step, labels.statuses, { ...data, waiting: true });
    });
  }, []);

  useEffect(() => {
    if (!recording) return;
    const started = Date.now();
    const t = setInterval(() => {
      const sec = Math.floor((Date.now() - started) / 1000);
      setRecordSec(sec);
      if (sec >= MAX_RECORD_SEC) stopRecording();
    }, 500);
    return () => clearInterval(t);
  }, [recording]);

  const closed = result?.status === "APPROVED";
  const canRecord = live && typeof MediaRecorder !== "undefined" &&
    !!navigator.mediaDevices?.getUserMedia;

  function upload(blob: Blob) {
    if (blob.size > p.maxMb * 1024 * 1024) {
      setErrors({ video: labels.tooLarge });
      return;
    }
    setErrors((e) => ({ ...e, video: "" }));
    setVideoKey("");
    setProgress(0);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", stepApiPath(p.dc, p.sd, "video"));
    xhr.setRequestHeader("x-csrf-token", p.csrf);
    xhr.setRequestHeader("content-type", blob.type || "application/octet-stream");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      setProgress(null);
      let body: { key?: string; message?: string } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch { /* not JSON */ }
      if (xhr.status === 200 && body.key) setVideoKey(body.key);
      else setErrors((e) => ({ ...e, video: body.message ?? labels.network }));
    };
    xhr.onerror = () => {
      setProgress(null);
      const offline = navigator.onLine === false;
      setErrors((e) => ({ ...e, video: offline ? labels.videoOffline : labels.network }));
    };
    xhr.send(blob);
  }

  async function startRecording() {
    try {
      const { record } = await import("@/components/training/recorder.ts");
      const rec = await record(preview.current!);
      setRecordSec(0);
      setRecording(rec);
    } catch {
      setErrors((e) => ({ ...e, video: labels.noCamera }));
    }
  }

  async function stopRecording() {
    const rec = recording;
    if (!rec) return;
    setRecording(null);
    upload(await rec.stop());
  }

  async function submit() {
    setBusy(true);
    setErrors({});
    const r = await send<ActionJson & { exam: ExamResultJson }>({
      userId: p.userId,
      csrf: p.csrf,
      url: stepApiPath(p.dc, p.sd, "exam"),
      body: { answers, written, ...(videoKey ? { videoKey } : {}) },
      sd: p.sd,
      kind: "exam",
    });
    setBusy(false);
    if (r.kind === "queued") {
      setQueued(true);
      reflect(p.sd, { status: "IN_PROGRESS", paused: false }, labels.statuses, { sync: true });
      return;
    }
    if (r.kind === "refused") {
      const fields = r.err.fields ?? {};
      const message = r.err.message || labels.network;
      setErrors({
        ...fields,
        ...(r.err.error === "video_missing" ? { video: message } : {}),
        _form: fields.answers || Object.keys(fields).length ? "" : message,
      });
      return;
    }
    setResult(r.data.exam);
    setSent(true);
    setVideoKey("");
    reflect(p.sd, r.data.step, labels.statuses, { ...r.data, waiting: true });
  }

  const field = (name: string) => `exam-${p.sd}-${name}`;
  const questionError = (q: Question) => errors[`answers.${q.id}`] || errors.answers;
  const verdict = (q: Question) => result?.perQuestion.find((x) => x.id === q.id);

  return (
    <div class="exam" data-live={live ? "1" : undefined}>
      {result && (
        <div class={`exam__status exam__status--${result.status.toLowerCase()}`} role="status">
          <p>
            <strong>
              {result.status === "APPROVED"
                ? labels.approved
                : result.status === "RETURNED"
                ? labels.returned
                : sent
                ? labels.sent
                : labels.pending}
            </strong>
          </p>
          {result.maxScore !== null && result.maxScore > 0 && (
            <p>
              {fill(labels.score, {
                score: result.score ?? 0,
                max: result.maxScore,
                pct: result.percent ?? 0,
              })} {fill(labels.passMark, { pct: p.passPercent })}
            </p>
          )}
          {result.trainerComment && (
            <blockquote class="exam__comment">
              <p class="muted">{labels.comment}</p>
              <p>{result.trainerComment}</p>
            </blockquote>
          )}
        </div>
      )}
      <form
        method="post"
        action={p.uploadAction ?? p.action}
        enctype={p.uploadAction ? "multipart/form-data" : undefined}
        class="exam__form"
        onSubmit={(e) => {
          if (!live) return;
          e.preventDefault();
          if (!closed) submit();
        }}
      >
        {!p.uploadAction && (
          <>
            <input type="hidden" name="_csrf" value={p.csrf} />
            <input type="hidden" name="_action" value="exam" />
            <input type="hidden" name="step" value={p.sd} />
          </>
        )}
        {errors._form && <p class="field-error" role="alert">{errors._form}</p>}
        {queued && <p class="exam__queued" role="status">{labels.queued}</p>}
        {p.questions.length > 0 && (
          <fieldset class="exam__test" disabled={closed}>
            <legend>{labels.test}</legend>
            {p.questions.map((q, n) => {
              const err = questionError(q);
              const v = verdict(q);
              return (
                <fieldset
                  class="exam__question"
                  key={q.id}
                  aria-describedby={err ? field(`${q.id}-error`) : undefined}
                >
                  <legend>
                    <span class="muted">
                      {fill(labels.question, { n: n + 1, total: p.questions.length })}
                    </span>{" "}
                    {q.question}
                  </legend>
                  {q.options.map((o, i) => (
                    <label class="exam__option" key={i}>
                      <input
                        type="radio"
                        name={`answer_${q.id}`}
                        value={String(i)}
                        checked={answers[q.id] === i}
                        onChange={() => setAnswers((a) => ({ ...a, [q.id]: i }))}
                      />
                      <span>{o}</span>
                    </label>
                  ))}
                  {v && result && (
                    <p class={v.correct ? "exam__verdict exam__verdict--ok" : "exam__verdict"}>
                      <Icon name={v.correct ? "check" : "cross"} />{" "}
                      {v.correct ? labels.correct : labels.wrong}
                      {v.comment && <span class="muted">{v.comment}</span>}
                    </p>
                  )}
                  {err && <p class="field-error" id={field(`${q.id}-error`)}>{err}</p>}
                </fieldset>
              );
            })}
          </fieldset>
        )}
        {p.requiresWritten && (
          <div class="field">
            <label for={field("written")}>{labels.written}</label>
            <p class="field-hint" id={field("written-hint")}>{labels.writtenHint}</p>
            <textarea
              id={field("written")}
              name="written"
              rows={6}
              maxLength={p.writtenMax}
              value={written}
              disabled={closed}
              aria-invalid={errors.written ? "true" : undefined}
              aria-describedby={field("written-hint") +
                (errors.written ? ` ${field("written-error")}` : "")}
              onInput={(e) => setWritten(e.currentTarget.value)}
            />
            {errors.written && (
              <p class="field-error" id={field("written-error")}>{errors.written}</p>
            )}
          </div>
        )}
        {p.requiresVideo && (
          <div class="field exam__video">
            <p class="exam__label">{labels.video}</p>
            {result?.videoUrl && (
              <figure>
                <video src={result.videoUrl} controls preload="metadata" class="exam__player" />
                <figcaption class="muted">{labels.current}</figcaption>
              </figure>
            )}
            {result?.videoRemoved && <p class="muted" data-video-removed>{labels.removed}</p>}
            {!closed && (
              <>
                <p class="field-hint" id={field("video-hint")}>
                  {canRecord ? labels.videoHint : labels.videoHintFile}
                  {!live && result?.videoUrl && !videoKey && <>{" "}{labels.keep}</>}
                </p>
                {/* Before the file: a refused file must not lose the key of one stored earlier. */}
                <input type="hidden" name="video_key" value={videoKey} />
                <label for={field("video")}>{labels.videoFile}</label>
                {/* Without JavaScript the file goes with the form; with it, XHR uploads it at once. */}
                <input
                  id={field("video")}
                  type="file"
                  name="video"
                  accept="video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov"
                  required={!live && !videoKey && !result?.videoUrl}
                  aria-invalid={errors.video ? "true" : undefined}
                  aria-describedby={field("video-hint") +
                    (errors.video ? ` ${field("video-error")}` : "")}
                  disabled={!!recording || progress !== null}
                  onChange={(e) => {
                    const f = e.currentTarget.files?.[0];
                    if (f && live) upload(f);
                  }}
                />
                {canRecord && (
                  <div class="exam__recorder">
                    <video
                      ref={preview}
                      muted
                      playsInline
                      class="exam__player"
                      hidden={!recording}
                    />
                    {recording
                      ? (
                        <>
                          <p role="status">
                            {fill(labels.recording, {
                              time: formatClock(recordSec * 1000),
                              max: formatClock(MAX_RECORD_SEC * 1000),
                            })}
                          </p>
                          <button type="button" class="button" onClick={stopRecording}>
                            {labels.stop}
                          </button>
                        </>
                      )
                      : (
                        <button
                          type="button"
                          class="button"
                          disabled={progress !== null}
                          onClick={startRecording}
                        >
                          {labels.record}
                        </button>
                      )}
                  </div>
                )}
                {progress !== null && (
                  <p>
                    <label for={field("progress")}>
                      {fill(labels.uploading, { pct: progress })}
                    </label>
                    <progress id={field("progress")} max={100} value={progress} />
                  </p>
                )}
                {videoKey && (
                  <p class="exam__ready" role="status">
                    <Icon name="check" /> {labels.ready}
                  </p>
                )}
                {errors.video && (
                  <p class="field-error" id={field("video-error")} role="alert">{errors.video}</p>
                )}
              </>
            )}
          </div>
        )}
        {!closed && (
          <div class="form-actions">
            <button
              type="submit"
              class="button button--primary"
              disabled={busy || progress !== null || !!recording}
            >
              {result ? labels.resubmit : labels.submit}
            </button>
          </div>
        )}
      </form>
    </div>
  );
}
