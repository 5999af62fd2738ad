/**
 * Account settings: one page, one plain form per action (each posts here
 * with `_action`), POST-redirect-GET with a notice after success; a failed
 * form comes back with its errors and values. Works without JavaScript; the
 * username field gets a live availability check when scripts run.
 */
import type { ComponentChildren } from "preact";
import { define } from "../../define.ts";
import { HttpError, page } from "../../framework/mod.ts";
import { formObject } from "../../http/forms.ts";
import { redirect } from "../../http/responses.ts";
import { endSession, startSession } from "../../http/session.ts";
import { setCookie } from "../../http/cookies.ts";
import { LOCALE_COOKIE } from "../../http/locale.ts";
import { requireUser } from "../../core/auth/guards.ts";
import {
  canDeleteOwnAccount,
  changeEmail,
  changeLocale,
  changePassword,
  changeUsername,
  deleteAccount,
  logoutEverywhere,
} from "../../core/auth/account.ts";
import { accountFailure } from "../../core/auth/form_errors.ts";
import { UserExistsError } from "../../core/users.ts";
import type { FieldErrors } from "../../core/validation.ts";
import type { Locale } from "../../core/i18n/mod.ts";
import type { State } from "../../define.ts";
import { PageTitle } from "../../components/PageTitle.tsx";
import { CsrfField } from "../../components/CsrfField.tsx";
import { ErrorSummary, Field, FormNotice, SelectField } from "../../components/forms.tsx";
import UsernameField from "../../islands/UsernameField.tsx";
import { PushSettings } from "../../components/PushSettings.tsx";

const ACTIONS = ["password", "email", "username", "locale", "logout-all", "delete"] as const;
type Action = typeof ACTIONS[number];

const DONE = ["password", "reset", "email", "username", "locale", "logoutAll"] as const;
type Done = typeof DONE[number];

interface Data {
  username: string;
  email: string | null;
  locale: Locale;
  canDelete: boolean;
  done?: Done;
  /** The form that failed, its values and errors. */
  failed?: { action: Action; values: Record<string, string>; errors: FieldErrors };
}

async function accountData(ctx: { state: State }): Promise<Omit<Data, "done" | "failed">> {
  const user = requireUser(ctx.state.user);
  const row = await ctx.state.services.db.selectFrom("users")
    .select(["username", "email", "locale"])
    .where("id", "=", user.id)
    .executeTakeFirstOrThrow();
  return {
    username: row.username,
    email: row.email,
    locale: row.locale,
    canDelete: canDeleteOwnAccount(user),
  };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const done = ctx.url.searchParams.get("done");
    return page({
      ...await accountData(ctx),
      done: (DONE as readonly string[]).includes(done ?? "") ? done as Done : undefined,
    });
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    const form = await formObject(ctx);
    const str = (k: string) => (typeof form[k] === "string" ? form[k] as string : "");
    const action = str("_action") as Action;
    if (!ACTIONS.includes(action)) throw new HttpError(400, "unknown settings action");
    const headers = new Headers();
    const done = (what: Done) => redirect(`/settings?done=${what}`, 303, headers);
    try {
      switch (action) {
        case "password": {
          const { sessionVersion } = await changePassword(s, user, {
            currentPassword: str("currentPassword"),
            password: str("password"),
            passwordRepeat: str("passwordRepeat"),
          });
          // Every other session is revoked; this browser stays signed in.
          await startSession(ctx, headers, { id: user.id, sessionVersion });
          return done("password");
        }
        case "email":
          await changeEmail(s, user, {
            email: str("email"),
            currentPassword: str("currentPassword"),
          });
          return done("email");
        case "username":
          await changeUsername(s, user, { username: str("username") });
          return done("username");
        case "locale": {
          const { locale } = await changeLocale(s, user, { locale: str("locale") });
          setCookie(headers, LOCALE_COOKIE, locale, {
            maxAge: 365 * 24 * 3600,
            secure: s.config.production,
          });
          return done("locale");
        }
        case "logout-all": {
          const { sessionVersion } = await logoutEverywhere(s, user);
          await startSession(ctx, headers, { id: user.id, sessionVersion });
          return done("logoutAll");
        }
        case "delete":
          await deleteAccount(s, user, { currentPassword: str("currentPassword") });
          endSession(headers);
          return redirect("/login?deleted=1", 303, headers);
      }
    } catch (err) {
      let failure = accountFailure(err, ctx.state.t);
      if (!failure) throw err;
      if (err instanceof UserExistsError && action === "username") {
        failure = { ...failure, errors: { username: ctx.state.t("auth.username.taken") } };
      }
      return page({
        ...await accountData(ctx),
        failed: {
          action,
          values: { email: str("email").slice(0, 254), username: str("username").slice(0, 100) },
          errors: failure.errors,
        },
      }, { status: failure.status, headers: failure.headers });
    }
  },
});

