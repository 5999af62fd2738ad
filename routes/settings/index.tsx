/**
 * Account settings: one page, one plain form per action (each posts here
 * with `_action`), POST-redirect-GET with a notice after success; a failed
 * form comes back with its errors and values. Works without JavaScript; the
 * username field gets a live availability check when scripts run, and the
 * time-zone select is preset to the browser's zone until one is chosen.
 */
import type { ComponentChildren } from "preact";
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { endSession, startSession } from "@/http/session.ts";
import { setCookie } from "@/http/cookies.ts";
import { LOCALE_COOKIE } from "@/http/locale.ts";
import { requireUser } from "@/core/auth/guards.ts";
import {
  canDeleteOwnAccount,
  changeLocale,
  changePassword,
  changeTimeZone,
  changeUsername,
  deleteAccount,
  logoutEverywhere,
  TIME_ZONES,
} from "@/core/auth/account.ts";
import {
  cancelEmailChange,
  changeEmail,
  type PendingEmailChange,
  pendingEmailChange,
  resendEmailChange,
} from "@/core/auth/email_change.ts";
import { formFailure } from "@/http/errors.ts";
import { DEFAULT_TIME_ZONE } from "@/core/achievements.ts";
import type { FieldErrors } from "@/core/validation.ts";
import type { Locale } from "@/core/i18n/mod.ts";
import type { State } from "@/define.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm, PostForm } from "@/components/PostForm.tsx";
import { Section } from "@/components/Section.tsx";
import { type ButtonVariant, FormNotice, SelectField } from "@/components/forms.tsx";
import {
  CurrentPasswordField,
  EmailField,
  NewPasswordFields,
} from "@/components/AccountFields.tsx";
import UsernameField from "@/islands/UsernameField.tsx";
import TimeZoneGuess from "@/islands/TimeZoneGuess.tsx";
import { PushSettings } from "@/components/PushSettings.tsx";
import {
  REMINDER_DONE,
  type ReminderDone,
  ReminderSettings,
} from "@/components/ReminderSettings.tsx";
import { listReminders, type ReminderView } from "@/core/reminders/reminders.ts";
import { TelegramSettings } from "@/components/TelegramSettings.tsx";
import { type LinkStatus, telegramStatus } from "@/core/telegram/link.ts";
import { NotificationPrefsSection } from "@/components/NotificationPrefsSection.tsx";
import { DataExportSection } from "@/components/DataExportSection.tsx";
import {
  type NotificationChoices,
  notificationChoices,
  saveNotificationForm,
} from "@/core/notification_prefs.ts";
import { notificationSettingsPath, offlinePath } from "@/core/paths.ts";

const ACTIONS = [
  "password",
  "email",
  "email-resend",
  "email-cancel",
  "username",
  "locale",
  "time-zone",
  "logout-all",
  "delete",
  "notifications",
] as const;
type Action = typeof ACTIONS[number];

const DONE = [
  "password",
  "reset",
  "email",
  "emailSent",
  "emailRemoved",
  "emailResent",
  "emailCancelled",
  "emailUnchanged",
  "username",
  "locale",
  "timeZone",
  "logoutAll",
  "telegramUnlinked",
  "notifications",
] as const;
type Done = typeof DONE[number];

interface Data {
  username: string;
  email: string | null;
  /** A new address waiting for its link to be opened. */
  pendingEmail: PendingEmailChange | null;
  locale: Locale;
  timeZone: string;
  canDelete: boolean;
  reminders: ReminderView[];
  telegram: LinkStatus;
  notifications: NotificationChoices;
  done?: Done;
  reminderDone?: ReminderDone;
  /** The form that failed, its values and errors. */
  failed?: { action: Action; values: Record<string, string>; errors: FieldErrors };
}

