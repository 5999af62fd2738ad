/**
 * Turning Web Push on or off for this browser.
 *
 * Nothing is asked until the user presses the button: then the browser's
 * permission prompt, the service worker (/sw.js), a subscription with the
 * server's VAPID key (GET /api/v1/push/public-key), and POST of the
 * subscription to /api/v1/push/subscriptions. Turning off deletes it on the
 * server and unsubscribes the browser. When this page opens with a
 * subscription already present, it is sent again, so the device follows the
 * account now signed in (and a changed server key leads to a new
 * subscription without asking again).
 *
 * Each state the browser can be in has its own explanation: no JavaScript,
 * no support (e.g. iOS outside the Home Screen), not https, blocked.
 */
import { useEffect, useState } from "preact/hooks";
import { fill } from "@/core/i18n/format.ts";
import { fromBase64Url, toBase64Url } from "@/platform/encoding.ts";
import { serviceWorkerPath } from "@/core/paths.ts";

export interface PushToggleLabels {
  enable: string;
  disable: string;
  on: string;
  off: string;
  checking: string;
  noscript: string;
  unsupported: string;
  insecure: string;
  denied: string;
  dismissed: string;
  unavailable: string;
  failed: string;
  disableFailed: string;
  working: string;
}

interface Props {
  csrf: string;
  labels: PushToggleLabels;
}

type Status =
  | "nojs"
  | "checking"
  | "unsupported"
  | "insecure"
  | "denied"
  | "off"
  | "on"
  | "unavailable";

class PushUnavailable extends Error {}

function supported(): boolean {
  return "serviceWorker" in navigator && "PushManager" in globalThis &&
    "Notification" in globalThis;
}

async function serverKey(): Promise<string> {
  const res = await fetch("/api/v1/push/public-key", { headers: { accept: "application/json" } });
  if (res.status === 503) throw new PushUnavailable();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = await res.json() as { publicKey?: unknown };
  if (typeof body.publicKey !== "string") throw new Error("no public key");
  return body.publicKey;
}

function keyOf(sub: PushSubscription): string | null {
  const key = sub.options.applicationServerKey;
  return key ? toBase64Url(new Uint8Array(key)) : null;
}

async function send(csrf: string, method: "POST" | "DELETE", body: unknown): Promise<Response> {
  return await fetch("/api/v1/push/subscriptions", {
    method,
    headers: {
      "content-type": "application/json",
      "x-csrf-token": csrf,
      accept: "application/json",
    },
    body: JSON.stringify(body),
  });
}

/** A subscription for the server's current key (reusing the browser's if it matches). */
async function subscribe(reg: ServiceWorkerRegistration, key: string): Promise<PushSubscription> {
  const existing = await reg.pushManager.getSubscription();
  if (existing && keyOf(existing) === key) return existing;
  if (existing) await existing.unsubscribe();
  return await reg.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: fromBase64Url(key),
  });
}

async function save(csrf: string, sub: PushSubscription): Promise<void> {
  const res = await send(csrf, "POST", sub.toJSON());
  if (!res.ok) {
    const body = await res.json().catch(() => null) as { message?: string } | null;
    throw new Error(body?.message ?? `HTTP ${res.status}`);
  }
}

async function detect(csrf: string): Promise<Status> {
  if (!globalThis.isSecureContext) return "insecure";
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  const reg = await navigator.serviceWorker.getRegistration("/");
  const sub = await reg?.pushManager.getSubscription();
  if (!reg || !sub || Notification.permission !== "granted") return "off";
  try {
    // Re-send: the device follows the signed-in account and the current server key.
    await save(csrf, await subscribe(reg, await serverKey()));
  } catch (err) {
    if (err instanceof PushUnavailable) return "unavailable";
    // Still subscribed in this browser; the next visit tries again.
  }
  return "on";
}

export default function PushToggle({ csrf, labels }: Props) {
  const [status, setStatus] = useState<Status>("nojs");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    setStatus("checking");
    detect(csrf).then(setStatus, () => setStatus("off"));
  }, []);

  async function enable() {
    setBusy(true);
    setMessage(null);
    let sub: PushSubscription | null = null;
    try {
      // Asked only here, in answer to the click.
      const permission = await Notification.requestPermission();
      if (permission === "denied") return setStatus("denied");
      if (permission !== "granted") return setMessage(labels.dismissed);
      const key = await serverKey();
      // The app shell (islands/AppShell.tsx) registered this release's worker; register it
      // here only if it has not, with the same versioned URL, so no update is triggered.
      if (!(await navigator.serviceWorker.getRegistration("/"))) {
        const release = document.querySelector<HTMLMetaElement>('meta[name="gafus-release"]');
        await navigator.serviceWorker.register(serviceWorkerPath(release?.content ?? "dev"), {
          scope: "/",
        });
      }
      const reg = await navigator.serviceWorker.ready;
      sub = await subscribe(reg, key);
      await save(csrf, sub);
      setStatus("on");
    } catch (err) {
      if (err instanceof PushUnavailable) return setStatus("unavailable");
      // The server did not take it: do not leave a subscription it does not know.
      await sub?.unsubscribe().catch(() => {});
      setMessage(fill(labels.failed, { reason: (err as Error).message || String(err) }));
    } finally {
      setBusy(false);
    }
  }

  async function disable() {
    setBusy(true);
    setMessage(null);
    try {
      const reg = await navigator.serviceWorker.getRegistration("/");
      const sub = await reg?.pushManager.getSubscription();
      if (sub) {
        // 404 (not ours any more) is fine; the browser side is what stops the pushes.
        await send(csrf, "DELETE", { endpoint: sub.endpoint }).catch(() => null);
        await sub.unsubscribe();
      }
      setStatus("off");
    } catch {
      setMessage(labels.disableFailed);
    } finally {
      setBusy(false);
    }
  }

  const text: Record<Status, string> = {
    nojs: labels.noscript,
    checking: labels.checking,
    unsupported: labels.unsupported,
    insecure: labels.insecure,
    denied: labels.denied,
    unavailable: labels.unavailable,
    off: labels.off,
    on: labels.on,
  };
  const canToggle = status === "on" || status === "off";
  return (
    <div class="push-toggle" data-status={status}>
      <p class="push-toggle__status" role="status" aria-live="polite">{text[status]}</p>
      {canToggle && (
        <button
          type="button"
          class={status === "off" ? "button button--primary" : "button"}
          disabled={busy}
          aria-busy={busy}
          onClick={status === "off" ? enable : disable}
        >
          {busy ? labels.working : status === "off" ? labels.enable : labels.disable}
        </button>
      )}
      {message && <p class="push-toggle__error" role="alert">{message}</p>}
    </div>
  );
}
