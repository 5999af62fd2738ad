/**
 * "Forgot password": asks for a username or email and where the link should
 * go (the account's email, or its linked Telegram), and always gives the
 * same answer, so the page cannot be used to find out who has an account,
 * an address or a linked chat. The choice is offered to everyone for the
 * same reason; core falls back to the other way when the chosen one is not
 * there.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { clientIp } from "@/http/rate_limit.ts";
import {
  requestPasswordReset,
  RESET_CHANNELS,
  type ResetChannel,
} from "@/core/auth/password_reset.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { Fieldset, FormNotice } from "@/components/forms.tsx";
import { LoginField } from "@/components/AccountFields.tsx";

interface Data {
  sent: boolean;
  login: string;
  channel: ResetChannel;
  /** Offered only when the site has a bot at all (that says nothing about any account). */
  telegram: boolean;
  errors: FieldErrors;
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    return page({
      sent: ctx.url.searchParams.get("sent") === "1",
      login: "",
      channel: "email",
      telegram: !!ctx.state.services.config.telegram,
      errors: {},
    });
  },
  async POST(ctx) {
    const form = await formObject(ctx);
    const login = typeof form.login === "string" ? form.login : "";
    const channel = (RESET_CHANNELS as readonly unknown[]).includes(form.channel)
      ? form.channel as ResetChannel
      : "email";
    try {
      await requestPasswordReset(ctx.state.services, { login, channel }, { ip: clientIp(ctx) });
      return redirect("/password-reset?sent=1");
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({
        sent: false,
        login: login.slice(0, 254),
        channel,
        telegram: !!ctx.state.services.config.telegram,
        errors: failure.errors,
      }, {
        status: failure.status,
        headers: failure.headers,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <div class="form-page">
      <PageTitle t={t} title={t("auth.reset.title")} />
      <h1>{t("auth.reset.title")}</h1>
      {data.sent
        ? (
          <>
            <FormNotice>{t("auth.reset.sent")}</FormNotice>
            <p>
              <a href="/login">{t("auth.login.submit")}</a>
            </p>
          </>
        )
        : (
          <>
            <p class="lead">{t("auth.reset.lead")}</p>
            <PostForm
              state={state}
              action="/password-reset"
              errors={data.errors}
              labels={{ login: t("auth.field.login") }}
              submit={t("auth.reset.submit")}
              aside={<a href="/login">{t("auth.login.submit")}</a>}
            >
              <LoginField t={t} value={data.login} error={data.errors.login} />
              {data.telegram && (
                <Fieldset legend={t("auth.reset.channel.legend")}>
                  {RESET_CHANNELS.map((c) => (
                    <label class="radio" key={c}>
                      <input type="radio" name="channel" value={c} checked={data.channel === c} />
                      {" "}
                      {t(`auth.reset.channel.${c}`)}
                    </label>
                  ))}
                </Fieldset>
              )}
            </PostForm>
          </>
        )}
    </div>
  );
});
