/**
 * One queue (or `all`): its jobs of one state, page by page, and the
 * queue-wide actions — retry all failed/dead/cancelled, clean a state, pause
 * and resume. Bulk actions ask first (`?confirm=…`), without JavaScript.
 */
import { z } from "zod";
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import {
  CLEANABLE_STATES,
  listJobs,
  queueAction,
  queueStats,
  RETRYABLE_STATES,
} from "@/core/ops.ts";
import { isQueueName, type QueueName } from "@/queues/define.ts";
import { isJobState, JOB_STATES, type JobState } from "@/queues/types.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import {
  ActionButton,
  Badge,
  canWrite,
  ConfirmBox,
  Flash,
  formatDuration,
  when,
} from "../(_lib)/ui.tsx";

/** "all" lists every queue; anything else must be a queue name (404 otherwise). */
function queueParam(raw: string): QueueName | undefined {
  if (raw === "all") return undefined;
  if (!isQueueName(raw)) throw new HttpError(404);
  return raw;
}

function stateParam(url: URL): JobState {
  const s = url.searchParams.get("state");
  return s && isJobState(s) ? s : "failed";
}

const postSchema = z.object({
  action: z.enum(["retryAll", "clean", "pause", "resume"]),
  state: z.string().optional(),
});

export const handler = define.handlers({
  async GET(ctx) {
    const { services, user } = ctx.state;
    const queue = queueParam(ctx.params.queue);
    const state = stateParam(ctx.url);
    const cursor = ctx.url.searchParams.get("cursor") ?? undefined;
    const [stats, jobs] = await Promise.all([
      queueStats(services, user),
      listJobs(services, user, { queue, state, limit: 50, cursor: cursor?.slice(0, 1000) })
        .catch((err) => {
          // A stale or hand-made cursor: show the first page instead of an error.
          if (cursor) return listJobs(services, user, { queue, state, limit: 50 });
          throw err;
        }),
    ]);
    const counts: Record<string, number> = {};
    let paused = false;
    for (const q of stats.queues) {
      if (queue && q.queue !== queue) continue;
      paused ||= q.paused;
      for (const s of JOB_STATES) counts[s] = (counts[s] ?? 0) + (q.counts[s] ?? 0);
    }
    const confirm = ctx.url.searchParams.get("confirm");
    return page({
      queue: ctx.params.queue,
      isAll: queue === undefined,
      state,
      counts,
      paused: queue ? paused : false,
      jobs,
      cursor,
      confirm: confirm === "retryAll" || confirm === "clean" ? confirm : null,
      done: ctx.url.searchParams.get("done"),
      n: Number(ctx.url.searchParams.get("n") ?? 0) || 0,
    }, { headers: { "cache-control": "no-store" } });
  },

  async POST(ctx) {
    const { services, user } = ctx.state;
    const queue = queueParam(ctx.params.queue);
    const form = postSchema.parse(await formObject(ctx));
    if (form.action === "pause" || form.action === "resume") {
      if (!queue) throw new HttpError(400);
      await queueAction(services, user, { action: form.action, queue });
      return redirect(`/ops/queues?done=${form.action}`);
    }
    // core/ refuses a state the action does not allow (e.g. cleaning active jobs).
    const n = await queueAction(services, user, {
      action: form.action,
      queue,
      state: form.state,
    });
    return redirect(
      `/ops/queues/${ctx.params.queue}?state=${form.state}&done=${form.action}&n=${n}`,
    );
  },
});

