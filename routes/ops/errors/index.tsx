/** Tracked errors: groups with filters (status, source, text), most recently seen first. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { listErrorGroups } from "@/core/error_tracking.ts";
import {
  ERROR_GROUP_STATUSES,
  ERROR_SOURCES,
  type ErrorGroupStatus,
  type ErrorSource,
} from "@/db/schema.ts";
import { Badge, when } from "../(_lib)/ui.tsx";

const PAGE = 50;

function pick<T extends string>(v: string | null, allowed: readonly T[]): T | undefined {
  return v && (allowed as readonly string[]).includes(v) ? v as T : undefined;
}

export const handler = define.handlers({
  async GET(ctx) {
    const p = ctx.url.searchParams;
    const filter = {
      status: pick<ErrorGroupStatus>(p.get("status"), ERROR_GROUP_STATUSES),
      source: pick<ErrorSource>(p.get("source"), ERROR_SOURCES),
      q: (p.get("q") ?? "").trim().slice(0, 200) || undefined,
    };
    const offset = Math.min(Math.max(0, Number(p.get("offset")) || 0), 1_000_000);
    const { groups, total } = await listErrorGroups(ctx.state.services, ctx.state.user, {
      ...filter,
      limit: PAGE,
      offset,
    });
    return page({ filter, offset, groups, total }, { headers: { "cache-control": "no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { filter } = data;
  const query = (offset: number) => {
    const q = new URLSearchParams();
    if (filter.status) q.set("status", filter.status);
    if (filter.source) q.set("source", filter.source);
    if (filter.q) q.set("q", filter.q);
    if (offset) q.set("offset", String(offset));
    const s = q.toString();
    return `/ops/errors${s ? "?" + s : ""}`;
  };
  return (
    <>
      <PageTitle t={t} title={t("ops.errors.title")} />
      <h1>{t("ops.errors.title")}</h1>
      <p class="lead">{t("ops.errors.lead")}</p>

      <form method="get" action="/ops/errors" class="ops-filters" role="search">
        <div class="field">
          <label for="f-status">{t("ops.errors.status")}</label>
          <select id="f-status" name="status">
            <option value="">{t("ops.errors.any")}</option>
            {ERROR_GROUP_STATUSES.map((s) => (
              <option key={s} value={s} selected={filter.status === s}>
                {t(`ops.errors.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-source">{t("ops.errors.source")}</label>
          <select id="f-source" name="source">
            <option value="">{t("ops.errors.any")}</option>
            {ERROR_SOURCES.map((s) => (
              <option key={s} value={s} selected={filter.source === s}>
                {t(`ops.errors.source.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-q">{t("ops.errors.search")}</label>
          <input id="f-q" type="search" name="q" value={filter.q ?? ""} maxLength={200} />
        </div>
        <div class="ops-filters__actions">
          <button type="submit" class="button button--primary">{t("ops.errors.filter")}</button>
          {(filter.status || filter.source || filter.q) && (
            <a class="button button--ghost" href="/ops/errors">{t("ops.errors.reset")}</a>
          )}
        </div>
      </form>

      <p class="muted" role="status">{t.plural("ops.errors.count", data.total)}</p>
      {data.groups.length > 0 && (
        <div class="ops-table-wrap" role="region" aria-labelledby="errors-caption" tabIndex={0}>
          <table class="ops-table">
            <caption id="errors-caption" class="visually-hidden">{t("ops.errors.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("ops.errors.error")}</th>
                <th scope="col">{t("ops.errors.status")}</th>
                <th scope="col">{t("ops.errors.source")}</th>
                <th scope="col" class="num">{t("ops.errors.occurrences")}</th>
                <th scope="col">{t("ops.errors.lastSeen")}</th>
                <th scope="col">{t("ops.errors.firstSeen")}</th>
              </tr>
            </thead>
            <tbody>
              {data.groups.map((g) => (
                <tr key={g.id}>
                  <th scope="row" class="ops-error-cell">
                    <a href={`/ops/errors/${g.id}`}>
                      <strong>{g.type}</strong>: {g.message.split("\n")[0].slice(0, 160)}
                    </a>
                    {g.topFrame && <div class="muted ops-id">{g.topFrame.slice(0, 120)}</div>}
                  </th>
                  <td>
                    <Badge kind={g.status}>{t(`ops.errors.status.${g.status}`)}</Badge>
                  </td>
                  <td>{t(`ops.errors.source.${g.source}`)}</td>
                  <td class="num">{t.number(g.count)}</td>
                  <td>{when(state, g.lastSeenAt)}</td>
                  <td>{when(state, g.firstSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="ops-pager" aria-label={t("ops.pager")}>
        {data.offset > 0 && (
          <a href={query(Math.max(0, data.offset - PAGE))}>{t("ops.pager.prev")}</a>
        )}
        {data.offset + data.groups.length < data.total && (
          <a href={query(data.offset + PAGE)}>{t("ops.pager.next")}</a>
        )}
      </nav>
    </>
  );
});
