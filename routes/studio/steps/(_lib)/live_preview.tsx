/** The step editor's live Markdown preview island, with its labels in the user's language. */
import type { State } from "@/define.ts";
import MarkdownPreview from "@/islands/MarkdownPreview.tsx";
import { studioPreviewApiPath } from "@/core/paths.ts";

export function LivePreview({ state, source }: { state: State; source: string }) {
  const { t } = state;
  return (
    <MarkdownPreview
      source={source}
      api={studioPreviewApiPath()}
      csrf={state.csrf()}
      labels={{
        title: t("studio.steps.preview.title"),
        hint: t("studio.preview.live"),
        empty: t("studio.steps.preview.empty"),
        failed: t("studio.preview.failed"),
        network: t("studio.reorder.network"),
      }}
    />
  );
}
