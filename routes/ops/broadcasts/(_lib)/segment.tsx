/** A broadcast's segment in words ("Learners of “Basics”", "Inactive for more than 30 days"). */
import type { Translator } from "@/core/i18n/mod.ts";
import type { Broadcast } from "@/core/broadcasts.ts";

export function SegmentName({ t, broadcast: b }: { t: Translator; broadcast: Broadcast }) {
  const seg = b.segment;
  if (seg.kind === "course") {
    return <>{t("admin.broadcasts.segmentOf.course", { course: b.courseName ?? "—" })}</>;
  }
  if (seg.kind === "inactive") {
    return <>{t("admin.broadcasts.segmentOf.inactive", { days: seg.days })}</>;
  }
  return <>{t("admin.broadcasts.segmentOf.all")}</>;
}
