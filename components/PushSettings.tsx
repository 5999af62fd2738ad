import type { State } from "@/define.ts";
import PushToggle from "@/islands/PushToggle.tsx";

/** The "Push notifications" section of /settings (anchor #push). */
export function PushSettings({ state }: { state: State }) {
  const { t } = state;
  return (
    <section class="settings-section" id="push" aria-labelledby="h-push">
      <h2 id="h-push">{t("push.title")}</h2>
      <p>{t("push.lead")}</p>
      <PushToggle
        csrf={state.csrf()}
        labels={{
          enable: t("push.enable"),
          disable: t("push.disable"),
          on: t("push.on"),
          off: t("push.off"),
          checking: t("push.checking"),
          noscript: t("push.noscript"),
          unsupported: t("push.unsupported"),
          insecure: t("push.insecure"),
          denied: t("push.denied"),
          dismissed: t("push.dismissed"),
          unavailable: t("push.unavailable"),
          failed: t("push.failed"),
          disableFailed: t("push.disableFailed"),
          working: t("push.working"),
        }}
      />
      <p class="muted">
        <a href="/notifications">{t("notifications.title")}</a>
      </p>
    </section>
  );
}
