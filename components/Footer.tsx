import type { State } from "@/define.ts";

export function Footer({ state }: { state: State }) {
  return (
    <footer class="site-footer">
      <div class="container">
        <p>{state.t("footer.about")}</p>
        <p class="muted">© {new Date().getFullYear()} {state.t("app.name")}</p>
      </div>
    </footer>
  );
}
