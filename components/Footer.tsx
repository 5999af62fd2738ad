import type { State } from "@/define.ts";
import { LEGAL_SLUGS } from "@/core/legal/mod.ts";
import { legalPath } from "@/core/paths.ts";

export function Footer({ state }: { state: State }) {
  return (
    <footer class="site-footer">
      <div class="container">
        <p>{state.t("footer.about")}</p>
        <nav class="site-footer__legal" aria-label={state.t("legal.footer.label")}>
          {LEGAL_SLUGS.map((slug) => (
            <a key={slug} href={legalPath(slug)}>{state.t(`legal.${slug}.title`)}</a>
          ))}
        </nav>
        <p class="muted">© {new Date().getFullYear()} {state.t("app.name")}</p>
      </div>
    </footer>
  );
}
