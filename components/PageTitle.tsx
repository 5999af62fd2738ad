import { Head } from "@/framework/mod.ts";
import type { Translator } from "@/core/i18n/mod.ts";

/** The document title ("Page — Gafus") and, optionally, a description for search and sharing. */
export function PageTitle(
  { title, t, description }: { title?: string; t: Translator; description?: string },
) {
  const full = title ? `${title} — ${t("app.name")}` : t("app.name");
  return (
    <Head>
      <title>{full}</title>
      {description && <meta name="description" content={description} />}
    </Head>
  );
}
