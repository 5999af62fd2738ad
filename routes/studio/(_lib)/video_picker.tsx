/**
 * The library video `<select>` of the step and course forms (no JavaScript
 * needed): "no video", then the editor's videos, the ones still transcoding
 * marked as such.
 */
import type { Translator } from "@/core/i18n/mod.ts";
import type { VideoChoice } from "@/core/video/library.ts";
import { SelectField } from "@/components/forms.tsx";

export function VideoPicker(
  p: {
    t: Translator;
    name: string;
    label: string;
    hint?: string;
    value: string;
    error?: string;
    videos: VideoChoice[];
  },
) {
  const { t } = p;
  const label = (v: VideoChoice) =>
    v.status === "READY"
      ? v.title
      : v.status === "FAILED"
      ? t("studio.videos.pick.failed", { title: v.title })
      : t("studio.videos.pick.processing", { title: v.title });
  return (
    <SelectField
      name={p.name}
      label={p.label}
      hint={p.hint}
      error={p.error}
      value={p.value}
      options={[
        { value: "", label: t("studio.videos.pick.none") },
        ...p.videos.map((v) => ({ value: v.id, label: label(v) })),
      ]}
    />
  );
}
