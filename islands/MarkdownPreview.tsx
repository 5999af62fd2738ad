/**
 * The step editor's live preview: while the trainer types in the description
 * (the textarea with id `source`, outside the island), the text is sent to
 * `POST /api/v1/studio/preview` at most once per pause (≈400 ms) and the
 * answer (rendered by the same sanitizer learners' pages use) is shown in a
 * polite live region. The form's "Preview" button stays the no-JS way.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";

interface Props {
  /** The textarea's id. */
  source: string;
  api: string;
  csrf: string;
  labels: { title: string; hint: string; empty: string; failed: string; network: string };
}

const DEBOUNCE_MS = 400;

export default function MarkdownPreview(p: Props) {
  const { labels } = p;
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inflight = useRef<AbortController | null>(null);

  useEffect(() => {
    const area = document.getElementById(p.source) as HTMLTextAreaElement | null;
    if (!area) return;
    async function render(markdown: string) {
      inflight.current?.abort();
      const ctl = inflight.current = new AbortController();
      try {
        const res = await fetch(p.api, {
          method: "POST",
          headers: {
            "x-csrf-token": p.csrf,
            "content-type": "application/json",
            accept: "application/json",
          },
          credentials: "same-origin",
          body: JSON.stringify({ markdown }),
          signal: ctl.signal,
        });
        const body = await res.json().catch(() => ({})) as { html?: string; message?: string };
        if (ctl.signal.aborted) return;
        if (res.ok && typeof body.html === "string") {
          setHtml(body.html);
          setError("");
        } else setError(fill(labels.failed, { message: body.message ?? labels.network }));
      } catch {
        if (!ctl.signal.aborted) setError(fill(labels.failed, { message: labels.network }));
      }
    }
    const onInput = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => render(area.value), DEBOUNCE_MS);
    };
    area.addEventListener("input", onInput);
    if (area.value.trim()) render(area.value);
    return () => {
      area.removeEventListener("input", onInput);
      clearTimeout(timer.current);
      inflight.current?.abort();
    };
  }, []);

  return (
    <section
      class={html === null && !error ? "step-preview-live" : "step-preview step-preview-live"}
      aria-labelledby={html === null && !error ? undefined : "step-live-preview-title"}
    >
      {(html !== null || error) && (
        <h2 id="step-live-preview-title" class="step-preview-live__title">
          {labels.title} <span class="muted">{labels.hint}</span>
        </h2>
      )}
      <div aria-live="polite" data-live-preview>
        {error
          ? <p class="field-error">{error}</p>
          : html
          ? <div class="prose" dangerouslySetInnerHTML={{ __html: html }} />
          : html === "" && <p>{labels.empty}</p>}
      </div>
    </section>
  );
}
