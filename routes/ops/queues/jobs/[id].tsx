/** One job: payload, attempts, errors with stacks, timings, progress; retry or delete it. */
import { z } from "zod";
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { getJob, jobAction } from "@/core/ops.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import {
  ActionButton,
  Badge,
  canWrite,
  ConfirmBox,
  Flash,
  formatDuration,
  prettyJson,
  when,
} from "@/routes/ops/(_lib)/ui.tsx";

const RETRYABLE = new Set(["failed", "dead", "cancelled", "delayed"]);

const postSchema = z.object({ action: z.enum(["retry", "remove"]) });

export const handler = define.handlers({
  async GET(ctx) {
    const job = await getJob(ctx.state.services, ctx.state.user, ctx.params.id);
    return page({
      job,
      confirm: ctx.url.searchParams.get("confirm") === "remove",
      done: ctx.url.searchParams.get("done"),
    }, { headers: { "cache-control": "no-store" } });
  },

  async POST(ctx) {
    const { services, user } = ctx.state;
    const parsed = postSchema.safeParse(await formObject(ctx));
    if (!parsed.success) throw new HttpError(400, "invalid action");
    const job = await getJob(services, user, ctx.params.id);
    const ok = await jobAction(services, user, job.id, parsed.data.action);
    const self = `/ops/queues/jobs/${encodeURIComponent(job.id)}`;
    if (parsed.data.action === "remove" && ok) {
      return redirect(`/ops/queues/${job.queue}?state=${job.state}&done=removed`);
    }
    return redirect(`${self}?done=${ok ? parsed.data.action : "refused"}`);
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const j = data.job;
  const write = canWrite(state);
  const self = `/ops/queues/jobs/${encodeURIComponent(j.id)}`;
  return (
    <>
      <PageTitle t={t} title={t("ops.job.title", { name: j.name })} />
      <p class="ops-crumbs">
        <a href="/ops/queues">{t("ops.nav.queues")}</a>
        {" / "}
        <a href={`/ops/queues/${j.queue}?state=${j.state}`}>{j.queue}</a>
      </p>
      <h1>
        {j.name} <Badge kind={j.state}>{t(`ops.state.${j.state}`)}</Badge>
        {j.stalled && <Badge kind="failed">{t("ops.job.stalled")}</Badge>}
      </h1>
      <Flash
        message={data.done === "retry"
          ? t("ops.done.retried")
          : data.done === "remove"
          ? t("ops.done.removed")
          : null}
      />
      <Flash message={data.done === "refused" ? t("ops.done.refused") : null} kind="bad" />

      {write && data.confirm && j.state !== "active" && (
        <ConfirmBox
          state={state}
          action={self}
          fields={{ action: "remove" }}
          question={t("ops.confirm.remove", { name: j.name })}
          confirmLabel={t("ops.job.remove")}
          cancelHref={self}
        />
      )}
      {write && !data.confirm && (
        <div class="ops-actions">
          {RETRYABLE.has(j.state) && (
            <ActionButton
              state={state}
              action={self}
              fields={{ action: "retry" }}
              label={j.state === "delayed" ? t("ops.job.runNow") : t("ops.job.retry")}
            />
          )}
          {j.state !== "active" && (
            <a class="button button--danger" href={`${self}?confirm=remove`}>
              {t("ops.job.remove")}
            </a>
          )}
        </div>
      )}

      <dl class="ops-dl ops-dl--wide">
        <dt>{t("ops.job.id")}</dt>
        <dd class="ops-id">{j.id}</dd>
        <dt>{t("ops.queues.queue")}</dt>
        <dd>{j.queue}</dd>
        <dt>{t("ops.job.attempts")}</dt>
        <dd>
          {t("ops.job.attemptsValue", {
            n: j.attempts,
            max: j.maxAttempts,
            failures: j.failures,
            stalls: j.stalls,
          })}
        </dd>
        <dt>{t("ops.job.progress")}</dt>
        <dd>
          {j.progress === null ? "—" : (
            <>
              <progress max={100} value={j.progress} aria-label={t("ops.job.progress")} />{" "}
              {j.progress}%
            </>
          )}
        </dd>
        <dt>{t("ops.job.created")}</dt>
        <dd>{when(state, j.createdAt)}</dd>
        <dt>{t("ops.job.runAt")}</dt>
        <dd>{when(state, j.runAt)}</dd>
        {j.nextRetryAt && (
          <>
            <dt>{t("ops.job.nextRetry")}</dt>
            <dd>{when(state, j.nextRetryAt)}</dd>
          </>
        )}
        <dt>{t("ops.job.started")}</dt>
        <dd>{when(state, j.startedAt)}</dd>
        <dt>{t("ops.job.finished")}</dt>
        <dd>{when(state, j.finishedAt)}</dd>
        <dt>{t("ops.job.duration")}</dt>
        <dd>{formatDuration(t, j.durationMs)}</dd>
        <dt>{t("ops.job.heartbeat")}</dt>
        <dd>{when(state, j.heartbeatAt)}</dd>
        {j.dedupeKey && (
          <>
            <dt>{t("ops.job.dedupeKey")}</dt>
            <dd class="ops-id">{j.dedupeKey}</dd>
          </>
        )}
        {j.parked && (
          <>
            <dt>{t("ops.job.parked")}</dt>
            <dd>{t("ops.job.parkedText")}</dd>
          </>
        )}
      </dl>

      <h2>{t("ops.job.payload")}</h2>
      <pre class="ops-pre" tabIndex={0}>{prettyJson(j.payload)}</pre>
      {j.result !== undefined && j.result !== null && (
        <>
          <h2>{t("ops.job.result")}</h2>
          <pre class="ops-pre" tabIndex={0}>{prettyJson(j.result)}</pre>
        </>
      )}

      <h2>{t("ops.job.errors")}</h2>
      {j.errors.length === 0
        ? <p class="muted">{t("ops.job.noErrors")}</p>
        : (
          <ol class="ops-errors" reversed>
            {[...j.errors].reverse().map((e, i) => (
              <li key={i}>
                <p>
                  <strong>{t(`ops.job.errorKind.${e.kind}`)}</strong>
                  {" · "}
                  {t("ops.job.attemptN", { n: e.attempt })}
                  {" · "}
                  {when(state, e.at)}
                </p>
                <pre class="ops-pre ops-pre--message">{e.message}</pre>
                {e.stack && (
                  <details>
                    <summary>{t("ops.stack")}</summary>
                    <pre class="ops-pre" tabIndex={0}>{e.stack}</pre>
                  </details>
                )}
              </li>
            ))}
          </ol>
        )}
    </>
  );
});