export default define.page<typeof handler>(({ data, state: s }) => {
  const { t } = s;
  const write = canWrite(s);
  const base = `/ops/queues/${data.queue}`;
  const title = data.isAll
    ? t("ops.queues.allTitle")
    : t("ops.queues.queueTitle", { queue: data.queue });
  const here = `${base}?state=${data.state}`;
  const stateLabel = t(`ops.state.${data.state}`);
  const retryable = (RETRYABLE_STATES as readonly string[]).includes(data.state);
  const cleanable = (CLEANABLE_STATES as readonly string[]).includes(data.state);
  const doneMessage = data.done === "retryAll"
    ? t("ops.done.retriedAll", { n: data.n })
    : data.done === "clean"
    ? t("ops.done.cleaned", { n: data.n })
    : data.done === "removed"
    ? t("ops.done.removed")
    : null;
  return (
    <>
      <PageTitle t={t} title={`${title} — ${stateLabel}`} />
      <p class="ops-crumbs">
        <a href="/ops/queues">{t("ops.nav.queues")}</a>
      </p>
      <h1>
        {title} {data.paused && <Badge kind="paused">{t("ops.queues.paused")}</Badge>}
      </h1>
      <Flash message={doneMessage} />

      <nav class="ops-tabs" aria-label={t("ops.queues.states")}>
        {JOB_STATES.map((st) => (
          <a
            key={st}
            href={`${base}?state=${st}`}
            aria-current={st === data.state ? "page" : undefined}
          >
            {t(`ops.state.${st}`)} <span class="ops-count">{t.number(data.counts[st] ?? 0)}</span>
          </a>
        ))}
      </nav>

      {data.confirm && write && (
        <ConfirmBox
          state={s}
          action={base}
          fields={{ action: data.confirm, state: data.state }}
          question={data.confirm === "clean"
            ? t("ops.confirm.clean", { state: stateLabel, n: data.counts[data.state] ?? 0 })
            : t("ops.confirm.retryAll", { state: stateLabel, n: data.counts[data.state] ?? 0 })}
          confirmLabel={data.confirm === "clean" ? t("ops.queues.clean") : t("ops.queues.retryAll")}
          cancelHref={here}
        />
      )}

      {write && !data.confirm && (
        <div class="ops-actions">
          {retryable && (data.counts[data.state] ?? 0) > 0 && (
            <a class="button" href={`${here}&confirm=retryAll`}>
              {t("ops.queues.retryAllState", { state: stateLabel })}
            </a>
          )}
          {cleanable && (data.counts[data.state] ?? 0) > 0 && (
            <a class="button button--danger" href={`${here}&confirm=clean`}>
              {t("ops.queues.cleanState", { state: stateLabel })}
            </a>
          )}
          {!data.isAll && (
            <ActionButton
              state={s}
              action={base}
              fields={{ action: data.paused ? "resume" : "pause" }}
              label={data.paused ? t("ops.queues.resume") : t("ops.queues.pause")}
            />
          )}
        </div>
      )}

      {data.jobs.jobs.length === 0
        ? <p class="muted">{t("ops.queues.empty", { state: stateLabel })}</p>
        : (
          <div class="ops-table-wrap" role="region" aria-labelledby="jobs-caption" tabIndex={0}>
            <table class="ops-table">
              <caption id="jobs-caption">
                {t("ops.queues.jobsCaption", { state: stateLabel })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("ops.job.name")}</th>
                  {data.isAll && <th scope="col">{t("ops.queues.queue")}</th>}
                  <th scope="col" class="num">{t("ops.job.attempts")}</th>
                  <th scope="col">{t("ops.job.created")}</th>
                  <th scope="col">{t("ops.job.timing")}</th>
                  <th scope="col">{t("ops.job.lastError")}</th>
                </tr>
              </thead>
              <tbody>
                {data.jobs.jobs.map((j) => (
                  <tr key={j.id}>
                    <th scope="row">
                      <a href={`/ops/queues/jobs/${encodeURIComponent(j.id)}`}>{j.name}</a>
                      <div class="muted ops-id">{j.id}</div>
                    </th>
                    {data.isAll && <td>{j.queue}</td>}
                    <td class="num">{j.attempts}/{j.maxAttempts}</td>
                    <td>{when(s, j.createdAt)}</td>
                    <td>
                      {j.finishedAt
                        ? `${when(s, j.finishedAt)} (${formatDuration(t, j.durationMs)})`
                        : j.state === "active"
                        ? t("ops.job.runningFor", {
                          d: formatDuration(t, Date.now() - (j.startedAt?.getTime() ?? Date.now())),
                        })
                        : t("ops.job.runsAt", { at: when(s, j.nextRetryAt ?? j.runAt) })}
                    </td>
                    <td class="ops-error-cell">
                      {j.lastError?.message.split("\n")[0].slice(0, 140) ?? ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <nav class="ops-pager" aria-label={t("ops.pager")}>
        {data.cursor && <a href={here}>{t("ops.pager.first")}</a>}
        {data.jobs.cursor && (
          <a href={`${here}&cursor=${encodeURIComponent(data.jobs.cursor)}`}>
            {t("ops.pager.next")}
          </a>
        )}
      </nav>
    </>
  );
});
