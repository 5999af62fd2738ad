/** Queues: jobs by state per queue (kept current by an island), latency, the last hour. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { queueStats } from "@/core/ops.ts";
import { JOB_STATES } from "@/queues/types.ts";
import QueueCounts from "@/islands/QueueCounts.tsx";
import { canWrite, Flash } from "../(_lib)/ui.tsx";
import { queueRows, stateLabels, unitLabels } from "../(_lib)/queues.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const stats = await queueStats(ctx.state.services, ctx.state.user);
    return page({ stats, done: ctx.url.searchParams.get("done") }, {
      headers: { "cache-control": "no-store" },
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { stats } = data;
  const write = canWrite(state);
  return (
    <>
      <PageTitle t={t} title={t("ops.queues.title")} />
      <h1>{t("ops.queues.title")}</h1>
      <p class="lead">{t("ops.queues.lead")}</p>
      <Flash
        message={data.done === "pause"
          ? t("ops.done.paused")
          : data.done === "resume"
          ? t("ops.done.resumed")
          : null}
      />
      <QueueCounts
        rows={queueRows(stats)}
        at={stats.at.toISOString()}
        states={[...JOB_STATES]}
        locale={state.locale}
        csrf={write ? state.csrf() : null}
        labels={{
          caption: t("ops.queues.caption"),
          queue: t("ops.queues.queue"),
          latency: t("ops.queues.latency"),
          doneHour: t("ops.queues.doneHour"),
          failedHour: t("ops.queues.failedHour"),
          actions: t("ops.queues.actions"),
          paused: t("ops.queues.paused"),
          pause: t("ops.queues.pause"),
          resume: t("ops.queues.resume"),
          updated: t("ops.queues.updated"),
          stale: t("ops.queues.stale"),
          stalled: t("ops.queues.stalled"),
          states: stateLabels(t),
          units: unitLabels(t),
        }}
      />
      <p>
        {t("ops.queues.allStates")}{" "}
        {(["failed", "dead", "delayed", "active"] as const).map((s, i) => (
          <span key={s}>
            {i > 0 && " · "}
            <a href={`/ops/queues/all?state=${s}`}>{t(`ops.state.${s}`)}</a>
          </span>
        ))}
      </p>
    </>
  );
});
