/**
 * The signed-in user's notifications, newest first, 20 a page (keyset
 * pagination with `?before=<id>`). Unread ones are highlighted; opening one
 * goes through `/notifications/<id>`, which marks it read. "Mark all read" is
 * a plain POST form (POST-redirect-GET): it marks everything up to the newest
 * notification the page showed, so one arriving meanwhile stays unread.
 * Ships no JavaScript.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { requireUser } from "@/core/auth/guards.ts";
import { isId } from "@/platform/ids.ts";
import {
  listNotifications,
  markRead,
  newestNotificationId,
  type NotificationItem,
  unreadCount,
} from "@/core/notifications.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { notificationPath } from "@/core/paths.ts";

interface Data {
  items: NotificationItem[];
  next: string | null;
  /** Set on pages after the first. */
  before: string | null;
  unread: number;
  newestId: string | null;
  /** How many the last "mark all read" changed (after the redirect). */
  marked: number | null;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, t } = ctx.state;
    const user = requireUser(ctx.state.user);
    const raw = ctx.url.searchParams.get("before");
    const before = raw && isId(raw) ? raw : null;
    const list = await listNotifications(services, user, t, before ? { before } : {});
    const unread = await unreadCount(services, user.id);
    // The header's bell shows the same number as this page.
    ctx.state.unreadNotifications = unread;
    const marked = Number(ctx.url.searchParams.get("marked"));
    return page({
      items: list.items,
      next: list.next,
      before,
      unread,
      newestId: before ? await newestNotificationId(services, user.id) : list.items[0]?.id ?? null,
      marked: Number.isInteger(marked) && marked > 0 ? marked : null,
    }, { headers: { "cache-control": "private, no-store" } });
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const form = await formObject(ctx);
    const until = typeof form.until === "string" && isId(form.until) ? form.until : undefined;
    const n = await markRead(ctx.state.services, user, { all: true, until });
    return redirect(`/notifications?marked=${n}`);
  },
});

/** One formatter per language and time zone: building one costs more than the whole list. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function timeFormat(locale: string, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ""}`;
  let f = formatters.get(key);
  if (!f) {
    if (formatters.size > 200) formatters.clear();
    f = new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
    });
    formatters.set(key, f);
  }
  return f;
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const format = timeFormat(state.locale, state.user?.timeZone);
  const when = (d: Date) => format.format(d);
  return (
    <div class="notifications">
      <PageTitle t={t} title={t("notifications.title")} />
      <h1>{t("notifications.title")}</h1>
      <p class="lead">{t("notifications.lead")}</p>

      <div class="notifications__toolbar">
        <p role="status" class="notifications__status">
          {data.marked ? <>{t.plural("notifications.markedRead", data.marked)}.</> : null}
          {data.unread
            ? t.plural("notifications.unread", data.unread)
            : data.items.length || data.before
            ? t("notifications.allRead")
            : null}
        </p>
        {data.unread > 0 && (
          <form method="post" action="/notifications">
            <CsrfField state={state} />
            {data.newestId && <input type="hidden" name="until" value={data.newestId} />}
            <button type="submit" class="button">
              {t("notifications.markAllRead")}
            </button>
          </form>
        )}
      </div>

      {data.items.length === 0
        ? <p class="notifications__empty">{t("notifications.empty")}</p>
        : (
          <ol class="notification-list">
            {data.items.map((n) => (
              <li
                key={n.id}
                class={n.read ? "notification" : "notification notification--unread"}
                data-notification={n.id}
              >
                <a class="notification__link" href={notificationPath(n.id)}>
                  {!n.read && (
                    <span class="notification__new">{t("notifications.unreadMark")}</span>
                  )}
                  <span class="notification__title">{n.title}</span>
                </a>
                {n.body && <p class="notification__body">{n.body}</p>}
                <time class="notification__time" dateTime={n.createdAt.toISOString()}>
                  {when(n.createdAt)}
                </time>
              </li>
            ))}
          </ol>
        )}

      {(data.before || data.next) && (
        <nav class="notifications__pager" aria-label={t("notifications.pages")}>
          {data.before && <a href="/notifications">{t("notifications.newest")}</a>}
          {data.next && (
            <a href={`/notifications?before=${data.next}`} rel="next">
              {t("notifications.older")}
            </a>
          )}
        </nav>
      )}

      <p class="notifications__hint muted">
        {t("notifications.pushHint")} <a href="/settings#push">{t("notifications.settingsLink")}</a>
      </p>
    </div>
  );
});
