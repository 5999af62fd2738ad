import { asset, shell } from "@/framework/mod.ts";
import { define } from "@/define.ts";
import { Header } from "@/components/Header.tsx";
import { Footer } from "@/components/Footer.tsx";
import AppShell from "@/islands/AppShell.tsx";

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
      {state.user && (
        <AppShell
          release={shell().release}
          userId={state.user.id}
          labels={{
            update: state.t("pwa.update.text"),
            reload: state.t("pwa.update.reload"),
            install: state.t("pwa.install.text"),
            accept: state.t("pwa.install.accept"),
            later: state.t("pwa.install.later"),
            installLabel: state.t("pwa.install.label"),
          }}
        />
      )}
    </body>
  </html>
));
