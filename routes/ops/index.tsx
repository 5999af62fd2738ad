/** Ops overview: the process, the database, KV, storage, ffmpeg, queues and errors at a glance. */
import { Fragment } from "preact";
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { overview } from "@/core/ops.ts";
import { JOB_STATES } from "@/queues/types.ts";
import { formatBytes, formatDuration, when } from "./(_lib)/ui.tsx";

export const handler = define.handlers({
  async GET(ctx) {
    return page({ o: await overview(ctx.state.services, ctx.state.user) }, {
      headers: { "cache-control": "no-store" },
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { o } = data;
  const q = o.queues;
  return (
    <>
      <PageTitle t={t} title={t("ops.title")} />
      <h1>{t("ops.title")}</h1>
      <p class="lead">{t("ops.overview.lead")}</p>
      <div class="ops-cards">
        <section class="ops-card" aria-labelledby="ov-process">
          <h2 id="ov-process">{t("ops.overview.process")}</h2>
          <dl class="ops-dl">
            <dt>{t("ops.overview.uptime")}</dt>
            <dd>{formatDuration(t, o.uptimeSec * 1000)}</dd>
            <dt>{t("ops.overview.started")}</dt>
            <dd>{when(state, o.startedAt)}</dd>
            <dt>{t("ops.overview.release")}</dt>
            <dd>{o.release}</dd>
            <dt>Deno</dt>
            <dd>{o.deno}</dd>
            <dt>PID</dt>
            <dd>{o.pid}</dd>
            <dt>{t("ops.overview.memory")}</dt>
            <dd>
              {t("ops.overview.memoryValue", {
                rss: formatBytes(t, o.memory.rss),
                heap: formatBytes(t, o.memory.heapUsed),
                total: formatBytes(t, o.memory.heapTotal),
              })}
            </dd>
          </dl>
        </section>

        <section class="ops-card" aria-labelledby="ov-db">
          <h2 id="ov-db">{t("ops.overview.database")}</h2>
          <dl class="ops-dl">
            <dt>{t("ops.overview.engine")}</dt>
            <dd>
              {o.database.kind === "pglite" ? t("ops.overview.pglite") : "PostgreSQL"}
              {o.database.version && ` ${o.database.version}`}
            </dd>
            <dt>{t("ops.overview.state")}</dt>
            <dd>{o.database.ok ? t("ops.overview.ok") : t("ops.overview.down")}</dd>
            <dt>{t("ops.overview.size")}</dt>
            <dd>{formatBytes(t, o.database.sizeBytes)}</dd>
            <dt>{t("ops.overview.connections")}</dt>
            <dd>{o.database.connections ?? "—"}</dd>
          </dl>
        </section>

        <section class="ops-card" aria-labelledby="ov-storage">
          <h2 id="ov-storage">{t("ops.overview.storage")}</h2>
          <dl class="ops-dl">
            <dt>{t("ops.overview.kv")}</dt>
            <dd>
              {o.kv.path === null ? t("ops.overview.inMemory") : formatBytes(t, o.kv.sizeBytes)}
            </dd>
            <dt>{t("ops.overview.files")}</dt>
            <dd>
              {o.storage.kind === "s3" ? "S3" : t("ops.overview.localDir")}
              {": "}
              {o.storage.error
                ? t("ops.overview.unavailable")
                : o.storage.use
                ? t("ops.overview.filesValue", {
                  files: t.number(o.storage.use.files),
                  size: formatBytes(t, o.storage.use.bytes),
                })
                : t("ops.overview.measuring")}
            </dd>
            {o.storage.use && (
              <>
                <dt>{t("ops.overview.measured")}</dt>
                <dd>{when(state, o.storage.use.measuredAt)}</dd>
              </>
            )}
            <dt>ffmpeg</dt>
            <dd>{o.ffmpeg ?? <strong class="ops-bad">{t("ops.overview.missing")}</strong>}</dd>
          </dl>
        </section>

        <section class="ops-card" aria-labelledby="ov-queues">
          <h2 id="ov-queues">
            <a href="/ops/queues">{t("ops.nav.queues")}</a>
          </h2>
          {q
            ? (
              <dl class="ops-dl">
                {JOB_STATES.filter((s) => s !== "done" && s !== "cancelled").map((s) => (
                  <Fragment key={s}>
                    <dt>{t(`ops.state.${s}`)}</dt>
                    <dd>
                      <a href={`/ops/queues/all?state=${s}`}>{t.number(q.totals[s] ?? 0)}</a>
                    </dd>
                  </Fragment>
                ))}
                <dt>{t("ops.queues.doneHour")}</dt>
                <dd>{t.number(q.totals.doneLastHour)}</dd>
                <dt>{t("ops.queues.failedHour")}</dt>
                <dd>{t.number(q.totals.failedLastHour)}</dd>
                <dt>{t("ops.overview.paused")}</dt>
                <dd>
                  {q.queues.filter((x) => x.paused).map((x) => x.queue).join(", ") ||
                    t("ops.overview.none")}
                </dd>
              </dl>
            )
            : <p>{t("ops.overview.noJobs")}</p>}
        </section>

        <section class="ops-card" aria-labelledby="ov-errors">
          <h2 id="ov-errors">
            <a href="/ops/errors">{t("ops.nav.errors")}</a>
          </h2>
          {o.errors
            ? (
              <dl class="ops-dl">
                <dt>{t("ops.overview.newToday")}</dt>
                <dd>{t.number(o.errors.newToday)}</dd>
                {(["new", "regressed", "resolved", "ignored"] as const).map((s) => (
                  <Fragment key={s}>
                    <dt>{t(`ops.errors.status.${s}`)}</dt>
                    <dd>
                      <a href={`/ops/errors?status=${s}`}>{t.number(o.errors!.byStatus[s] ?? 0)}</a>
                    </dd>
                  </Fragment>
                ))}
              </dl>
            )
            : <p>{t("ops.overview.unavailable")}</p>}
        </section>
      </div>
    </>
  );
});
