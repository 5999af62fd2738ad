import type { State } from "@/define.ts";
import { LOCALES } from "@/core/i18n/mod.ts";
import { isStaff, STUDIO_ROLES } from "@/core/auth/guards.ts";
import { CsrfField } from "./CsrfField.tsx";
import { loginPath, studioPath } from "@/core/paths.ts";

export function Header({ state, url }: { state: State; url: URL }) {
  const { t, user } = state;
  const here = url.pathname + url.search;
  const current = (path: string) =>
    url.pathname === path || (path !== "/" && url.pathname.startsWith(path + "/"))
      ? "page"
      : undefined;
  return (
    <header class="site-header">
      <a class="skip-link" href="#main">{t("nav.skip")}</a>
      <div class="container header-row">
        <a class="brand" href="/" aria-label={t("app.name")}>
          <svg aria-hidden="true" width="28" height="28" viewBox="0 0 32 32">
            <circle cx="16" cy="16" r="15" fill="#8936FF" />
            <path d="M10 18c2 4 10 4 12 0" stroke="#fff" stroke-width="2.5" fill="none" />
            <circle cx="12" cy="12" r="2" fill="#fff" />
            <circle cx="20" cy="12" r="2" fill="#fff" />
          </svg>
          <span>{t("app.name")}</span>
        </a>
        <nav aria-label={t("nav.main")} class="main-nav">
          <a href="/courses" aria-current={current("/courses")}>{t("nav.courses")}</a>
          {user && (
            <>
              <a href="/achievements" aria-current={current("/achievements")}>
                {t("nav.achievements")}
              </a>
              <a href="/profile" aria-current={current("/profile")}>{t("nav.profile")}</a>
              {STUDIO_ROLES.includes(user.role) && (
                <a href={studioPath()} aria-current={current("/studio")}>
                  {t("nav.studio")}
                  {state.pendingExams
                    ? (
                      <span class="badge badge--count">
                        <span aria-hidden="true">{state.pendingExams}</span>
                        <span class="visually-hidden">
                          {` (${t.plural("studio.exams.badge", state.pendingExams)})`}
                        </span>
                      </span>
                    )
                    : null}
                </a>
              )}
              {isStaff(user) && <a href="/ops" aria-current={current("/ops")}>{t("nav.ops")}</a>}
            </>
          )}
        </nav>
        <nav aria-label={t("nav.account")} class="account-nav">
          {user
            ? (
              <>
                <a href="/notifications" aria-current={current("/notifications")}>
                  <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" class="icon">
                    <path
                      d="M12 3a6 6 0 0 0-6 6v3.5L4.5 16h15L18 12.5V9a6 6 0 0 0-6-6Zm-2 15a2 2 0 0 0 4 0"
                      fill="none"
                      stroke="currentColor"
                      stroke-width="1.8"
                      stroke-linejoin="round"
                    />
                  </svg>
                  <span class="visually-hidden">{t("nav.notifications")}</span>
                  {state.unreadNotifications
                    ? <span class="badge">{state.unreadNotifications}</span>
                    : null}
                </a>
                <a href="/settings" aria-current={current("/settings")}>{user.username}</a>
                <form method="post" action="/logout" class="inline-form">
                  <CsrfField state={state} />
                  <button type="submit" class="link-button">{t("nav.logout")}</button>
                </form>
              </>
            )
            : (
              <>
                <a
                  href={loginPath(here)}
                  aria-current={current("/login")}
                >
                  {t("nav.login")}
                </a>
                <a href="/register" class="button button--primary button--small">
                  {t("nav.register")}
                </a>
              </>
            )}
        </nav>
        <nav aria-label={t("locale.switch")} class="locale-switch">
          {LOCALES.map((l) => (
            <a
              key={l}
              href={`/locale/${l}?next=${encodeURIComponent(here)}`}
              lang={l}
              hreflang={l}
              aria-current={l === state.locale ? "true" : undefined}
            >
              {l.toUpperCase()}
              <span class="visually-hidden">
                {` — ${t(l === "ru" ? "locale.ru" : "locale.en")}`}
              </span>
            </a>
          ))}
        </nav>
      </div>
    </header>
  );
}
