import type { State } from "../define.ts";
import { LOCALES } from "../core/i18n/mod.ts";

export function Header({ state, url }: { state: State; url: URL }) {
  const { t } = state;
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
            <path d="M10 20c2-6 10-6 12 0" stroke="#fff" stroke-width="2.5" fill="none" />
            <circle cx="12" cy="12" r="2" fill="#fff" />
            <circle cx="20" cy="12" r="2" fill="#fff" />
          </svg>
          <span>{t("app.name")}</span>
        </a>
        <nav aria-label={t("nav.main")} class="main-nav">
          <a href="/courses" aria-current={current("/courses")}>{t("nav.courses")}</a>
        </nav>
        <nav aria-label={t("locale.switch")} class="locale-switch">
          {LOCALES.map((l) => (
            <a
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
