/** Registration: a plain form (POST-redirect-GET); success signs the new user in. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { safeNext } from "@/http/redirect.ts";
import { startSession } from "@/http/session.ts";
import { requestMeta } from "@/http/rate_limit.ts";
import { registerUser } from "@/core/auth/register.ts";
import { formFailure } from "@/http/errors.ts";
import { legalPath } from "@/core/paths.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { PostForm } from "@/components/PostForm.tsx";
import { CheckboxField, Field, Fieldset } from "@/components/forms.tsx";
import { EmailField, NewPasswordFields } from "@/components/AccountFields.tsx";

interface Data {
  next: string;
  values: { username: string; email: string; consents: Record<string, boolean> };
  errors: FieldErrors;
}

/** The consent boxes: form field, i18n key, whether registration needs it, the text agreed to. */
const CONSENTS = [
  { name: "consentPersonalData", key: "personalData", required: true, legal: "consent" },
  { name: "consentPrivacyPolicy", key: "privacyPolicy", required: true, legal: "privacy" },
  { name: "consentPublicProfile", key: "publicProfile", required: false, legal: null },
] as const;

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
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      // Values come back so nothing typed is lost — except the passwords.
      return page({
        next,
        values: {
          username: str("username").slice(0, 100),
          email: str("email").slice(0, 254),
          consents: Object.fromEntries(CONSENTS.map((c) => [c.name, str(c.name) !== ""])),
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
      <PostForm
        state={state}
        action="/register"
        hidden={{ next: data.next }}
        errors={errors}
        labels={{
          username: t("auth.field.username"),
          email: t("auth.field.email"),
          password: t("auth.field.password"),
          passwordRepeat: t("auth.field.passwordRepeat"),
          ...Object.fromEntries(CONSENTS.map((c) => [c.name, t(`auth.consent.${c.key}`)])),
        }}
        submit={t("auth.register.submit")}
      >
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
        <EmailField
          t={t}
          value={values.email}
          error={errors.email}
          hint={t("auth.field.email.hint")}
        />
        <NewPasswordFields t={t} errors={errors} label={t("auth.field.password")} />
        <Fieldset legend={t("auth.consent.legend")}>
          {CONSENTS.map((c) => (
            <CheckboxField
              key={c.name}
              name={c.name}
              label={t(`auth.consent.${c.key}`)}
              optionalLabel={c.required ? undefined : t("form.optional")}
              hint={c.legal
                ? (
                  <>
                    {t(`auth.consent.${c.key}.hint`)}{" "}
                    <a href={legalPath(c.legal)} target="_blank">
                      {t(`legal.consent.read.${c.key}`)}
                    </a>
                  </>
                )
                : t(`auth.consent.${c.key}.hint`)}
              error={errors[c.name]}
              checked={values.consents[c.name]}
              required={c.required}
            />
          ))}
        </Fieldset>
      </PostForm>
      <p class="form-aside">
        {t("auth.register.haveAccount")} <a href={`/login${nextQuery}`}>{t("auth.login.submit")}</a>
      </p>
    </div>
  );
});
