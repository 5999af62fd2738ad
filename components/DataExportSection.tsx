/**
 * The settings section "My data": one button that downloads the user's own
 * archive (a POST), and how often it may (RATE_RULES.dataExport).
 */
import type { State } from "@/define.ts";
import { Section } from "./Section.tsx";
import { ButtonForm } from "./PostForm.tsx";
import { settingsDataExportPath } from "@/core/paths.ts";
import { RATE_RULES } from "@/core/rate_limit.ts";

export function DataExportSection({ state }: { state: State }) {
  const { t } = state;
  return (
    <Section id="h-data" class="settings-section" title={t("settings.data.title")}>
      <p>{t("settings.data.text")}</p>
      <p class="muted">{t("settings.data.limit", { limit: RATE_RULES.dataExport.limit })}</p>
      <ButtonForm
        state={state}
        action={settingsDataExportPath()}
        label={t("settings.data.download")}
      />
    </Section>
  );
}
