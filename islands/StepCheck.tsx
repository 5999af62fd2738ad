/**
 * Marks a THEORY step read or a PRACTICE step done.
 *
 * - theory: the step is read the first time its `<details>` opens, the
 *   step the page renders expanded included (the page itself writes
 *   nothing). The "Read" button is a plain form for browsers without
 *   JavaScript.
 * - practice: the "I did it" button; once done, "Undo" resets it.
 *
 * Offline the action is queued (components/training/queue.ts) and shown done
 * but waiting to sync; the server's answer replaces it once it arrives.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { Icon } from "@/components/island_icons.tsx";
import { type ActionJson, reflect, type Status } from "@/components/training/client.ts";
import { onSettled, send } from "@/components/training/queue.ts";
import { stepApiPath } from "@/core/paths.ts";
import type { StepAction } from "@/core/training/actions.ts";

interface Props {
  /** The step's day on the course and step on the day: how the API addresses it. */
  dc: string;
  sd: string;
  /** The signed-in learner: their offline queue. */
  userId: string;
  mode: "theory" | "practice";
  action: string;
  csrf: string;
  status: Status;
  labels: {
    done: string;
    completed: string;
    undo: string;
    network: string;
    statuses: Record<string, string>;
  };
}

export default function StepCheck(p: Props) {
  const { labels } = p;
  const [status, setStatus] = useState<Status>(p.status);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [live, setLive] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const sent = useRef(false);

  async function run(kind: Extract<StepAction, "complete" | "reset">) {
    setBusy(true);
    setError("");
    const r = await send<ActionJson>({
      userId: p.userId,
      csrf: p.csrf,
      url: stepApiPath(p.dc, p.sd, kind),
      body: {},
      sd: p.sd,
      kind,
    });
    setBusy(false);
    if (r.kind === "refused") {
      sent.current = false;
      setError(r.err.message || labels.network);
      return;
    }
    if (r.kind === "queued") {
      const local: Status = kind === "complete" ? "COMPLETED" : "RESET";
      setStatus(local);
      reflect(p.sd, { status: local, paused: false }, labels.statuses, { sync: true });
      return;
    }
    setStatus(r.data.step.status);
    reflect(p.sd, r.data.step, labels.statuses, r.data);
  }

  useEffect(() => {
    setLive(true);
    // A queued action of this step reached the server: show its answer (or its refusal).
    const stop = onSettled(p.sd, (e) => {
      if (e.refused) {
        setError(e.message ?? "");
        return;
      }
      const data = e.data as ActionJson;
      setStatus(data.step.status);
      reflect(p.sd, data.step, labels.statuses, data);
    });
    if (p.mode !== "theory" || p.status === "COMPLETED") return stop;
    const details = root.current?.closest("details");
    if (!details) return stop;
    const onToggle = () => {
      if (details.open && !sent.current) {
        sent.current = true;
        run("complete");
      }
    };
    details.addEventListener("toggle", onToggle);
    onToggle();
    return () => {
      stop();
      details.removeEventListener("toggle", onToggle);
    };
  }, []);

  const done = status === "COMPLETED";
  const kind = done ? "reset" : "complete";
  // Theory needs no button once JavaScript marks it on opening.
  const showButton = p.mode === "practice" || (!done && !live);
  return (
    <div class="step-check" ref={root} data-live={live ? "1" : undefined}>
      {done && (
        <p class="step-check__done">
          <Icon name="check" /> {labels.completed}
        </p>
      )}
      {showButton && (
        <form
          method="post"
          action={p.action}
          onSubmit={(e) => {
            if (!live) return;
            e.preventDefault();
            run(kind);
          }}
        >
          <input type="hidden" name="_csrf" value={p.csrf} />
          <input type="hidden" name="_action" value={kind} />
          <input type="hidden" name="step" value={p.sd} />
          <button
            type="submit"
            class={done ? "button button--ghost" : "button button--primary"}
            disabled={busy}
          >
            {done ? labels.undo : labels.done}
          </button>
        </form>
      )}
      {error && <p class="field-error" role="alert">{error}</p>}
    </div>
  );
}
