/** Registration: a plain form (POST-redirect-GET); success signs the new user in. */
import { define } from "../define.ts";
import { page } from "../framework/mod.ts";
import { formObject } from "../http/forms.ts";
import { redirect } from "../http/responses.ts";
import { safeNext } from "../http/redirect.ts";
import { startSession } from "../http/session.ts";
import { requestMeta } from "../http/rate_limit.ts";
import { registerUser } from "../core/auth/register.ts";
import { accountFailure } from "../core/auth/form_errors.ts";
import type { FieldErrors } from "../core/validation.ts";
import { PageTitle } from "../components/PageTitle.tsx";
import { CsrfField } from "../components/CsrfField.tsx";
import { CheckboxField, ErrorSummary, Field } from "../components/forms.tsx";

interface Data {
  next: string;
  values: { username: string; email: string; consents: Record<string, boolean> };
  errors: FieldErrors;
}

const CONSENTS = ["consentPersonalData", "consentPrivacyPolicy", "consentPublicProfile"] as const;

export const handler = define.handlers<Data>({
  GET(ctx) {
    const next = ctx.url.searchParams.get("next");
    if (ctx.state.user) return redirect(safeNext(next, "/courses"));
    return page({
      next: safeNext(next, ""),
      values: { username: "", email: "", consents: {} },
      errors: {},
    });
  },
  async POST(ctx) {
    const form = await formObject(ctx);
    const str = (k: string) => (typeof form[k] === "string" ? form[k] as string : "");
    const next = safeNext(str("next"), "");
    try {
      const user = await registerUser(ctx.state.services, {
        username: str("username"),
        email: str("email"),
        password: str("password"),
        passwordRepeat: str("passwordRepeat"),
        consentPersonalData: str("consentPersonalData"),
        consentPrivacyPolicy: str("consentPrivacyPolicy"),
        consentPublicProfile: str("consentPublicProfile"),
        locale: ctx.state.locale,
      }, requestMeta(ctx));
      const headers = new Headers();
      await startSession(ctx, headers, user);
      return redirect(next || "/courses", 303, headers);
    } catch (err) {
      const failure = accountFailure(err, ctx.state.t);
      if (!failure) throw err;
      // Values come back so nothing typed is lost — except the passwords.
      return page({
        next,
        values: {
          username: str("username").slice(0, 100),
          email: str("email").slice(0, 254),
          consents: Object.fromEntries(CONSENTS.map((c) => [c, str(c) !== ""])),
        },
        errors: failure.errors,
      }, { status: failure.status, headers: failure.headers });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { values, errors } = data;
  const nextQuery = data.next ? `?next=${encodeURIComponent(data.next)}` : "";
  return (
    <div class="form-page">
      <PageTitle t={t} title={t("auth.register.title")} />
      <h1>{t("auth.register.title")}</h1>
      <p class="lead">{t("auth.register.lead")}</p>
      <form class="form" method="post" action="/register" novalidate>
        <ErrorSummary
          errors={errors}
          title={t("form.errors.title")}
          labels={{
            username: t("auth.field.username"),
            email: t("auth.field.email"),
            password: t("auth.field.password"),
            passwordRepeat: t("auth.field.passwordRepeat"),
            consentPersonalData: t("auth.consent.personalData"),
            consentPrivacyPolicy: t("auth.consent.privacyPolicy"),
          }}
        />
        <CsrfField state={state} />
        {data.next && <input type="hidden" name="next" value={data.next} />}
        <Field
          name="username"
          label={t("auth.field.username")}
          hint={t("auth.field.username.hint")}
          error={errors.username}
          value={values.username}
          required
          autocomplete="username"
          input={{ maxLength: 32, autocapitalize: "none", spellcheck: false }}
        />
        <Field
          name="email"
          type="email"
          label={t("auth.field.email")}
          optionalLabel={t("form.optional")}
          hint={t("auth.field.email.hint")}
          error={errors.email}
          value={values.email}
          autocomplete="email"
          input={{ maxLength: 254 }}
        />
        <Field
          name="password"
          type="password"
          label={t("auth.field.password")}
          hint={t("auth.field.password.hint")}
          error={errors.password}
          required
          autocomplete="new-password"
          input={{ maxLength: 100 }}
        />
        <Field
          name="passwordRepeat"
          type="password"
          label={t("auth.field.passwordRepeat")}
          error={errors.passwordRepeat}
          required
          autocomplete="new-password"
          input={{ maxLength: 100 }}
        />
        <fieldset class="fieldset">
          <legend>{t("auth.consent.legend")}</legend>
          <CheckboxField
            name="consentPersonalData"
            label={t("auth.consent.personalData")}
            hint={t("auth.consent.personalData.hint")}
            error={errors.consentPersonalData}
            checked={values.consents.consentPersonalData}
            required
          />
          <CheckboxField
            name="consentPrivacyPolicy"
            label={t("auth.consent.privacyPolicy")}
            hint={t("auth.consent.privacyPolicy.hint")}
            error={errors.consentPrivacyPolicy}
            checked={values.consents.consentPrivacyPolicy}
            required
          />
          <CheckboxField
            name="consentPublicProfile"
            label={t("auth.consent.publicProfile")}
            optionalLabel={t("form.optional")}
            hint={t("auth.consent.publicProfile.hint")}
            checked={values.consents.consentPublicProfile}
          />
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button button--primary">{t("auth.register.submit")}</button>
        </div>
      </form>
      <p class="form-aside">
        {t("auth.register.haveAccount")} <a href={`/login${nextQuery}`}>{t("auth.login.submit")}</a>
      </p>
    </div>
  );
});
