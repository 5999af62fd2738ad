/** /ops/audit: every recorded admin action, newest first, 50 a page, with a CSV of all of it. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { listAudit } from "@/core/audit.ts";
import { opsAuditCsvPath, opsAuditPath } from "@/core/paths.ts";
import { AuditTable } from "./(_lib)/audit.tsx";

const PAGE = 50;

export const handler = define.handlers({
  async GET(ctx) {
    const offset = Math.min(
      Math.max(0, Number(ctx.url.searchParams.get("offset")) || 0),
      1_000_000,
    );
    const { entries, total } = await listAudit(ctx.state.services, ctx.state.user, {
      limit: PAGE,
      offset,
    });
    return page({ entries, total, offset }, { headers: { "cache-control": "no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("admin.audit.title")} />
      <h1>{t("admin.audit.title")}</h1>
      <p class="lead">{t("admin.audit.lead")}</p>
      <p>
        <a class="button" href={opsAuditCsvPath()} download>{t("admin.audit.csv")}</a>
      </p>
      <p class="muted" role="status">{t.plural("admin.audit.count", data.total)}</p>
      {data.entries.length === 0
        ? <p class="muted">{t("admin.audit.none")}</p>
        : <AuditTable state={state} entries={data.entries} captionId="audit-caption" showTarget />}
      <nav class="ops-pager" aria-label={t("ops.pager")}>
        {data.offset > 0 && (
          <a href={opsAuditPath(Math.max(0, data.offset - PAGE))}>{t("ops.pager.prev")}</a>
        )}
        {data.offset + data.entries.length < data.total && (
          <a href={opsAuditPath(data.offset + PAGE)}>{t("ops.pager.next")}</a>
        )}
      </nav>
    </>
  );
});
