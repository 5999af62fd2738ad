/**
 * The learner's actions made without a connection (browser only): queued in
 * IndexedDB (`gafus-offline`, store `actions`) and replayed in order when the
 * connection returns.
 *
 * Every action gets an idempotency key (a uuid made when it happens) and the
 * client's time of the action (`at`); the server does each key once and
 * applies `at` within its tolerance rules (core/offline/client_time.ts), so
 * a replay sent twice — two tabs, a lost answer — changes nothing.
 *
 * - `send` tries at once when nothing is waiting; a network error or a
 *   server error (5xx) queues the action, and the island shows it as done
 *   but waiting. While something waits, new actions queue behind it: order
 *   is kept.
 * - `flush` replays the queue in order: a success is removed, a refusal
 *   (4xx: the course was closed, the timer is not over) is removed with a
 *   message, a network or server error stops the replay for later. One
 *   replay at a time per page, and across tabs under a Web Lock where the
 *   browser has them.
 * - Triggers: the page's load, the `online` event, the service worker's
 *   `{ type: "gafus-sync" }` message (its Background Sync `gafus-actions`,
 *   registered here whenever something is queued) and the "send now" button.
 *
 * Events on `window`: `gafus-queue` with `{ count }` after every change,
 * `gafus-synced` with `{ sd, kind, data }` when a queued action was accepted,
 * `gafus-dropped` with `{ sd, kind, message }` when it was refused.
 */
import type { DBSchema, IDBPDatabase } from "idb";
import type { ApiError } from "./client.ts";

export const SYNC_TAG = "gafus-actions";
export const SYNC_MESSAGE = "gafus-sync";
const DB_NAME = "gafus-offline";

export interface QueuedAction {
  /** IndexedDB's order of arrival. */
  seq?: number;
  /** The idempotency key, made when the action happened. */
  key: string;
  /** Whose action it is: only their own queue replays under a signed-in user. */
  userId: string;
  url: string;
  body: Record<string, unknown>;
  /** The step on the day, so its island can show the outcome. */
  sd: string;
  kind: string;
  createdAt: number;
}

interface QueueDb extends DBSchema {
  actions: {
    key: number;
    value: QueuedAction;
    indexes: { byUser: string };
  };
}

let dbPromise: Promise<IDBPDatabase<QueueDb>> | null = null;

/**
 * idb comes as its own chunk on first use, not with the page: every step
 * island imports this module, and the day page's script budget (20 KB gzip)
 * has no room for code that only a queued action needs. The service worker
 * precaches every chunk, so it loads offline too.
 */
function db(): Promise<IDBPDatabase<QueueDb>> {
  dbPromise ??= import("idb").then(({ openDB }) =>
    openDB<QueueDb>(DB_NAME, 1, {
      upgrade(d) {
        const store = d.createObjectStore("actions", { keyPath: "seq", autoIncrement: true });
        store.createIndex("byUser", "userId");
      },
    })
  );
  dbPromise.catch(() => {
    dbPromise = null;
  });
  return dbPromise;
}

/** The user's queued actions, oldest first. */
export async function pending(userId: string): Promise<QueuedAction[]> {
  return await (await db()).getAllFromIndex("actions", "byUser", userId);
}

export async function pendingCount(userId: string): Promise<number> {
  return await (await db()).countFromIndex("actions", "byUser", userId);
}

function emit(name: string, detail: unknown) {
  globalThis.dispatchEvent(new CustomEvent(name, { detail }));
}

async function announceCount(userId: string) {
  emit("gafus-queue", { count: await pendingCount(userId) });
}

type Outcome =
  | { kind: "done"; data: unknown }
  | { kind: "refused"; err: ApiError }
  | { kind: "retry" };

/** One try of an action with its key; never throws. */
async function post(item: QueuedAction, csrf: string): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(item.url, {
      method: "POST",
      headers: {
        "x-csrf-token": csrf,
        "accept": "application/json",
        "content-type": "application/json",
        "idempotency-key": item.key,
        // The server corrects `at` by how far this clock is from its own.
        "x-client-sent-at": new Date().toISOString(),
      },
      body: JSON.stringify(item.body),
      credentials: "same-origin",
    });
  } catch {
    return { kind: "retry" };
  }
  const json = await res.json().catch(() => null) as Record<string, unknown> | null;
  if (res.ok) return { kind: "done", data: json };
  // Signed out, a stale CSRF token (an HTML error page), a busy key, a rate limit, a
  // server error: not the action's fault — it waits for a later try.
  if (
    res.status >= 500 || res.status === 401 || res.status === 429 || json === null ||
    json.error === "idempotency_in_progress"
  ) {
    return { kind: "retry" };
  }
  return {
    kind: "refused",
    err: { status: res.status, error: "error", message: "", ...json } as ApiError,
  };
}

