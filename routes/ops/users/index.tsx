/**
 * /ops/users: search accounts by username, email or Telegram chat id, filter
 * by role, state and Telegram link; one page of 50 at a time. Staff only
 * (the ops middleware); a plain GET form, so it works without JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { searchUsers, TELEGRAM_FILTERS, USER_STATES } from "@/core/user_admin.ts";
import { ROLES } from "@/db/schema.ts";
import { opsUserPath, opsUsersPath } from "@/core/paths.ts";
import { Badge, Flash, when } from "../(_lib)/ui.tsx";

const PAGE = 50;

export const handler = define.handlers({
  async GET(ctx) {
    const p = ctx.url.searchParams;
    const result = await searchUsers(
      ctx.state.services,
      ctx.state.user,
      {
        q: p.get("q") ?? undefined,
        role: p.get("role") || undefined,
        state: p.get("state") || undefined,
        telegram: p.get("telegram") || undefined,
        offset: p.get("offset") ?? 0,
        limit: PAGE,
      } as Parameters<typeof searchUsers>[2],
    );
    const deleted = p.get("deleted");
    return page({ ...result, deleted }, { headers: { "cache-control": "no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const f = data.query;
  const query = (offset: number) =>
    opsUsersPath({ q: f.q, role: f.role, state: f.state, telegram: f.telegram, offset });
  return (
    <>
      <PageTitle t={t} title={t("admin.users.title")} />
      <h1>{t("admin.users.title")}</h1>
      <p class="lead">{t("admin.users.lead")}</p>
      <Flash
        message={data.deleted ? t("admin.users.done.deleted", { username: data.deleted }) : null}
      />

      <form method="get" action={opsUsersPath()} class="ops-filters" role="search">
        <div class="field">
          <label for="u-q">{t("admin.users.search")}</label>
          <input id="u-q" type="search" name="q" value={f.q ?? ""} maxLength={254} />
        </div>
        <div class="field">
          <label for="u-role">{t("admin.users.role")}</label>
          <select id="u-role" name="role">
            <option value="">{t("admin.users.any")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r} selected={f.role === r}>{t(`profile.role.${r}`)}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="u-state">{t("admin.users.state")}</label>
          <select id="u-state" name="state">
            <option value="">{t("admin.users.any")}</option>
            {USER_STATES.map((v) => (
              <option key={v} value={v} selected={f.state === v}>
                {t(`admin.users.state.${v}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="u-tg">{t("admin.users.telegram")}</label>
          <select id="u-tg" name="telegram">
            <option value="">{t("admin.users.any")}</option>
            {TELEGRAM_FILTERS.map((v) => (
              <option key={v} value={v} selected={f.telegram === v}>
                {t(`admin.users.telegram.${v}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="ops-filters__actions">
          <button type="submit" class="button button--primary">{t("admin.users.filter")}</button>
          {(f.q || f.role || f.state || f.telegram) && (
            <a class="button button--ghost" href={opsUsersPath()}>{t("admin.users.reset")}</a>
          )}
        </div>
      </form>

      <p class="muted" role="status" data-total={data.total}>
        {t.plural("admin.users.count", data.total)}
      </p>
      {data.users.length > 0 && (
        <div class="ops-table-wrap" role="region" aria-labelledby="users-caption" tabIndex={0}>
          <table class="ops-table admin-users">
            <caption id="users-caption" class="visually-hidden">
              {t("admin.users.caption")}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.users.username")}</th>
                <th scope="col">{t("admin.users.email")}</th>
                <th scope="col">{t("admin.users.role")}</th>
                <th scope="col">{t("admin.users.state")}</th>
                <th scope="col">{t("admin.users.telegram")}</th>
                <th scope="col">{t("admin.users.created")}</th>
                <th scope="col">{t("admin.users.lastLogin")}</th>
              </tr>
            </thead>
            <tbody>
              {data.users.map((u) => (
                <tr key={u.id} data-user={u.username}>
                  <th scope="row">
                    <a href={opsUserPath(u.id)}>{u.username}</a>
                  </th>
                  <td>{u.email ?? t("admin.users.none")}</td>
                  <td>{t(`profile.role.${u.role}`)}</td>
                  <td>
                    <Badge kind={u.disabled ? "failed" : "done"}>
                      {t(u.disabled ? "admin.users.state.disabled" : "admin.users.state.active")}
                    </Badge>
                  </td>
                  <td>
                    {t(
                      u.telegramLinked
                        ? "admin.users.telegram.linked"
                        : "admin.users.telegram.unlinked",
                    )}
                  </td>
                  <td>{when(state, u.createdAt)}</td>
                  <td>{u.lastLoginAt ? when(state, u.lastLoginAt) : t("admin.users.never")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="ops-pager" aria-label={t("ops.pager")}>
        {f.offset > 0 && <a href={query(Math.max(0, f.offset - PAGE))}>{t("ops.pager.prev")}</a>}
        {f.offset + data.users.length < data.total && (
          <a href={query(f.offset + PAGE)}>{t("ops.pager.next")}</a>
        )}
      </nav>
    </>
  );
});
