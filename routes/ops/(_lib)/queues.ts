/** Queue data shaped for the pages and the live island. */
import type { JobStats } from "@/queues/types.ts";
import type { QueueRowData } from "@/islands/QueueCounts.tsx";
import type { Translator } from "@/core/i18n/mod.ts";
import { JOB_STATES } from "@/queues/types.ts";

export function queueRows(stats: JobStats): QueueRowData[] {
  return stats.queues.map((q) => ({
    queue: q.queue,
    paused: q.paused,
    counts: { ...q.counts },
    latencyMs: q.latencyMs,
    doneLastHour: q.doneLastHour,
    failedLastHour: q.failedLastHour,
    stalled: q.stalled,
  }));
}

/** Labels of the job states in the viewer's language. */
export function stateLabels(t: Translator): Record<string, string> {
  return Object.fromEntries(JOB_STATES.map((s) => [s, t(`ops.state.${s}`)]));
}

export function unitLabels(t: Translator) {
  return {
    ms: t("ops.unit.ms"),
    s: t("ops.unit.s"),
    min: t("ops.unit.min"),
    h: t("ops.unit.h"),
    d: t("ops.unit.d"),
  };
}
