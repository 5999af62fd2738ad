import { asset, pageHasIslands, shell } from "@/framework/mod.ts";
import { define, type State } from "@/define.ts";
import { Header } from "@/components/Header.tsx";
import { Footer } from "@/components/Footer.tsx";
import AppShell from "@/islands/AppShell.tsx";

/**
 * The service worker, the update banner and the install offer (islands/AppShell.tsx) for a
 * signed-in user, on pages that already run islands (catalogue, course, day, settings…), so a
 * page without JavaScript stays without. Rendered after the page, so its islands are known.
 */
function AppShellSlot({ state }: { state: State }) {
  if (!state.user || !pageHasIslands()) return null;
  const { t } = state;
  return (
    <AppShell
      release={shell().release}
      userId={state.user.id}
      labels={{
        update: t("pwa.update.text"),
        reload: t("pwa.update.reload"),
        install: t("pwa.install.text"),
        accept: t("pwa.install.accept"),
        later: t("pwa.install.later"),
        installLabel: t("pwa.install.label"),
      }}
    />
  );
}

export default define.layout(({ Component, state, url }) => (
  <html lang={state.locale}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="theme-color" content="#8936FF" />
      <link rel="stylesheet" href={asset("/styles.css")} />
      <link rel="icon" href={asset("/favicon.svg")} type="image/svg+xml" />
      <link rel="manifest" href={asset("/manifest.webmanifest")} />
      <link rel="apple-touch-icon" href={asset("/icons/icon-192.png")} />
      <meta name="gafus-release" content={shell().release} />
    </head>
    <body>
      <Header state={state} url={url} />
      <main id="main" class="container" tabIndex={-1}>
        <Component />
      </main>
      <Footer state={state} />
      <AppShellSlot state={state} />
    </body>
  </html>
));
