import { asset } from "@/framework/mod.ts";
import { define } from "@/define.ts";
import { Header } from "@/components/Header.tsx";
import { Footer } from "@/components/Footer.tsx";

export default define.layout(({ Component, state, url }) => (
  <html lang={state.locale}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="theme-color" content="#8936FF" />
      <link rel="stylesheet" href={asset("/styles.css")} />
      <link rel="icon" href={asset("/favicon.svg")} type="image/svg+xml" />
      <link rel="manifest" href={asset("/manifest.webmanifest")} />
    </head>
    <body>
      <Header state={state} url={url} />
      <main id="main" class="container" tabIndex={-1}>
        <Component />
      </main>
      <Footer state={state} />
    </body>
  </html>
));
