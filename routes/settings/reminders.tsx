/**
 * The reminder forms of /settings post here. Success goes back to the
 * settings page with a notice (POST-redirect-GET); a refused form is shown
 * here, on its own page, with its messages and everything that was typed.
 * GET shows the same section alone (a focused page for the bot's link).
 */
import { define, type State } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { formFailure } from "@/http/errors.ts";
import { redirect } from "@/http/responses.ts";
import { requireUser } from "@/core/auth/guards.ts";
import {
  createReminder,
  deleteReminder,
  listReminders,
  type ReminderView,
  setReminderEnabled,
  updateReminder,
} from "@/core/reminders/reminders.ts";
import { WEEKDAYS } from "@/core/reminders/time.ts";
import {
  REMINDER_FORM_ACTIONS,
  type ReminderDone,
  type ReminderFailure,
  type ReminderFormAction,
  ReminderSettings,
} from "@/components/ReminderSettings.tsx";
import { PageTitle } from "@/components/PageTitle.tsx";

interface Data {
  reminders: ReminderView[];
  timeZone: string;
  failed?: ReminderFailure;
}

async function load(state: State): Promise<Omit<Data, "failed">> {
  const user = requireUser(state.user);
  return {
    reminders: await listReminders(state.services, user),
    timeZone: user.timeZone,
  };
}

/** The settings page with the reminders' notice, at the section. */
const back = (done: ReminderDone) => redirect(`/settings?reminder=${done}#reminders`, 303);

export const handler = define.handlers<Data>({
  async GET(ctx) {
    return page(await load(ctx.state));
  },
  async POST(ctx) {
    const user = requireUser(ctx.state.user);
    const s = ctx.state.services;
    const form = await formObject(ctx, ["days"]);
    const str = (k: string) => (typeof form[k] === "string" ? form[k] as string : "");
    const action = str("_action") as ReminderFormAction;
    if (!REMINDER_FORM_ACTIONS.includes(action)) throw new HttpError(400, "unknown action");
    const id = str("id");
    const days = (Array.isArray(form.days) ? form.days : []).filter((d) =>
      (WEEKDAYS as readonly string[]).includes(d)
    );
    const input = { time: str("time"), days: days as typeof WEEKDAYS[number][] };
    try {
      switch (action) {
        case "add":
          await createReminder(s, user, input);
          return back("added");
        case "save":
          await updateReminder(s, user, id, input);
          return back("saved");
        case "toggle": {
          const r = await setReminderEnabled(s, user, id, str("enabled") === "on");
          return back(r.enabled ? "enabled" : "disabled");
        }
        case "delete":
          await deleteReminder(s, user, id);
          return back("deleted");
      }
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({
        ...await load(ctx.state),
        failed: {
          action,
          id: id || undefined,
          values: { time: input.time.slice(0, 20), days: input.days },
          errors: failure.errors,
        },
      }, { status: failure.status, headers: failure.headers });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <div class="settings">
      <PageTitle t={t} title={t("reminders.title")} />
      <h1>{t("settings.title")}</h1>
      <p>
        <a href="/settings">{t("reminders.back")}</a>
      </p>
      <ReminderSettings
        state={state}
        reminders={data.reminders}
        timeZone={data.timeZone}
        failed={data.failed}
      />
    </div>
  );
});
