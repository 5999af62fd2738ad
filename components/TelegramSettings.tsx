import type { State } from "@/define.ts";
import type { LinkStatus } from "@/core/telegram/link.ts";
import { settingsTelegramPath } from "@/core/paths.ts";
import { PostForm } from "./PostForm.tsx";
import { Section } from "./Section.tsx";

/**
 * The "Telegram" section of /settings (heading #h-telegram): connect (the
 * POST answers with the one-time deep link, routes/settings/telegram.tsx) or
 * unlink. Plain forms: works without scripts.
 */
export function TelegramSettings({ state, status }: { state: State; status: LinkStatus }) {
  const { t } = state;
  return (
    <Section id="h-telegram" class="settings-section" title={t("settings.telegram.title")}>
      {!status.available && !status.linked
        ? <p class="muted">{t("settings.telegram.off")}</p>
        : status.linked
        ? (
          <>
            <p>{t("settings.telegram.linked")}</p>
            <PostForm
              state={state}
              action={settingsTelegramPath()}
              hidden={{ _action: "unlink" }}
              submit={t("settings.telegram.unlink")}
              variant="default"
            />
          </>
        )
        : (
          <>
            <p>{t("settings.telegram.intro")}</p>
            <PostForm
              state={state}
              action={settingsTelegramPath()}
              hidden={{ _action: "connect" }}
              submit={t("settings.telegram.connect")}
              variant="primary"
            />
          </>
        )}
    </Section>
  );
}
