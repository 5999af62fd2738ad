/**
 * /ops/users/<id>: one account — profile facts, courses and progress, recent
 * step activity, Telegram and email state, and the audit entries about it.
 * Admins get the action forms (role, disable or enable, reset link, delete),
 * each a plain POST here with `_action`, then a redirect back with a notice;
 * moderators see the same page without forms (and the ops middleware refuses
 * their POSTs).
 */
import { define, type State } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { Facts } from "@/components/Facts.tsx";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import {
  NoResetChannelError,
  sendResetLink,
  setUserDisabled,
  setUserRole,
  userCourses,
  userDetail,
} from "@/core/user_admin.ts";
import { listAudit } from "@/core/audit.ts";
import { roleSchema } from "@/core/users.ts";
import { ROLES } from "@/db/schema.ts";
import { coursePath, opsUserDeletePath, opsUserPath, opsUsersPath } from "@/core/paths.ts";
import { Badge, canWrite, Flash, when } from "../../(_lib)/ui.tsx";
import { AuditTable } from "../../(_lib)/audit.tsx";

const DONE = [
  "role",
  "disabled",
  "enabled",
  "reset.telegram",
  "reset.email",
] as const;
type Done = typeof DONE[number];

async function load(ctx: { state: State; params: Record<string, string> }) {
  const s = ctx.state.services;
  const user = await userDetail(s, ctx.state.user, ctx.params.id);
  const [{ courses, activity }, audit] = await Promise.all([
    userCourses(s, ctx.state.user, user.id),
    listAudit(s, ctx.state.user, { targetUserId: user.id, limit: 50 }),
  ]);
  return { user, courses, activity, audit: audit.entries };
}

