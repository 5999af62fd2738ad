/** Switches the language (a cookie for a year) and goes back to where the visitor was. */
import { define } from "@/define.ts";
import { isLocale } from "@/core/i18n/mod.ts";
import { setCookie } from "@/http/cookies.ts";
import { LOCALE_COOKIE } from "@/http/locale.ts";
import { safeNext } from "@/http/redirect.ts";

export const handler = define.handlers({
  GET(ctx) {
    const locale = ctx.params.locale;
    const headers = new Headers({ location: safeNext(ctx.url.searchParams.get("next")) });
    if (isLocale(locale)) {
      setCookie(headers, LOCALE_COOKIE, locale, {
        maxAge: 365 * 24 * 3600,
        secure: ctx.state.services.config.production,
      });
    }
    return new Response(null, { status: 303, headers });
  },
});
