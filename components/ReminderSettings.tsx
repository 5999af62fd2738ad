/**
 * The "Training reminders" section of /settings (anchor #reminders), also
 * the body of /settings/reminders, where its forms post and where a refused
 * form comes back with its messages and what was typed. Plain forms: each
 * reminder has on/off and delete buttons and an edit form in a <details>;
 * the add form is a time field and the weekdays as checkboxes in a fieldset.
 */
import type { State } from "@/define.ts";
import { ButtonForm, PostForm } from "./PostForm.tsx";
import { Field, type FieldErrors, Fieldset, FormNotice } from "./forms.tsx";
import { MAX_REMINDERS, type ReminderView } from "@/core/reminders/reminders.ts";
import { describeDays } from "@/core/reminders/format.ts";
import { WEEKDAYS } from "@/core/reminders/time.ts";
import { remindersFormPath } from "@/core/paths.ts";

export const REMINDER_FORM_ACTIONS = ["add", "save", "toggle", "delete"] as const;
export type ReminderFormAction = typeof REMINDER_FORM_ACTIONS[number];

export const REMINDER_DONE = ["added", "saved", "enabled", "disabled", "deleted"] as const;
export type ReminderDone = typeof REMINDER_DONE[number];

/** A form the server refused: which one, what was typed, the messages. */
export interface ReminderFailure {
  action: ReminderFormAction;
  /** The reminder the form was about (save, toggle, delete). */
  id?: string;
  values: { time: string; days: string[] };
  errors: FieldErrors;
}

export interface ReminderSettingsProps {
  state: State;
  reminders: ReminderView[];
  timeZone: string;
  done?: ReminderDone;
  failed?: ReminderFailure;
}

/** The time field and the weekday checkboxes of the add and edit forms. */
function ReminderFields(
  { state, idPrefix, values, errors }: {
    state: State;
    idPrefix: string;
    values: { time: string; days: readonly string[] };
    errors: FieldErrors;
  },
) {
  const { t } = state;
  return (
    <>
      <Field
        id={`${idPrefix}time`}
        name="time"
        type="time"
        label={t("reminders.time")}
        value={values.time}
        error={errors.time}
        required
        input={{ step: 60 }}
      />
      <Fieldset
        id={`${idPrefix}days`}
        legend={t("reminders.days")}
        error={errors.days}
        class="weekday-picker"
      >
        {WEEKDAYS.map((d) => (
          <label key={d} class="weekday-picker__day">
            <input type="checkbox" name="days" value={d} checked={values.days.includes(d)} />
            <span aria-hidden="true">{t(`reminders.day.${d}`)}</span>
            <span class="visually-hidden">{t(`reminders.dayLong.${d}`)}</span>
          </label>
        ))}
      </Fieldset>
    </>
  );
}

function ReminderItem(
  { state, r, failed }: { state: State; r: ReminderView; failed?: ReminderFailure },
) {
  const { t } = state;
  const summary = t("reminders.summary", { time: r.time, days: describeDays(t, r.mask) });
  const mine = failed?.id === r.id ? failed : undefined;
  const editErrors = mine?.action === "save" ? mine.errors : {};
  const prefix = `reminder-${r.id}-`;
  return (
    <li class={r.enabled ? "reminder" : "reminder reminder--off"}>
      <p class="reminder__summary">
        <strong>{summary}</strong>{" "}
        <span class="muted">— {t(r.enabled ? "reminders.on" : "reminders.off")}</span>
      </p>
      {mine && mine.action !== "save" && mine.errors._form && (
        <p class="field-error" role="alert">{mine.errors._form}</p>
      )}
      <div class="reminder__actions">
        <ButtonForm
          state={state}
          action={remindersFormPath()}
          hidden={{ _action: "toggle", id: r.id, enabled: r.enabled ? "off" : "on" }}
          label={
            <>
              {t(r.enabled ? "reminders.disable" : "reminders.enable")}{" "}
              <span class="visually-hidden">{summary}</span>
            </>
          }
        />
        <ButtonForm
          state={state}
          action={remindersFormPath()}
          hidden={{ _action: "delete", id: r.id }}
          variant="danger"
          label={
            <>
              {t("reminders.delete")} <span class="visually-hidden">{summary}</span>
            </>
          }
        />
      </div>
      <details class="reminder__edit" open={mine?.action === "save"}>
        <summary>
          {t("reminders.edit")} <span class="visually-hidden">{summary}</span>
        </summary>
        <PostForm
          state={state}
          action={remindersFormPath()}
          hidden={{ _action: "save", id: r.id }}
          errors={editErrors}
          idPrefix={prefix}
          labels={{ time: t("reminders.time"), days: t("reminders.days") }}
          submit={t("reminders.save")}
        >
          <ReminderFields
            state={state}
            idPrefix={prefix}
            values={mine?.action === "save" ? mine.values : { time: r.time, days: r.days }}
            errors={editErrors}
          />
        </PostForm>
      </details>
    </li>
  );
}

export function ReminderSettings(
  { state, reminders, timeZone, done, failed }: ReminderSettingsProps,
) {
  const { t } = state;
  const addFailed = failed?.action === "add" ? failed : undefined;
  return (
    <section class="settings-section" id="reminders" aria-labelledby="h-reminders">
      <h2 id="h-reminders">{t("reminders.title")}</h2>
      {done && <FormNotice>{t(`reminders.done.${done}`)}</FormNotice>}
      <p>{t("reminders.lead", { zone: timeZone.replaceAll("_", " ") })}</p>
      {reminders.length
        ? (
          <ul class="reminder-list" aria-label={t("reminders.listLabel")}>
            {reminders.map((r) => <ReminderItem key={r.id} state={state} r={r} failed={failed} />)}
          </ul>
        )
        : <p class="muted">{t("reminders.empty")}</p>}
      {reminders.length < MAX_REMINDERS
        ? (
          <>
            <h3 id="h-reminder-add">{t("reminders.add.title")}</h3>
            <PostForm
              state={state}
              action={remindersFormPath()}
              hidden={{ _action: "add" }}
              errors={addFailed?.errors ?? {}}
              idPrefix="reminder-add-"
              labels={{ time: t("reminders.time"), days: t("reminders.days") }}
              submit={t("reminders.add.submit")}
              class="reminder-add"
            >
              <ReminderFields
                state={state}
                idPrefix="reminder-add-"
                values={addFailed?.values ?? { time: "08:00", days: WEEKDAYS }}
                errors={addFailed?.errors ?? {}}
              />
            </PostForm>
          </>
        )
        : (
          <>
            {addFailed?.errors._form && (
              <p class="field-error" role="alert">{addFailed.errors._form}</p>
            )}
            <p class="muted">{t("reminders.full", { max: MAX_REMINDERS })}</p>
          </>
        )}
    </section>
  );
}
