/**
 * The installable app, for every signed-in learner (rendered by _app): the
 * service worker of this release, the "new version — reload" banner, and the
 * install prompt on phones.
 *
 * - Registers `/sw.js?v=<release>` and tells it who is signed in (it clears
 *   another user's cached pages and kept courses).
 * - A new worker waits; the banner (aria-live) offers a reload. Only the
 *   click lets it take over (skip-waiting), then the page reloads once, so a
 *   page never runs with two releases' files.
 * - Install: `beforeinstallprompt` is kept and offered once, only on a
 *   touch-screen phone; "not now" hides it for 90 days (localStorage).
 * - Kept courses: checked against the server every few minutes of browsing
 *   and whenever the connection returns (core/offline/client.ts
 *   `sweepKept`): one the learner lost access to is deleted with its video
 *   keys, a changed one is downloaded again.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { serviceWorkerPath } from "@/core/paths.ts";
import { COURSE_CACHE_PREFIX } from "@/core/offline/cache_names.ts";

export interface AppShellLabels {
  update: string;
  reload: string;
  install: string;
  accept: string;
  later: string;
  installLabel: string;
}

interface Props {
  release: string;
  userId: string;
  labels: AppShellLabels;
}

interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: "accepted" | "dismissed" }>;
}

const INSTALL_KEY = "gafus-install-asked";

/**
 * Checks the kept courses (core/offline/client.ts `sweepKept`), loading that
 * code only on a device that keeps some: every page ships this island, and
 * most learners keep nothing.
 */
async function sweep(force: boolean): Promise<void> {
  try {
    if (typeof caches === "undefined") return;
    if (!(await caches.keys()).some((n) => n.startsWith(COURSE_CACHE_PREFIX))) return;
    const { sweepKept } = await import("@/core/offline/client.ts");
    await sweepKept(force);
  } catch {
    // Offline, storage blocked: the kept copies stay until the next check.
  }
}
const INSTALL_PAUSE_MS = 90 * 24 * 3600 * 1000;

/** A phone: the browser says so, or a touch screen of phone size (never a desktop mouse). */
function isPhone(): boolean {
  const ua = navigator as Navigator & { userAgentData?: { mobile?: boolean } };
  if (ua.userAgentData?.mobile === true) return true;
  return matchMedia("(pointer: coarse)").matches && Math.min(screen.width, screen.height) < 600;
}

function installAskedRecently(): boolean {
  try {
    const at = Number(localStorage.getItem(INSTALL_KEY) ?? 0);
    return Date.now() - at < INSTALL_PAUSE_MS;
  } catch {
    return true;
  }
}

export default function AppShell({ release, userId, labels }: Props) {
  const [waiting, setWaiting] = useState<ServiceWorker | null>(null);
  const [install, setInstall] = useState<InstallPromptEvent | null>(null);
  const reloading = useRef(false);

  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    const sw = navigator.serviceWorker;
    const tell = (w: ServiceWorker | null | undefined) =>
      w?.postMessage({ type: "gafus-user", id: userId });
    const onChange = () => {
      if (!reloading.current) return;
      reloading.current = false;
      location.reload();
    };
    sw.addEventListener("controllerchange", onChange);
    (async () => {
      try {
        const reg = await sw.register(serviceWorkerPath(release), { scope: "/" });
        // A worker already waiting (another tab installed it) or one that finishes installing now.
        if (reg.waiting && sw.controller) setWaiting(reg.waiting);
        reg.addEventListener("updatefound", () => {
          const w = reg.installing;
          w?.addEventListener("statechange", () => {
            if (w.state === "installed" && sw.controller) setWaiting(w);
          });
        });
        tell(sw.controller ?? reg.active);
        (await sw.ready).active?.postMessage({ type: "gafus-user", id: userId });
      } catch {
        // No worker (private mode, blocked): the site works as before, online.
      }
      await sweep(false);
    })();
    const online = () => void sweep(true);
    globalThis.addEventListener("online", online);
    return () => {
      sw.removeEventListener("controllerchange", onChange);
      globalThis.removeEventListener("online", online);
    };
  }, [release, userId]);

  useEffect(() => {
    const onPrompt = (e: Event) => {
      e.preventDefault();
      if (isPhone() && !installAskedRecently()) setInstall(e as InstallPromptEvent);
    };
    globalThis.addEventListener("beforeinstallprompt", onPrompt);
    return () => globalThis.removeEventListener("beforeinstallprompt", onPrompt);
  }, []);

  function remember() {
    try {
      localStorage.setItem(INSTALL_KEY, String(Date.now()));
    } catch { /* storage off: asked again next time */ }
  }

  async function accept() {
    const e = install;
    setInstall(null);
    remember();
    if (e) await e.prompt().catch(() => {});
  }

  function later() {
    setInstall(null);
    remember();
  }

  function reload() {
    if (!waiting) return;
    reloading.current = true;
    waiting.postMessage({ type: "skip-waiting" });
  }

  return (
    <div class="app-shell">
      <div class="app-update" role="status" aria-live="polite">
        {waiting && (
          <p class="app-update__box">
            <span>{labels.update}</span>{" "}
            <button type="button" class="button button--primary" onClick={reload}>
              {labels.reload}
            </button>
          </p>
        )}
      </div>
      {install && (
        <section class="app-install" aria-label={labels.installLabel}>
          <p>{labels.install}</p>
          <button type="button" class="button button--primary" onClick={accept}>
            {labels.accept}
          </button>{" "}
          <button type="button" class="button button--ghost" onClick={later}>
            {labels.later}
          </button>
        </section>
      )}
    </div>
  );
}
