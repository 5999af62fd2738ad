/**
 * The success-diary entry of a day: a textarea with a character counter.
 * Saving sends it to the API (the step completes); without JavaScript the
 * same form posts to the day page. Offline the entry is queued
 * (components/training/queue.ts) and the form says it waits to sync.
 */
import { useEffect, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import { type ActionJson, reflect } from "@/components/training/client.ts";
import { onSettled, send } from "@/components/training/queue.ts";
import { stepApiPath } from "@/core/paths.ts";

interface Props {
  /** The step's day on the course and step on the day: how the API addresses it. */
  dc: string;
  sd: string;
  /** The signed-in learner: their offline queue. */
  userId: string;
  action: string;
  csrf: string;
  content: string;
  max: number;
  error: string | null;
  labels: {
    label: string;
    hint: string;
    save: string;
    saved: string;
    queued: string;
    counter: string;
    network: string;
    statuses: Record<string, string>;
  };
}

export default function DiaryForm(p: Props) {
  const { labels } = p;
  const [content, setContent] = useState(p.content);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(p.error ?? "");
  const [saved, setSaved] = useState<"" | "saved" | "queued">("");
  const [live, setLive] = useState(false);
  useEffect(() => {
    setLive(true);
    // The queued entry reached the server (or was refused there).
    return onSettled(p.sd, (e) => {
      if (e.refused) {
        setSaved("");
        setError(e.message ?? "");
        return;
      }
      const data = e.data as ActionJson;
      setSaved("saved");
      reflect(p.sd, data.step, labels.statuses, data);
    });
  }, []);
  const field = `diary-${p.sd}`;

  async function save() {
    setBusy(true);
    setError("");
    setSaved("");
    const r = await send<ActionJson>({
      userId: p.userId,
      csrf: p.csrf,
      url: stepApiPath(p.dc, p.sd, "diary"),
      body: { content },
      sd: p.sd,
      kind: "diary",
    });
    setBusy(false);
    if (r.kind === "refused") {
      setError(r.err.fields?.content ?? (r.err.message || labels.network));
      return;
    }
    if (r.kind === "queued") {
      setSaved("queued");
      reflect(p.sd, { status: "COMPLETED", paused: false }, labels.statuses, { sync: true });
      return;
    }
    setSaved("saved");
    reflect(p.sd, r.data.step, labels.statuses, r.data);
  }

  return (
    <form
      method="post"
      action={p.action}
      class="diary-form"
      data-live={live ? "1" : undefined}
      onSubmit={(e) => {
        if (!live) return;
        e.preventDefault();
        save();
      }}
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="_action" value="diary" />
      <input type="hidden" name="step" value={p.sd} />
      <label for={field}>{labels.label}</label>
      <p class="field-hint" id={`${field}-hint`}>{labels.hint}</p>
      <textarea
        id={field}
        name="content"
        maxLength={p.max}
        rows={6}
        value={content}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={`${field}-hint ${field}-count` + (error ? ` ${field}-error` : "")}
        onInput={(e) => {
          setContent(e.currentTarget.value);
          setSaved("");
        }}
      />
      <p class="field-hint diary-form__count" id={`${field}-count`}>
        {fill(labels.counter, { count: content.length, max: p.max })}
      </p>
      {error && <p class="field-error" id={`${field}-error`} role="alert">{error}</p>}
      <div class="form-actions">
        <button type="submit" class="button button--primary" disabled={busy}>{labels.save}</button>
        <span class="diary-form__saved" role="status">
          {saved === "saved" ? labels.saved : saved === "queued" ? labels.queued : ""}
        </span>
      </div>
    </form>
  );
}
