/** The audit log's table: on /ops/audit and, narrowed to one user, on their page. */
import type { State } from "@/define.ts";
import type { AuditEntry } from "@/core/audit.ts";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { opsUserPath } from "@/core/paths.ts";
import { when } from "./ui.tsx";

/** The details worth a glance ("USER → TRAINER", "email", …); the CSV has them whole. */
function summary(e: AuditEntry): string {
  const d = e.details as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof d.from === "string" && typeof d.to === "string") parts.push(`${d.from} → ${d.to}`);
  if (typeof d.channel === "string") parts.push(d.channel);
  if (typeof d.title === "string") parts.push(`«${d.title}»`);
  if (typeof d.total === "number") parts.push(String(d.total));
  if (typeof d.filesDeleted === "number") parts.push(`files: ${d.filesDeleted}`);
  return parts.join(", ");
}

export function AuditTable(p: {
  state: State;
  entries: AuditEntry[];
  captionId: string;
  showTarget: boolean;
}) {
  const { t } = p.state;
  return (
    <div class="ops-table-wrap" role="region" aria-labelledby={p.captionId} tabIndex={0}>
      <table class="ops-table admin-audit">
        <caption id={p.captionId} class="visually-hidden">{t("admin.audit.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("admin.audit.when")}</th>
            <th scope="col">{t("admin.audit.actor")}</th>
            <th scope="col">{t("admin.audit.action")}</th>
            {p.showTarget && <th scope="col">{t("admin.audit.target")}</th>}
            <th scope="col">{t("admin.audit.details")}</th>
          </tr>
        </thead>
        <tbody>
          {p.entries.map((e) => {
            const username = (e.details as { username?: unknown }).username;
            return (
              <tr key={e.id} data-action={e.action}>
                <td>{when(p.state, e.createdAt)}</td>
                <td data-col="actor">
                  {e.actorId ? e.actorName : t("admin.audit.system")}
                </td>
                <td>{t(`admin.audit.action.${e.action}` as MessageKey)}</td>
                {p.showTarget && (
                  <td data-col="target">
                    {e.targetUserId
                      ? (
                        <a href={opsUserPath(e.targetUserId)}>
                          {typeof username === "string" ? username : e.targetUserId}
                        </a>
                      )
                      : "—"}
                  </td>
                )}
                <td>{summary(e)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