async function accountData(
  ctx: { state: State },
): Promise<Omit<Data, "done" | "reminderDone" | "failed">> {
  const user = requireUser(ctx.state.user);
  const row = await ctx.state.services.db.selectFrom("users")
    .select(["username", "email", "locale", "time_zone"])
    .where("id", "=", user.id)
    .executeTakeFirstOrThrow();
  return {
    username: row.username,
    email: row.email,
    pendingEmail: await pendingEmailChange(ctx.state.services, user.id),
    locale: row.locale,
    timeZone: row.time_zone,
    canDelete: canDeleteOwnAccount(user),
    reminders: await listReminders(ctx.state.services, user),
    telegram: await telegramStatus(ctx.state.services, user),
    notifications: await notificationChoices(ctx.state.services, user),
  };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const done = ctx.url.searchParams.get("done");
    const reminderDone = ctx.url.searchParams.get("reminder") ?? "";
    return page({
      ...await accountData(ctx),
      done: (DONE as readonly string[]).includes(done ?? "") ? done as Done : undefined,
      reminderDone: (REMINDER_DONE as readonly string[]).includes(reminderDone)
        ? reminderDone as ReminderDone
        : undefined,
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
        case "email": {
          const r = await changeEmail(s, user, {
            email: str("email"),
            currentPassword: str("currentPassword"),
          });
          return done(
            r.outcome === "sent"
              ? "emailSent"
              : r.outcome === "removed"
              ? "emailRemoved"
              : "emailUnchanged",
          );
        }
        case "email-resend":
          await resendEmailChange(s, user);
          return done("emailResent");
        case "email-cancel":
          await cancelEmailChange(s, user);
          return done("emailCancelled");
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
        case "time-zone":
          await changeTimeZone(s, user, { timeZone: str("timeZone") });
          return done("timeZone");
        case "logout-all": {
          const { sessionVersion } = await logoutEverywhere(s, user);
          await startSession(ctx, headers, { id: user.id, sessionVersion });
          return done("logoutAll");
        }
        case "notifications":
          await saveNotificationForm(s, user, form);
          return redirect(notificationSettingsPath("notifications"), 303, headers);
        case "delete":
          await deleteAccount(s, user, { currentPassword: str("currentPassword") });
          await endSession(ctx, headers);
          return redirect("/login?deleted=1", 303, headers);
      }
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
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

/**
 * One section of the page with its action's form: the form posts here with
 * `_action`, and its field ids are prefixed by the action (the page has
 * several password fields).
 */
function ActionSection(
  { state, id, title, intro, danger, action, errors, labels = {}, submit, variant, children }: {
    state: State;
    /** The heading's id. */
    id: string;
    title: string;
    /** A paragraph before the form. */
    intro?: string;
    danger?: boolean;
    action: Action;
    errors: FieldErrors;
    labels?: Record<string, string>;
    submit: string;
    variant?: ButtonVariant;
    children?: ComponentChildren;
  },
) {
  return (
    <Section
      id={id}
      class={danger ? "settings-section settings-section--danger" : "settings-section"}
      title={title}
    >
      {intro && <p>{intro}</p>}
      <PostForm
        state={state}
        action="/settings"
        hidden={{ _action: action }}
        errors={errors}
        idPrefix={`${action}-`}
        labels={labels}
        submit={submit}
        variant={variant ?? "default"}
      >
        {children}
      </PostForm>
    </Section>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const failed = data.failed;
  const errorsOf = (a: Action): FieldErrors => failed?.action === a ? failed.errors : {};
  const pw = errorsOf("password");
  // Resending answers in the email section too (e.g. when the link expired meanwhile).
  const em = failed?.action === "email-resend" ? failed.errors : errorsOf("email");
  const un = errorsOf("username");
  const lo = errorsOf("locale");
  const tz = errorsOf("time-zone");
  const del = errorsOf("delete");
  const currentPassword = t("auth.field.currentPassword");
  return (
    <div class="settings">
      <PageTitle t={t} title={t("settings.title")} />
      <h1>{t("settings.title")}</h1>
      {data.done && <FormNotice>{t(`settings.done.${data.done}`)}</FormNotice>}

      <ActionSection
        state={state}
        id="h-password"
        title={t("settings.password.title")}
        action="password"
        errors={pw}
        labels={{
          currentPassword,
          password: t("auth.field.newPassword"),
          passwordRepeat: t("auth.field.passwordRepeat"),
        }}
        submit={t("settings.password.submit")}
        variant="primary"
      >
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
        <CurrentPasswordField t={t} id="password-currentPassword" error={pw.currentPassword} />
        <NewPasswordFields
          t={t}
          errors={pw}
          label={t("auth.field.newPassword")}
          idPrefix="password-"
        />
      </ActionSection>

      <Section id="h-email" class="settings-section" title={t("settings.email.title")}>
        <p>
          {data.email ? t("settings.email.current", { email: data.email }) : t(
            "settings.email.none",
          )}
        </p>
        {data.pendingEmail && (
          <FormNotice kind="info">
            <p>
              {t("settings.email.pending", {
                email: data.pendingEmail.email,
                until: t.date(data.pendingEmail.expiresAt, {
                  day: "numeric",
                  month: "long",
                  hour: "2-digit",
                  minute: "2-digit",
                  timeZone: data.timeZone,
                }),
              })}
            </p>
            <div class="form-actions">
              <ButtonForm
                state={state}
                action="/settings"
                hidden={{ _action: "email-resend" }}
                label={t("settings.email.resend")}
              />
              <ButtonForm
                state={state}
                action="/settings"
                hidden={{ _action: "email-cancel" }}
                label={t("settings.email.cancel")}
                variant="ghost"
              />
            </div>
          </FormNotice>
        )}
        <PostForm
          state={state}
          action="/settings"
          hidden={{ _action: "email" }}
          errors={em}
          idPrefix="email-"
          labels={{ email: t("auth.field.email"), currentPassword }}
          submit={t("settings.email.submit")}
          variant="default"
        >
          <EmailField
            t={t}
            id="email-email"
            value={failed?.action === "email" ? failed.values.email : data.email ?? ""}
            error={em.email}
            hint={t("settings.email.changeHint")}
          />
          <CurrentPasswordField t={t} id="email-currentPassword" error={em.currentPassword} />
        </PostForm>
      </Section>

      <ActionSection
        state={state}
        id="h-username"
        title={t("settings.username.title")}
        action="username"
        errors={un}
        labels={{ username: t("auth.field.username") }}
        submit={t("settings.username.submit")}
      >
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
      </ActionSection>

      <ActionSection
        state={state}
        id="h-locale"
        title={t("settings.locale.title")}
        action="locale"
        errors={lo}
        labels={{ locale: t("settings.locale.label") }}
        submit={t("settings.locale.submit")}
      >
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
      </ActionSection>

      <ActionSection
        state={state}
        id="h-time-zone"
        title={t("settings.timeZone.title")}
        action="time-zone"
        errors={tz}
        labels={{ timeZone: t("settings.timeZone.label") }}
        submit={t("settings.timeZone.submit")}
      >
        <SelectField
          id="time-zone-timeZone"
          name="timeZone"
          label={t("settings.timeZone.label")}
          hint={t("settings.timeZone.hint")}
          value={data.timeZone}
          error={tz.timeZone}
          required
          options={TIME_ZONES.map((z) => ({ value: z, label: z.replaceAll("_", " ") }))}
        />
        {/* Still the default: most likely never chosen, so the browser's zone is the better guess. */}
        {data.timeZone === DEFAULT_TIME_ZONE && !tz.timeZone && (
          <TimeZoneGuess selectId="time-zone-timeZone" text={t("settings.timeZone.detected")} />
        )}
      </ActionSection>

      <ReminderSettings
        state={state}
        reminders={data.reminders}
        timeZone={data.timeZone}
        done={data.reminderDone}
      />

      <PushSettings state={state} />

      <Section id="h-offline" class="settings-section" title={t("pwa.settings.title")}>
        <p>{t("pwa.offline.lead")}</p>
        <p>
          <a href={offlinePath()}>{t("pwa.settings.link")}</a>
        </p>
      </Section>

      <TelegramSettings state={state} status={data.telegram} />
      <NotificationPrefsSection state={state} choices={data.notifications} />
      <DataExportSection state={state} />

      <ActionSection
        state={state}
        id="h-sessions"
        title={t("settings.sessions.title")}
        intro={t("settings.sessions.text")}
        action="logout-all"
        errors={errorsOf("logout-all")}
        submit={t("settings.sessions.submit")}
      />

      {data.canDelete
        ? (
          <ActionSection
            state={state}
            id="h-delete"
            title={t("settings.delete.title")}
            intro={t("settings.delete.text")}
            danger
            action="delete"
            errors={del}
            labels={{ currentPassword }}
            submit={t("settings.delete.submit")}
            variant="danger"
          >
            <CurrentPasswordField t={t} id="delete-currentPassword" error={del.currentPassword} />
          </ActionSection>
        )
        : (
          <Section
            id="h-delete"
            class="settings-section settings-section--danger"
            title={t("settings.delete.title")}
          >
            <p class="muted">{t("settings.delete.staff")}</p>
          </Section>
        )}
    </div>
  );
});