/** Asks the service worker for a Background Sync (where the browser has it). */
function registerSync() {
  try {
    const sw = navigator.serviceWorker;
    if (!sw?.controller) return;
    sw.ready.then((r) => {
      const sync = (r as ServiceWorkerRegistration & {
        sync?: { register(tag: string): Promise<void> };
      }).sync;
      return sync?.register(SYNC_TAG);
    }).catch(() => {});
  } catch { /* no service worker here */ }
}

export type SendResult<T> =
  | { kind: "done"; data: T }
  | { kind: "refused"; err: ApiError }
  | { kind: "queued" };

export interface ActionInput {
  userId: string;
  csrf: string;
  url: string;
  body: Record<string, unknown>;
  sd: string;
  kind: string;
}

/**
 * Sends an action now if nothing waits before it, else (or when the network
 * or the server fails) queues it. A refusal comes back as is.
 */
export async function send<T>(a: ActionInput): Promise<SendResult<T>> {
  const item: QueuedAction = {
    key: crypto.randomUUID(),
    userId: a.userId,
    url: a.url,
    body: { ...a.body, at: new Date().toISOString() },
    sd: a.sd,
    kind: a.kind,
    createdAt: Date.now(),
  };
  let waiting = 0;
  try {
    waiting = await pendingCount(a.userId);
  } catch {
    // No IndexedDB (a private window in some browsers): online only, as before.
    const r = await post(item, a.csrf);
    if (r.kind === "retry") return { kind: "refused", err: networkError() };
    return r as SendResult<T>;
  }
  if (waiting === 0 && navigator.onLine !== false) {
    const r = await post(item, a.csrf);
    if (r.kind !== "retry") return r as SendResult<T>;
  }
  await (await db()).add("actions", item);
  registerSync();
  await announceCount(a.userId);
  if (waiting > 0 && navigator.onLine !== false) void flush(a.userId, a.csrf);
  return { kind: "queued" };
}

function networkError(): ApiError {
  return { status: 0, error: "network", message: "" };
}

let running: Promise<void> | null = null;
let again = false;

/** Replays the user's queue in order (one replay at a time; see the module comment). */
export function flush(userId: string, csrf: string): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        const locks = (navigator as Navigator & { locks?: LockManager }).locks;
        if (locks) await locks.request(SYNC_TAG, () => replay(userId, csrf));
        else await replay(userId, csrf);
      } while (again);
    } finally {
      running = null;
    }
  })();
  return running;
}

async function replay(userId: string, csrf: string): Promise<void> {
  const d = await db();
  for (const item of await pending(userId)) {
    // Another tab may have sent it meanwhile.
    if (!(await d.get("actions", item.seq!))) continue;
    const r = await post(item, csrf);
    if (r.kind === "retry") break;
    await d.delete("actions", item.seq!);
    if (r.kind === "done") emit("gafus-synced", { sd: item.sd, kind: item.kind, data: r.data });
    else emit("gafus-dropped", { sd: item.sd, kind: item.kind, message: r.err.message });
    await announceCount(userId);
  }
  await announceCount(userId);
}

let started = false;

/** Replays now and on every later trigger (the page's indicator calls it once). */
export function startSync(userId: string, csrf: string): void {
  if (started) return;
  started = true;
  const go = () => void flush(userId, csrf).catch(() => {});
  globalThis.addEventListener("online", go);
  try {
    navigator.serviceWorker?.addEventListener("message", (e: MessageEvent) => {
      if (e.data?.type === SYNC_MESSAGE) go();
    });
  } catch { /* no service worker here */ }
  go();
}

/** Calls `fn` when a queued action of step `sd` was accepted or refused by the server. */
export function onSettled(
  sd: string,
  fn: (e: { kind: string; data?: unknown; message?: string; refused: boolean }) => void,
): () => void {
  const ok = (e: Event) => {
    const d = (e as CustomEvent).detail;
    if (d.sd === sd) fn({ kind: d.kind, data: d.data, refused: false });
  };
  const no = (e: Event) => {
    const d = (e as CustomEvent).detail;
    if (d.sd === sd) fn({ kind: d.kind, message: d.message, refused: true });
  };
  globalThis.addEventListener("gafus-synced", ok);
  globalThis.addEventListener("gafus-dropped", no);
  return () => {
    globalThis.removeEventListener("gafus-synced", ok);
    globalThis.removeEventListener("gafus-dropped", no);
  };
}
