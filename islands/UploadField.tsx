/**
 * A file field that shows upload progress. The server renders the same
 * input inside a plain multipart form, which posts and redirects back
 * without JavaScript. Hydrated, it takes over that form's submit: each
 * chosen file goes by XHR (`FormData`, the same field name) to the JSON
 * route `api`, one after the other, each with its own `<progress>` and a
 * polite live region; a refusal (the JSON answer's message) is shown at the
 * field and stops the rest. When every file is in, the page goes to `next`.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";

interface Props {
  id: string;
  name: string;
  label: string;
  hint: string;
  accept: string;
  multiple: boolean;
  /** The server's message after a no-JS submit. */
  error?: string;
  api: string;
  csrf: string;
  maxMb: number;
  /** Where to go when all files are in (the page, with its notice). */
  next: string;
  labels: {
    /** "{name}" */
    progress: string;
    /** "{name}", "{pct}" */
    percent: string;
    /** "{name}" */
    done: string;
    network: string;
    /** "{name}", "{mb}" */
    tooLarge: string;
  };
}

interface Item {
  name: string;
  pct: number;
  done: boolean;
}

export default function UploadField(p: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [error, setError] = useState(p.error ?? "");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    form.dataset.live = "1";
    const onSubmit = (e: SubmitEvent) => {
      const files = [...(input.current?.files ?? [])];
      // Nothing chosen: the plain post lets the server say so in words.
      if (!files.length) return;
      e.preventDefault();
      if (!busy) void uploadAll(files);
    };
    form.addEventListener("submit", onSubmit);
    return () => form.removeEventListener("submit", onSubmit);
  }, [busy]);

  async function uploadAll(files: File[]) {
    setError("");
    const big = files.find((f) => f.size > p.maxMb * 1024 * 1024);
    if (big) {
      setError(fill(p.labels.tooLarge, { name: big.name, mb: p.maxMb }));
      return;
    }
    setBusy(true);
    setItems(files.map((f) => ({ name: f.name, pct: 0, done: false })));
    for (let i = 0; i < files.length; i++) {
      const failed = await send(
        files[i],
        (pct) => setItems((list) => list.map((it, k) => (k === i ? { ...it, pct } : it))),
      );
      if (failed) {
        setError(failed);
        setStatus("");
        setBusy(false);
        return;
      }
      setItems((list) => list.map((it, k) => (k === i ? { ...it, pct: 100, done: true } : it)));
      setStatus(fill(p.labels.done, { name: files[i].name }));
    }
    location.assign(p.next);
  }

  /** One file; resolves to an error message, or "" when stored. */
  function send(file: File, progress: (pct: number) => void): Promise<string> {
    return new Promise((resolve) => {
      const body = new FormData();
      body.append(p.name, file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", p.api);
      xhr.setRequestHeader("x-csrf-token", p.csrf);
      xhr.setRequestHeader("accept", "application/json");
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) progress(Math.round((e.loaded / e.total) * 100));
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) return resolve("");
        let body: { message?: string; fields?: Record<string, string> } = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch { /* not JSON */ }
        resolve(body.fields?.[p.name] ?? body.message ?? p.labels.network);
      };
      xhr.onerror = () => resolve(p.labels.network);
      xhr.send(body);
    });
  }

  const hintId = `${p.id}-hint`, errorId = `${p.id}-error`, statusId = `${p.id}-status`;
  return (
    <div class={error ? "field field--invalid" : "field"}>
      <label for={p.id}>{p.label}</label>
      <p class="field-hint" id={hintId}>{p.hint}</p>
      {error && <p class="field-error" id={errorId} role="alert">{error}</p>}
      <input
        ref={input}
        id={p.id}
        name={p.name}
        type="file"
        accept={p.accept}
        multiple={p.multiple}
        disabled={busy}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={[hintId, error ? errorId : "", statusId].filter(Boolean).join(" ")}
      />
      {items.length > 0 && (
        <ul class="upload-progress">
          {items.map((it, i) => (
            <li key={i}>
              <label for={`${p.id}-p${i}`}>{fill(p.labels.progress, { name: it.name })}</label>
              <progress
                id={`${p.id}-p${i}`}
                max={100}
                value={it.pct}
                aria-valuetext={fill(p.labels.percent, { name: it.name, pct: it.pct })}
              />
            </li>
          ))}
        </ul>
      )}
      <p class="visually-hidden" id={statusId} role="status" aria-live="polite">{status}</p>
    </div>
  );
}
