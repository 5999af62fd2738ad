/**
 * The "waiting to sync (N)" indicator (islands/SyncStatus.tsx) with its
 * labels, for any page a signed-in learner returns to: mounting it replays
 * their queued offline actions. Nothing for visitors.
 */
import type { Translator } from "@/core/i18n/mod.ts";
import SyncStatus from "@/islands/SyncStatus.tsx";

export function SyncIndicator(
  { t, user, csrf }: { t: Translator; user: { id: string } | null | undefined; csrf: string },
) {
  if (!user) return null;
  return (
    <SyncStatus
      userId={user.id}
      csrf={csrf}
      labels={{
        label: t("offline.sync.label"),
        waiting: t.raw("offline.sync.waiting") as string,
        offline: t("offline.sync.offline"),
        done: t("offline.sync.done"),
        dropped: t.raw("offline.sync.dropped") as string,
        now: t("offline.sync.now"),
        dismiss: t("offline.sync.dismiss"),
      }}
    />
  );
}