function ActionForm(
  { state, action, children }: { state: State; action: Action; children: ComponentChildren },
) {
  return (
    <form class="form" method="post" action="/settings" novalidate>
      <CsrfField state={state} />
      <input type="hidden" name="_action" value={action} />
      {children}
    </form>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const failed = data.failed;
  const errorsOf = (a: Action): FieldErrors => failed?.action === a ? failed.errors : {};
  const summary = (a: Action, labels: Record<string, string>) => (
    <ErrorSummary
      errors={errorsOf(a)}
      title={t("form.errors.title")}
      idPrefix={`${a}-`}
      labels={labels}
    />
  );
  const pw = errorsOf("password");
  const em = errorsOf("email");
  const un = errorsOf("username");
  const lo = errorsOf("locale");
  const del = errorsOf("delete");
  const currentPasswordField = (a: Action, errors: FieldErrors) => (
    <Field
      id={`${a}-currentPassword`}
      name="currentPassword"
      type="password"
      label={t("auth.field.currentPassword")}
      error={errors.currentPassword}
      required
      autocomplete="current-password"
      input={{ maxLength: 100 }}
    />
  );
  return (
    <div class="settings">
      <PageTitle t={t} title={t("settings.title")} />
      <h1>{t("settings.title")}</h1>
      {data.done && <FormNotice>{t(`settings.done.${data.done}`)}</FormNotice>}

      <section class="settings-section" aria-labelledby="h-password">
        <h2 id="h-password">{t("settings.password.title")}</h2>
        <ActionForm state={state} action="password">
          {summary("password", {
            currentPassword: t("auth.field.currentPassword"),
            password: t("auth.field.newPassword"),
            passwordRepeat: t("auth.field.passwordRepeat"),
          })}
          {/* Lets password managers tie the new password to this account. */}
          <input
            type="text"
            name="username-hint"
            value={data.username}
            autocomplete="username"
            hidden
            readOnly
            tabIndex={-1}
            aria-hidden="true"
          />
          {currentPasswordField("password", pw)}
          <Field
            id="password-password"
            name="password"
            type="password"
            label={t("auth.field.newPassword")}
            hint={t("auth.field.password.hint")}
            error={pw.password}
            required
            autocomplete="new-password"
            input={{ maxLength: 100 }}
          />
          <Field
            id="password-passwordRepeat"
            name="passwordRepeat"
            type="password"
            label={t("auth.field.passwordRepeat")}
            error={pw.passwordRepeat}
            required
            autocomplete="new-password"
            input={{ maxLength: 100 }}
          />
          <div class="form-actions">
            <button type="submit" class="button button--primary">
              {t("settings.password.submit")}
            </button>
          </div>
        </ActionForm>
      </section>

      <section class="settings-section" aria-labelledby="h-email">
        <h2 id="h-email">{t("settings.email.title")}</h2>
        <ActionForm state={state} action="email">
          {summary("email", {
            email: t("auth.field.email"),
            currentPassword: t("auth.field.currentPassword"),
          })}
          <Field
            id="email-email"
            name="email"
            type="email"
            label={t("auth.field.email")}
            optionalLabel={t("form.optional")}
            hint={t("settings.email.hint")}
            error={em.email}
            value={failed?.action === "email" ? failed.values.email : data.email ?? ""}
            autocomplete="email"
            input={{ maxLength: 254 }}
          />
          {currentPasswordField("email", em)}
          <div class="form-actions">
            <button type="submit" class="button">{t("settings.email.submit")}</button>
          </div>
        </ActionForm>
      </section>

      <section class="settings-section" aria-labelledby="h-username">
        <h2 id="h-username">{t("settings.username.title")}</h2>
        <ActionForm state={state} action="username">
          {summary("username", { username: t("auth.field.username") })}
          <UsernameField
            id="username-username"
            value={failed?.action === "username" ? failed.values.username : data.username}
            error={un.username}
            current={data.username}
            labels={{
              label: t("auth.field.username"),
              hint: t("auth.field.username.hint"),
              checking: t("settings.username.checking"),
              available: t("settings.username.available"),
              taken: t("auth.username.taken"),
              current: t("settings.username.current"),
              checkFailed: t("settings.username.checkFailed"),
              invalid: t("validation.username"),
            }}
          />
          <div class="form-actions">
            <button type="submit" class="button">{t("settings.username.submit")}</button>
          </div>
        </ActionForm>
      </section>

      <section class="settings-section" aria-labelledby="h-locale">
        <h2 id="h-locale">{t("settings.locale.title")}</h2>
        <ActionForm state={state} action="locale">
          {summary("locale", { locale: t("settings.locale.label") })}
          <SelectField
            id="locale-locale"
            name="locale"
            label={t("settings.locale.label")}
            value={data.locale}
            error={lo.locale}
            options={[
              { value: "ru", label: t("locale.ru"), lang: "ru" },
              { value: "en", label: t("locale.en"), lang: "en" },
            ]}
          />
          <div class="form-actions">
            <button type="submit" class="button">{t("settings.locale.submit")}</button>
          </div>
        </ActionForm>
      </section>

      <PushSettings state={state} />

      <section class="settings-section" aria-labelledby="h-sessions">
        <h2 id="h-sessions">{t("settings.sessions.title")}</h2>
        <p>{t("settings.sessions.text")}</p>
        <ActionForm state={state} action="logout-all">
          {summary("logout-all", {})}
          <div class="form-actions">
            <button type="submit" class="button">{t("settings.sessions.submit")}</button>
          </div>
        </ActionForm>
      </section>

      <section class="settings-section settings-section--danger" aria-labelledby="h-delete">
        <h2 id="h-delete">{t("settings.delete.title")}</h2>
        {data.canDelete
          ? (
            <>
              <p>{t("settings.delete.text")}</p>
              <ActionForm state={state} action="delete">
                {summary("delete", { currentPassword: t("auth.field.currentPassword") })}
                {currentPasswordField("delete", del)}
                <div class="form-actions">
                  <button type="submit" class="button button--danger">
                    {t("settings.delete.submit")}
                  </button>
                </div>
              </ActionForm>
            </>
          )
          : <p class="muted">{t("settings.delete.staff")}</p>}
      </section>
    </div>
  );
});
