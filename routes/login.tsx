/** Sign-in with a username or email and a password; then back to `next` (same site only). */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { safeNext } from "@/http/redirect.ts";
import { startSession } from "@/http/session.ts";
import { clientIp } from "@/http/rate_limit.ts";
import { authenticate } from "@/core/auth/login.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { FormNotice } from "@/components/forms.tsx";
import { CurrentPasswordField, LoginField } from "@/components/AccountFields.tsx";

interface Data {
  next: string;
  login: string;
  errors: FieldErrors;
  notice?: "deleted";
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    const next = safeNext(ctx.url.searchParams.get("next"), "");
    if (ctx.state.user) return redirect(next || "/courses");
    return page({
      next,
      login: "",
      errors: {},
      notice: ctx.url.searchParams.get("deleted") === "1" ? "deleted" : undefined,
    });
  },
  async POST(ctx) {
    const form = await formObject(ctx);
    const str = (k: string) => (typeof form[k] === "string" ? form[k] as string : "");
    const next = safeNext(str("next"), "");
    const login = str("login");
    const again = (errors: FieldErrors, status: number, headers?: HeadersInit) =>
      page({ next, login: login.slice(0, 254), errors }, { status, headers });
    try {
      const result = await authenticate(ctx.state.services, {
        login,
        password: str("password"),
      }, { ip: clientIp(ctx) });
      if (!result.ok) {
        return result.reason === "disabled"
          ? again({ _form: ctx.state.t("auth.login.disabled") }, 403)
          : again({ _form: ctx.state.t("auth.login.invalid") }, 401);
      }
      const headers = new Headers();
      await startSession(ctx, headers, result.user);
      return redirect(next || "/courses", 303, headers);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return again(failure.errors, failure.status, failure.headers);
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { errors } = data;
  const nextQuery = data.next ? `?next=${encodeURIComponent(data.next)}` : "";
  return (
    <div class="form-page">
      <PageTitle t={t} title={t("auth.login.title")} />
      <h1>{t("auth.login.title")}</h1>
      {data.notice === "deleted" && <FormNotice>{t("auth.login.deleted")}</FormNotice>}
      <PostForm
        state={state}
        action="/login"
        hidden={{ next: data.next }}
        errors={errors}
        labels={{ login: t("auth.field.login"), password: t("auth.field.password") }}
        submit={t("auth.login.submit")}
        aside={<a href="/password-reset">{t("auth.login.forgot")}</a>}
      >
        <LoginField t={t} value={data.login} error={errors.login} />
        <CurrentPasswordField
          t={t}
          name="password"
          label={t("auth.field.password")}
          error={errors.password}
        />
      </PostForm>
      <p class="form-aside">
        {t("auth.login.noAccount")}{" "}
        <a href={`/register${nextQuery}`}>{t("auth.register.submit")}</a>
      </p>
    </div>
  );
});
