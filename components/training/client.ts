/**
 * Browser helpers shared by the training islands (timer, step check, diary,
 * exam): calling the JSON API with the CSRF header, and reflecting an
 * answer on the server-rendered parts of the page (the step's status badge,
 * the day's status and counter, the celebration). Imports nothing, so every
 * island can share it in one small chunk.
 */

export type Status = "NOT_STARTED" | "IN_PROGRESS" | "COMPLETED" | "RESET";

export interface StepStateJson {
  id: string;
  status: Status;
  paused: boolean;
  remainingMs: number | null;
  endsAt: string | null;
  activeSeconds: number;
  completedAt: string | null;
}

export interface ActionJson {
  step: StepStateJson;
  day: { status: Status } | null;
  course: { status: Status } | null;
  celebrate: "day" | "course" | null;
}

export interface ApiError {
  status: number;
  error: string;
  message: string;
  fields?: Record<string, string>;
  [extra: string]: unknown;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; err: ApiError };

/** JSON to the API; errors (HTTP or network) come back as values, never thrown. */
export async function api<T>(
  url: string,
  csrf: string,
  body?: unknown,
  networkMessage = "Network error",
): Promise<ApiResult<T>> {
  try {
    const res = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        "x-csrf-token": csrf,
        "accept": "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const json = await res.json().catch(() => ({}));
    if (res.ok) return { ok: true, data: json as T };
    return {
      ok: false,
      err: { status: res.status, error: "error", message: networkMessage, ...json },
    };
  } catch {
    return { ok: false, err: { status: 0, error: "network", message: networkMessage } };
  }
}

/**
 * Updates the badges the server rendered outside the island: the step's
 * status, the day's status and "n of m" counter; then celebrates.
 */
export function reflect(
  sd: string,
  step: { status: Status; paused: boolean },
  labels: Record<string, string>,
  result?: Partial<Pick<ActionJson, "day" | "celebrate">> & {
    waiting?: boolean;
    /** Done on this device, queued for the server (components/training/queue.ts). */
    sync?: boolean;
  },
) {
  const badge = document.querySelector<HTMLElement>(`[data-step-status="${sd}"]`);
  if (badge) {
    const key = result?.sync
      ? "SYNC"
      : result?.waiting
      ? "WAITING"
      : step.paused
      ? "PAUSED"
      : step.status;
    badge.dataset.status = key;
    badge.textContent = labels[key] ?? key;
  }
  const done = document.querySelectorAll('[data-step-status][data-status="COMPLETED"]').length;
  const counter = document.querySelector<HTMLElement>("[data-day-done]");
  if (counter) counter.textContent = String(done);
  const bar = document.querySelector<HTMLProgressElement>("progress[data-day-progress]");
  if (bar) bar.value = done;
  if (result?.day) {
    const day = document.querySelector<HTMLElement>("[data-day-status]");
    if (day) {
      day.dataset.status = result.day.status;
      day.textContent = labels[result.day.status] ?? result.day.status;
    }
  }
  if (result?.celebrate) celebrate(result.celebrate);
}

/**
 * The celebration under the day header: CSS confetti (still under
 * prefers-reduced-motion) and the message in its live region.
 */
export function celebrate(kind: "day" | "course") {
  const box = document.getElementById("celebration");
  if (!box) return;
  box.dataset.kind = "";
  const confetti = box.querySelector<HTMLElement>(".confetti");
  if (confetti && !confetti.children.length) {
    for (let i = 0; i < 24; i++) confetti.append(document.createElement("span"));
  }
  // Restart the animation when a second celebration follows the first.
  void box.offsetWidth;
  box.dataset.kind = kind;
  const msg = box.querySelector<HTMLElement>("[data-celebration-text]");
  if (msg) msg.textContent = box.dataset[kind] ?? "";
}
