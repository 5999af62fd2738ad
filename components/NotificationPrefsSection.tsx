/**
 * The "Notifications" section of /settings: which categories reach the user
 * through which channel, as one plain form (a table of checkboxes, each
 * named "category.channel" and labelled "Напоминания — Telegram" for screen
 * readers). A channel that cannot reach the user yet is shown disabled with
 * a short reason. Posts `_action=notifications` to /settings.
 */
import type { State } from "@/define.ts";
import { PostForm } from "./PostForm.tsx";
import {
  DELIVERY_CHANNELS,
  NOTIFICATION_CATEGORIES,
  type NotificationChoices,
} from "@/core/notification_prefs.ts";

export const NOTIFICATIONS_SECTION_ID = "h-notifications";

export function NotificationPrefsSection(
  { state, choices }: { state: State; choices: NotificationChoices },
) {
  const { t } = state;
  const { prefs, available } = choices;
  return (
    <section class="settings-section" aria-labelledby={NOTIFICATIONS_SECTION_ID}>
      <h2 id={NOTIFICATIONS_SECTION_ID}>{t("delivery.settings.title")}</h2>
      <p>{t("delivery.settings.intro")}</p>
      <PostForm
        state={state}
        action="/settings"
        hidden={{ _action: "notifications" }}
        submit={t("delivery.settings.submit")}
      >
        <div class="prefs-table-wrap">
          <table class="prefs-table">
            <caption class="visually-hidden">{t("delivery.settings.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("delivery.settings.category")}</th>
                {DELIVERY_CHANNELS.map((ch) => (
                  <th scope="col" key={ch}>{t(`delivery.channel.${ch}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_CATEGORIES.map((c) => (
                <tr key={c}>
                  <th scope="row">
                    <span class="prefs-table__category">{t(`delivery.category.${c}`)}</span>
                    <span class="prefs-table__hint muted">{t(`delivery.categoryHint.${c}`)}</span>
                  </th>
                  {DELIVERY_CHANNELS.map((ch) => {
                    const off = ch !== "push" && !available[ch];
                    return (
                      <td key={ch}>
                        <input
                          type="checkbox"
                          id={`pref-${c}-${ch}`}
                          name={`${c}.${ch}`}
                          checked={prefs[c][ch] && !off}
                          disabled={off}
                          aria-label={t("delivery.settings.cell", {
                            category: t(`delivery.category.${c}`),
                            channel: t(`delivery.channel.${ch}`),
                          })}
                          aria-describedby={off ? `prefs-${ch}-off` : undefined}
                        />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {!available.push && (
          <p class="muted" id="prefs-push-off">{t("delivery.settings.pushOff")}</p>
        )}
        {!available.telegram && (
          <p class="muted" id="prefs-telegram-off">{t("delivery.settings.telegramOff")}</p>
        )}
        {!available.email && (
          <p class="muted" id="prefs-email-off">{t("delivery.settings.emailOff")}</p>
        )}
      </PostForm>
    </section>
  );
}
