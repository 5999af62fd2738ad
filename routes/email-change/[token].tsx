/**
 * The link from the "confirm your new address" mail. GET only shows what
 * the link does and a button: mail scanners and link previews fetch links,
 * and must not confirm anything. POST applies the change and comes back
 * here with `?done=1`. A dead link (unknown, expired, used, address taken
 * meanwhile, or another account signed in) says which and leads to settings.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { redirect } from "@/http/responses.ts";
import { clientIp } from "@/http/rate_limit.ts";
import {
  confirmEmailChange,
  type EmailChangeState,
  EmailChangeTokenError,
  inspectEmailChangeToken,
} from "@/core/auth/email_change.ts";
import { emailChangePath, settingsPath } from "@/core/paths.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";

interface Data {
  state: EmailChangeState | "done";
  email?: string;
  username?: string;
  errors: FieldErrors;
}

function statusOf(state: Data["state"]): number {
  if (state === "valid" || state === "done") return 200;
  if (state === "otherUser") return 403;
  if (state === "taken") return 409;
  return 410;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const s = ctx.state.services;
    const viewer = ctx.state.user;
    const info = await inspectEmailChangeToken(s, ctx.params.token, viewer);
    // Back from a successful POST: the link is spent now, say it worked.
    const state = info.state === "used" && ctx.url.searchParams.get("done") === "1"
      ? "done"
      : info.state;
    return page({ ...info, state, errors: {} }, { status: statusOf(state) });
  },
  async POST(ctx) {
    const s = ctx.state.services;
    try {
      await confirmEmailChange(s, ctx.params.token, ctx.state.user, { ip: clientIp(ctx) });
      return redirect(`${emailChangePath(ctx.params.token)}?done=1`);
    } catch (err) {
      if (err instanceof EmailChangeTokenError) {
        return page({ state: err.state, errors: {} }, { status: statusOf(err.state) });
      }
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      const info = await inspectEmailChangeToken(s, ctx.params.token, ctx.state.user);
      return page({ ...info, errors: failure.errors }, {
        status: failure.status,
        headers: failure.headers,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state, params }) => {
  const { t } = state;
  const toSettings = (
    <p>
      <a class="button button--primary" href={settingsPath(undefined, "h-email")}>
        {t("emailChange.toSettings")}
      </a>
    </p>
  );
  if (data.state === "done") {
    return (
      <div class="form-page">
        <PageTitle t={t} title={t("emailChange.done.title")} />
        <h1>{t("emailChange.done.title")}</h1>
        <FormNotice>{t("emailChange.done.text")}</FormNotice>
        {toSettings}
      </div>
    );
  }
  if (data.state !== "valid") {
    return (
      <div class="form-page">
        <PageTitle t={t} title={t("emailChange.broken.title")} />
        <h1>{t("emailChange.broken.title")}</h1>
        <p>{t(`emailChange.state.${data.state}`)}</p>
        {toSettings}
      </div>
    );
  }
  return (
    <div class="form-page">
      <PageTitle t={t} title={t("emailChange.title")} />
      <h1>{t("emailChange.title")}</h1>
      <p class="lead">
        {t("emailChange.lead", { email: data.email ?? "", username: data.username ?? "" })}
      </p>
      <PostForm
        state={state}
        action={emailChangePath(params.token)}
        errors={data.errors}
        submit={t("emailChange.submit")}
        variant="primary"
      />
    </div>
  );
});
