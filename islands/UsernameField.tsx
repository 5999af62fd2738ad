/**
 * The username input in settings with a live "is it free?" check. The
 * server renders the same input, so the form works without JavaScript;
 * with it, typing asks `GET /api/v1/users/username-available` (debounced,
 * earlier requests cancelled) and shows the answer under the field.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { Field } from "@/components/forms.tsx";

interface Props {
  id: string;
  value: string;
  error?: string;
  current: string;
  labels: {
    label: string;
    hint: string;
    checking: string;
    available: string;
    taken: string;
    current: string;
    checkFailed: string;
    /** The format rule, shown without asking the server. */
    invalid: string;
  };
}

type Status = { kind: "idle" | "checking" | "ok" | "bad"; text: string };

const DEBOUNCE_MS = 350;
/** Same rule as `usernameSchema` in core/users.ts (the server checks again). */
const USERNAME_RE = /^[a-z0-9_]{3,32}$/;

export default function UsernameField(props: Props) {
  const { labels } = props;
  const [value, setValue] = useState(props.value);
  const [status, setStatus] = useState<Status>({ kind: "idle", text: "" });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inflight = useRef<AbortController | null>(null);
  // Marks the field as live once hydrated (tests wait for it).
  const [live, setLive] = useState(false);

  useEffect(() => {
    setLive(true);
    return () => {
      clearTimeout(timer.current);
      inflight.current?.abort();
    };
  }, []);

  function check(raw: string) {
    clearTimeout(timer.current);
    inflight.current?.abort();
    const u = raw.trim().toLowerCase();
    if (!u) {
      setStatus({ kind: "idle", text: "" });
      return;
    }
    if (u === props.current) {
      setStatus({ kind: "ok", text: labels.current });
      return;
    }
    if (!USERNAME_RE.test(u)) {
      setStatus({ kind: "bad", text: labels.invalid });
      return;
    }
    setStatus({ kind: "checking", text: labels.checking });
    timer.current = setTimeout(async () => {
      const ctrl = new AbortController();
      inflight.current = ctrl;
      try {
        const res = await fetch(`/api/v1/users/username-available?u=${encodeURIComponent(u)}`, {
          headers: { accept: "application/json" },
          signal: ctrl.signal,
        });
        const body = await res.json().catch(() => null) as
          | { available?: boolean; current?: boolean; message?: string; fields?: { u?: string } }
          | null;
        if (res.ok && body) {
          setStatus(
            body.current
              ? { kind: "ok", text: labels.current }
              : body.available
              ? { kind: "ok", text: labels.available }
              : { kind: "bad", text: labels.taken },
          );
        } else if (res.status === 400 && body?.fields?.u) {
          setStatus({ kind: "bad", text: body.fields.u });
        } else {
          setStatus({ kind: "idle", text: body?.message ?? labels.checkFailed });
        }
      } catch (err) {
        if ((err as Error).name !== "AbortError") {
          setStatus({ kind: "idle", text: labels.checkFailed });
        }
      }
    }, DEBOUNCE_MS);
  }

  const statusId = `${props.id}-status`;
  return (
    <Field
      id={props.id}
      name="username"
      label={labels.label}
      hint={labels.hint}
      error={props.error}
      value={value}
      required
      autocomplete="username"
      describedById={statusId}
      input={{
        maxLength: 32,
        autocapitalize: "none",
        spellcheck: false,
        onInput: (e) => {
          const v = e.currentTarget.value;
          setValue(v);
          check(v);
        },
      }}
    >
      <p
        id={statusId}
        class={`field-status field-status--${status.kind}`}
        role="status"
        aria-live="polite"
        data-live={live ? "" : undefined}
      >
        {status.text}
      </p>
    </Field>
  );
}
