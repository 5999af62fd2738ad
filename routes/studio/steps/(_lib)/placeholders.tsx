/**
 * Under the step editor's description: a short help listing the
 * personalisation placeholders, and a non-blocking warning about the ones in
 * the title, description or checklist that will not be substituted (after
 * saving, and with the preview: it reads the values the form shows).
 */
import { Fragment } from "preact";
import type { Translator } from "@/core/i18n/mod.ts";
import { PET_CASES } from "@/core/personalisation/placeholders.ts";
import { placeholderWarnings } from "@/core/personalisation/warnings.ts";

export function PlaceholderHelp(
  { t, values }: {
    t: Translator;
    values: { title?: string; description?: string; checklistItems?: string };
  },
) {
  const warnings = placeholderWarnings(
    [values.title, values.description, values.checklistItems],
    t,
  );
  return (
    <div class="placeholder-help">
      {warnings.length > 0 && (
        <div class="form-notice form-notice--info" role="status" id="placeholder-warnings">
          <p>
            <strong>{t("studio.placeholders.warning.title")}</strong>
          </p>
          <p>{t("studio.placeholders.warning.text")}</p>
          <ul>
            {warnings.map((w) => (
              <li key={`${w.reason}:${w.text}`}>
                <code>{w.text}</code> — {w.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <details>
        <summary>{t("studio.placeholders.title")}</summary>
        <p class="field-hint">{t("studio.placeholders.lead")}</p>
        <dl class="placeholder-help__list">
          <dt>
            <code>{"{{petName}}"}</code>
          </dt>
          <dd>{t("studio.placeholders.petName")}</dd>
          {PET_CASES.map((c) => (
            <Fragment key={c}>
              <dt>
                <code>{`{{petName:${c}}}`}</code>
              </dt>
              <dd>
                {t("studio.placeholders.petCase", { case: t(`studio.placeholders.case.${c}`) })}
              </dd>
            </Fragment>
          ))}
          <dt>
            <code>{"{{userName}}"}</code>
          </dt>
          <dd>{t("studio.placeholders.userName")}</dd>
          <dt>
            <code>{"{{gender:пошёл|пошла}}"}</code>
          </dt>
          <dd>{t("studio.placeholders.gender")}</dd>
          <dt>
            <code>{"{{petGender:мальчик|девочка}}"}</code>
          </dt>
          <dd>{t("studio.placeholders.petGender")}</dd>
        </dl>
      </details>
    </div>
  );
}
