/**
 * The link from a reset message: set a new password. A dead link (unknown,
 * expired, already used) says which it is and offers a new one. Success
 * signs out every other session and signs this browser in.
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { startSession } from "@/http/session.ts";
import { clientIp } from "@/http/rate_limit.ts";
import {
  inspectResetToken,
  resetPasswordWithToken,
  ResetTokenError,
  type ResetTokenState,
} from "@/core/auth/password_reset.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { NewPasswordFields } from "@/components/AccountFields.tsx";

interface Data {
  state: ResetTokenState;
  errors: FieldErrors;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const state = await inspectResetToken(ctx.state.services, ctx.params.token);
    return page({ state, errors: {} }, { status: state === "valid" ? 200 : 410 });
  },
  async POST(ctx) {
    // A dead link says so first, before any complaint about the password typed.
    const before = await inspectResetToken(ctx.state.services, ctx.params.token);
    if (before !== "valid") return page({ state: before, errors: {} }, { status: 410 });
    const form = await formObject(ctx);
    const str = (k: string) => (typeof form[k] === "string" ? form[k] as string : "");
    try {
      const result = await resetPasswordWithToken(ctx.state.services, ctx.params.token, {
        password: str("password"),
        passwordRepeat: str("passwordRepeat"),
      }, { ip: clientIp(ctx) });
      const headers = new Headers();
      await startSession(ctx, headers, {
        id: result.userId,
        sessionVersion: result.sessionVersion,
      });
      return redirect("/settings?done=reset", 303, headers);
    } catch (err) {
      if (err instanceof ResetTokenError) {
        return page({ state: err.state, errors: {} }, { status: 410 });
      }
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({ state: "valid", errors: failure.errors }, {
        status: failure.status,
        headers: failure.headers,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state, params }) => {
  const { t } = state;
  if (data.state !== "valid") {
    return (
      <div class="form-page">
        <PageTitle t={t} title={t("auth.reset.broken.title")} />
        <h1>{t("auth.reset.broken.title")}</h1>
        <p>{t(`auth.reset.state.${data.state}`)}</p>
        <p>
          <a class="button button--primary" href="/password-reset">{t("auth.reset.again")}</a>
        </p>
      </div>
    );
  }
  return (
    <div class="form-page">
      <PageTitle t={t} title={t("auth.reset.new.title")} />
      <h1>{t("auth.reset.new.title")}</h1>
      <p class="lead">{t("auth.reset.new.lead")}</p>
      <PostForm
        state={state}
        action={`/password-reset/${encodeURIComponent(params.token)}`}
        errors={data.errors}
        labels={{
          password: t("auth.field.newPassword"),
          passwordRepeat: t("auth.field.passwordRepeat"),
        }}
        submit={t("auth.reset.new.submit")}
      >
        <NewPasswordFields t={t} errors={data.errors} label={t("auth.field.newPassword")} />
      </PostForm>
    </div>
  );
});