export const handler = define.handlers({
  async GET(ctx) {
    const done = ctx.url.searchParams.get("done") ?? "";
    return page({
      ...await load(ctx),
      done: (DONE as readonly string[]).includes(done) ? done as Done : undefined,
      error: undefined as string | undefined,
    }, { headers: { "cache-control": "no-store" } });
  },
  async POST(ctx) {
    const s = ctx.state.services;
    const actor = ctx.state.user;
    const form = await formObject(ctx);
    const id = ctx.params.id;
    switch (form._action) {
      case "role": {
        const role = roleSchema.safeParse(form.role);
        if (!role.success) throw new HttpError(400, "unknown role");
        const r = await setUserRole(s, actor, id, role.data);
        // The same role again changes nothing (and ends no session): no notice.
        return redirect(opsUserPath(r.id, r.before === r.after ? undefined : "role"), 303);
      }
      case "disable":
      case "enable": {
        const r = await setUserDisabled(s, actor, id, form._action === "disable");
        return redirect(
          opsUserPath(r.id, form._action === "disable" ? "disabled" : "enabled"),
          303,
        );
      }
      case "reset": {
        try {
          const r = await sendResetLink(s, actor, id);
          return redirect(opsUserPath(r.id, `reset.${r.channel}`), 303);
        } catch (err) {
          if (!(err instanceof NoResetChannelError)) throw err;
          return page({
            ...await load(ctx),
            done: undefined,
            error: ctx.state.t("admin.users.reset.noChannel"),
          }, { status: 409, headers: { "cache-control": "no-store" } });
        }
      }
      default:
        throw new HttpError(400, "unknown action");
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { user: u } = data;
  const self = state.user?.id === u.id;
  return (
    <>
      <PageTitle t={t} title={u.username} />
      <p>
        <a href={opsUsersPath()}>← {t("admin.users.title")}</a>
      </p>
      <h1>{u.username}</h1>
      <Flash message={data.done ? t(`admin.user.done.${data.done}`) : null} />
      <Flash message={data.error} kind="bad" />

      <section aria-labelledby="h-facts">
        <h2 id="h-facts">{t("admin.user.facts")}</h2>
        <Facts
          items={[
            { label: t("admin.user.id"), value: <code>{u.id}</code> },
            { label: t("admin.users.role"), value: t(`profile.role.${u.role}`) },
            {
              label: t("admin.users.state"),
              value: (
                <Badge kind={u.disabledAt ? "failed" : "done"}>
                  {u.disabledAt
                    ? `${t("admin.users.state.disabled")} (${when(state, u.disabledAt)})`
                    : t("admin.users.state.active")}
                </Badge>
              ),
            },
            { label: t("admin.users.email"), value: u.email ?? t("admin.users.none") },
            {
              label: t("admin.users.telegram"),
              value: t(
                u.telegramLinked ? "admin.users.telegram.linked" : "admin.users.telegram.unlinked",
              ),
            },
            { label: t("admin.user.name"), value: u.fullName ?? t("admin.users.none") },
            { label: t("admin.user.language"), value: u.locale },
            { label: t("admin.user.timeZone"), value: u.timeZone },
            { label: t("admin.users.created"), value: when(state, u.createdAt) },
            {
              label: t("admin.users.lastLogin"),
              value: u.lastLoginAt ? when(state, u.lastLoginAt) : t("admin.users.never"),
            },
            { label: t("admin.user.pets"), value: t.number(u.pets) },
            { label: t("admin.user.authored"), value: t.number(u.authoredCourses) },
          ]}
        />
      </section>

      <section aria-labelledby="h-actions">
        <h2 id="h-actions">{t("admin.user.actions")}</h2>
        {!canWrite(state)
          ? <p class="muted">{t("admin.user.readOnly")}</p>
          : self
          ? <p class="muted">{t("admin.user.self")}</p>
          : (
            <div class="admin-actions">
              <p class="muted">{t("admin.user.sessionsEnd")}</p>
              <form method="post" action={opsUserPath(u.id)} class="admin-actions__role">
                <CsrfField state={state} />
                <input type="hidden" name="_action" value="role" />
                <label for="new-role">{t("admin.user.newRole")}</label>
                <select id="new-role" name="role">
                  {ROLES.map((r) => (
                    <option key={r} value={r} selected={u.role === r}>
                      {t(`profile.role.${r}`)}
                    </option>
                  ))}
                </select>
                <button type="submit" class="button">{t("admin.user.changeRole")}</button>
              </form>
              <form method="post" action={opsUserPath(u.id)}>
                <CsrfField state={state} />
                <input type="hidden" name="_action" value={u.disabledAt ? "enable" : "disable"} />
                <button type="submit" class="button">
                  {t(u.disabledAt ? "admin.user.enable" : "admin.user.disable")}
                </button>
              </form>
              {!u.disabledAt && (
                <form method="post" action={opsUserPath(u.id)}>
                  <CsrfField state={state} />
                  <input type="hidden" name="_action" value="reset" />
                  <button type="submit" class="button">{t("admin.user.sendReset")}</button>
                </form>
              )}
              <a class="button button--danger" href={opsUserDeletePath(u.id)}>
                {t("admin.user.delete")}
              </a>
            </div>
          )}
      </section>

      <section aria-labelledby="h-courses">
        <h2 id="h-courses">{t("admin.user.courses")}</h2>
        {data.courses.length === 0 ? <p class="muted">{t("admin.user.noCourses")}</p> : (
          <div
            class="ops-table-wrap"
            role="region"
            aria-labelledby="courses-caption"
            tabIndex={0}
          >
            <table class="ops-table">
              <caption id="courses-caption" class="visually-hidden">
                {t("admin.user.coursesCaption")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.user.course")}</th>
                  <th scope="col">{t("admin.user.status")}</th>
                  <th scope="col" class="num">{t("admin.user.stepsDone")}</th>
                  <th scope="col">{t("admin.user.started")}</th>
                  <th scope="col">{t("admin.user.completed")}</th>
                </tr>
              </thead>
              <tbody>
                {data.courses.map((c) => (
                  <tr key={c.slug}>
                    <th scope="row">
                      <a href={coursePath(c.slug)}>{c.name}</a>
                    </th>
                    <td>{t(`admin.user.status.${c.status as "COMPLETED"}`)}</td>
                    <td class="num">{t.number(c.stepsDone)}</td>
                    <td>{when(state, c.startedAt)}</td>
                    <td>{when(state, c.completedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="h-activity">
        <h2 id="h-activity">{t("admin.user.activity")}</h2>
        {data.activity.length === 0 ? <p class="muted">{t("admin.user.noActivity")}</p> : (
          <div
            class="ops-table-wrap"
            role="region"
            aria-labelledby="activity-caption"
            tabIndex={0}
          >
            <table class="ops-table">
              <caption id="activity-caption" class="visually-hidden">
                {t("admin.user.activityCaption")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.user.when")}</th>
                  <th scope="col">{t("admin.user.course")}</th>
                  <th scope="col">{t("admin.user.step")}</th>
                  <th scope="col">{t("admin.user.status")}</th>
                </tr>
              </thead>
              <tbody>
                {data.activity.map((a, i) => (
                  <tr key={i}>
                    <td>{when(state, a.at)}</td>
                    <td>{a.course}</td>
                    <td>{a.step}</td>
                    <td>{t(`admin.user.status.${a.status as "COMPLETED"}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="h-audit">
        <h2 id="h-audit">{t("admin.user.audit")}</h2>
        {data.audit.length === 0 ? <p class="muted">{t("admin.user.noAudit")}</p> : (
          <AuditTable
            state={state}
            entries={data.audit}
            captionId="user-audit"
            showTarget={false}
          />
        )}
      </section>
    </>
  );
});
