/**
 * `/unsubscribe/<token>`: the signed link every campaign message carries
 * (core/reengagement/tokens.ts). GET shows what it does and a button; POST
 * unsubscribes — from this page (then POST-redirect-GET to `?done=1`) or
 * as a mail service's one-click request (RFC 8058: body
 * `List-Unsubscribe=One-Click`, no session, no CSRF token — the token is the
 * authorisation; http/csrf.ts exempts the path), answered 200 at once.
 * A bad token is a plain 404.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { readLimitedText } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { unsubscribeByToken, unsubscribeTarget } from "@/core/reengagement/links.ts";
import { unsubscribePath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { FormActions, FormNotice } from "@/components/forms.tsx";

/** `List-Unsubscribe=One-Click`, urlencoded or as a multipart field. */
const ONE_CLICK = /List-Unsubscribe(?:=|"\s*\r?\n\r?\n)One-Click/i;
const NO_STORE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

export const handler = define.handlers<{ done: boolean }>({
  async GET(ctx) {
    await unsubscribeTarget(ctx.state.services, ctx.params.token);
    return page({ done: ctx.url.searchParams.get("done") === "1" }, { headers: NO_STORE });
  },
  async POST(ctx) {
    const body = await readLimitedText(ctx.req, 4096).catch(() => "");
    await unsubscribeByToken(ctx.state.services, ctx.params.token);
    if (ONE_CLICK.test(body)) {
      return page({ done: true }, { headers: NO_STORE });
    }
    return redirect(`${unsubscribePath(ctx.params.token)}?done=1`, 303, NO_STORE);
  },
});

export default define.page<typeof handler>(({ data, state, params }) => {
  const { t } = state;
  if (data.done) {
    return (
      <div class="form-page">
        <PageTitle t={t} title={t("reengagement.unsubscribe.done.title")} />
        <h1>{t("reengagement.unsubscribe.done.title")}</h1>
        <FormNotice>{t("reengagement.unsubscribe.done.body")}</FormNotice>
        <p>{t("reengagement.unsubscribe.note")}</p>
        <p>
          <a class="button" href="/settings">{t("reengagement.unsubscribe.settings")}</a>
        </p>
      </div>
    );
  }
  return (
    <div class="form-page">
      <PageTitle t={t} title={t("reengagement.unsubscribe.title")} />
      <h1>{t("reengagement.unsubscribe.title")}</h1>
      <p class="lead">{t("reengagement.unsubscribe.lead")}</p>
      <p>{t("reengagement.unsubscribe.note")}</p>
      {/* No CSRF field: the signed token in the address authorises the change. */}
      <form class="form" method="post" action={unsubscribePath(params.token)}>
        <FormActions submit={t("reengagement.unsubscribe.submit")} />
      </form>
    </div>
  );
});
