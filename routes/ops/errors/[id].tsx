/** One error group: the stack, its recent occurrences with context; resolve, ignore or reopen it. */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { getErrorGroup, groupActionSchema, setErrorGroupStatus } from "@/core/error_tracking.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { ActionButton, Badge, canWrite, Flash, prettyJson, when } from "../(_lib)/ui.tsx";

export const handler = define.handlers({
  async GET(ctx) {
    const group = await getErrorGroup(ctx.state.services, ctx.state.user, ctx.params.id);
    return page({ group, done: ctx.url.searchParams.get("done") }, {
      headers: { "cache-control": "no-store" },
    });
  },

  async POST(ctx) {
    const action = groupActionSchema.safeParse((await formObject(ctx)).action);
    if (!action.success) throw new HttpError(400, "invalid action");
    const g = await setErrorGroupStatus(
      ctx.state.services,
      ctx.state.user,
      ctx.params.id,
      action.data,
    );
    return redirect(`/ops/errors/${g.id}?done=${action.data}`);
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const g = data.group;
  const self = `/ops/errors/${g.id}`;
  const write = canWrite(state);
  const first = g.reports[0];
  return (
    <>
      <PageTitle t={t} title={`${g.type} — ${t("ops.errors.title")}`} />
      <p class="ops-crumbs">
        <a href="/ops/errors">{t("ops.errors.title")}</a>
      </p>
      <h1>
        {g.type} <Badge kind={g.status}>{t(`ops.errors.status.${g.status}`)}</Badge>
      </h1>
      <Flash
        message={data.done === "resolve"
          ? t("ops.done.resolved")
          : data.done === "ignore"
          ? t("ops.done.ignored")
          : data.done === "reopen"
          ? t("ops.done.reopened")
          : null}
      />
      <pre class="ops-pre ops-pre--message">{g.message}</pre>

      {write && (
        <div class="ops-actions">
          {g.status !== "resolved" && (
            <ActionButton
              state={state}
              action={self}
              fields={{ action: "resolve" }}
              label={t("ops.errors.resolve")}
            />
          )}
          {g.status !== "ignored" && (
            <ActionButton
              state={state}
              action={self}
              fields={{ action: "ignore" }}
              label={t("ops.errors.ignore")}
            />
          )}
          {(g.status === "resolved" || g.status === "ignored") && (
            <ActionButton
              state={state}
              action={self}
              fields={{ action: "reopen" }}
              label={t("ops.errors.reopen")}
            />
          )}
        </div>
      )}

      <dl class="ops-dl ops-dl--wide">
        <dt>{t("ops.errors.source")}</dt>
        <dd>{t(`ops.errors.source.${g.source}`)}</dd>
        <dt>{t("ops.errors.occurrences")}</dt>
        <dd>{t.number(g.count)}</dd>
        <dt>{t("ops.errors.firstSeen")}</dt>
        <dd>{when(state, g.firstSeenAt)}</dd>
        <dt>{t("ops.errors.lastSeen")}</dt>
        <dd>{when(state, g.lastSeenAt)}</dd>
        <dt>{t("ops.errors.where")}</dt>
        <dd class="ops-id">{g.topFrame ?? "—"}</dd>
        {g.resolvedAt && (
          <>
            <dt>{t("ops.errors.resolvedAt")}</dt>
            <dd>
              {when(state, g.resolvedAt)}
              {g.resolvedBy && ` (${g.resolvedBy})`}
            </dd>
          </>
        )}
      </dl>

      {first?.stack && (
        <>
          <h2>{t("ops.stack")}</h2>
          <pre class="ops-pre" tabIndex={0}>{first.stack}</pre>
        </>
      )}

      <h2>{t("ops.errors.recent")}</h2>
      {g.reports.length === 0
        ? <p class="muted">{t("ops.errors.noReports")}</p>
        : (
          <ol class="ops-errors">
            {g.reports.map((r) => (
              <li key={r.id}>
                <p>
                  <strong>{when(state, r.occurredAt)}</strong>
                  {r.release && (
                    <span class="muted">{" · " + t("ops.errors.release", { r: r.release })}</span>
                  )}
                </p>
                <dl class="ops-dl ops-dl--wide">
                  {r.message !== g.message && (
                    <>
                      <dt>{t("ops.errors.message")}</dt>
                      <dd>{r.message}</dd>
                    </>
                  )}
                  <dt>URL</dt>
                  <dd class="ops-id">{r.url ?? "—"}</dd>
                  <dt>{t("ops.errors.user")}</dt>
                  <dd>{r.username ?? r.userId ?? "—"}</dd>
                  <dt>{t("ops.errors.requestId")}</dt>
                  <dd class="ops-id">{r.requestId ?? "—"}</dd>
                  <dt>{t("ops.errors.userAgent")}</dt>
                  <dd class="ops-id">{r.userAgent ?? "—"}</dd>
                </dl>
                {Object.keys(r.context).length > 0 && (
                  <details>
                    <summary>{t("ops.errors.context")}</summary>
                    <pre class="ops-pre" tabIndex={0}>{prettyJson(r.context)}</pre>
                  </details>
                )}
                {r.stack && r !== first && (
                  <details>
                    <summary>{t("ops.stack")}</summary>
                    <pre class="ops-pre" tabIndex={0}>{r.stack}</pre>
                  </details>
                )}
              </li>
            ))}
          </ol>
        )}
    </>
  );
});
