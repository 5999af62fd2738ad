/**
 * /ops/broadcasts: the broadcasts so far (status, sent of total) and, for
 * admins, the form of a new one. POST saves a draft and goes to its page,
 * which shows the preview and the recipients before anything is sent; a
 * form with mistakes comes back with its errors and values.
 */
import { define, type State } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { CsrfField } from "@/components/CsrfField.tsx";
import { ErrorSummary, Field, SelectField, TextareaField } from "@/components/forms.tsx";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import type { FieldErrors } from "@/core/validation.ts";
import {
  BODY_MAX,
  type Broadcast,
  createBroadcast,
  listBroadcasts,
  MAX_INACTIVE_DAYS,
  SEGMENT_KINDS,
  segmentCourses,
  TITLE_MAX,
} from "@/core/broadcasts.ts";
import { opsBroadcastPath, opsBroadcastsPath } from "@/core/paths.ts";
import { Badge, canWrite, when } from "../(_lib)/ui.tsx";
import { SegmentName } from "./(_lib)/segment.tsx";
import CharCounter from "@/islands/CharCounter.tsx";

interface Data {
  broadcasts: Broadcast[];
  courses: { id: string; name: string }[];
  values: Record<string, string>;
  errors: FieldErrors;
}

async function load(state: State) {
  const [broadcasts, courses] = await Promise.all([
    listBroadcasts(state.services, state.user),
    segmentCourses(state.services, state.user),
  ]);
  return { broadcasts, courses };
}

const FIELDS = ["titleRu", "bodyRu", "titleEn", "bodyEn", "url", "segment", "course", "days"];

export const handler = define.handlers<Data>({
  async GET(ctx) {
    return page({ ...await load(ctx.state), values: { segment: "all" }, errors: {} }, {
      headers: { "cache-control": "no-store" },
    });
  },
  async POST(ctx) {
    const form = await formObject(ctx);
    const values: Record<string, string> = {};
    for (const k of FIELDS) if (typeof form[k] === "string") values[k] = form[k] as string;
    try {
      const id = await createBroadcast(ctx.state.services, ctx.state.user, values as never);
      return redirect(opsBroadcastPath(id), 303);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({ ...await load(ctx.state), values, errors: failure.errors }, {
        status: failure.status,
        headers: failure.headers,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const v = data.values;
  const e = data.errors;
  return (
    <>
      <PageTitle t={t} title={t("admin.broadcasts.title")} />
      <h1>{t("admin.broadcasts.title")}</h1>
      <p class="lead">{t("admin.broadcasts.lead")}</p>

      {canWrite(state) && (
        <section aria-labelledby="h-new" class="admin-broadcast-form">
          <h2 id="h-new">{t("admin.broadcasts.new")}</h2>
          <ErrorSummary errors={e} title={t("form.errors.title")} />
          <form method="post" action={opsBroadcastsPath()} novalidate>
            <CsrfField state={state} />
            <p class="muted">{t("admin.broadcasts.langHint")}</p>
            {(["Ru", "En"] as const).map((lang) => (
              <fieldset key={lang} lang={lang.toLowerCase()}>
                <legend>{t(`admin.broadcasts.${lang === "Ru" ? "ru" : "en"}`)}</legend>
                <Field
                  name={`title${lang}`}
                  label={t("admin.broadcasts.titleField")}
                  hint={t("admin.broadcasts.titleHint", { max: TITLE_MAX })}
                  value={v[`title${lang}`]}
                  error={e[`title${lang}`]}
                  input={{ maxLength: TITLE_MAX }}
                >
                  <CharCounter
                    fieldId={`title${lang}`}
                    max={TITLE_MAX}
                    text={t("admin.broadcasts.counter")}
                  />
                </Field>
                <TextareaField
                  name={`body${lang}`}
                  label={t("admin.broadcasts.bodyField")}
                  hint={t("admin.broadcasts.bodyHint", { max: BODY_MAX })}
                  value={v[`body${lang}`]}
                  error={e[`body${lang}`]}
                  maxLength={BODY_MAX}
                  rows={3}
                />
                <CharCounter
                  fieldId={`body${lang}`}
                  max={BODY_MAX}
                  text={t("admin.broadcasts.counter")}
                />
              </fieldset>
            ))}
            <Field
              name="url"
              label={t("admin.broadcasts.url")}
              hint={t("admin.broadcasts.urlHint")}
              value={v.url}
              error={e.url}
              input={{ maxLength: 1000 }}
            />
            <fieldset aria-describedby={e.segment ? "segment-error" : undefined}>
              <legend>{t("admin.broadcasts.segment")}</legend>
              {e.segment && <p class="field-error" id="segment-error">{e.segment}</p>}
              {SEGMENT_KINDS.map((k) => (
                <label key={k} class="admin-radio">
                  <input
                    type="radio"
                    name="segment"
                    value={k}
                    checked={(v.segment ?? "all") === k}
                  />
                  {t(`admin.broadcasts.segment.${k}`)}
                </label>
              ))}
              <SelectField
                name="course"
                label={t("admin.broadcasts.course")}
                value={v.course}
                error={e.course}
                options={[
                  { value: "", label: t("admin.broadcasts.chooseCourse") },
                  ...data.courses.map((c) => ({ value: c.id, label: c.name })),
                ]}
              />
              <Field
                name="days"
                type="number"
                label={t("admin.broadcasts.days")}
                value={v.days ?? "30"}
                error={e.days}
                input={{ min: 1, max: MAX_INACTIVE_DAYS, inputMode: "numeric" }}
              />
            </fieldset>
            <button type="submit" class="button button--primary">
              {t("admin.broadcasts.preview")}
            </button>
          </form>
        </section>
      )}

      <h2>{t("admin.broadcasts.history")}</h2>
      {data.broadcasts.length === 0
        ? <p class="muted">{t("admin.broadcasts.none")}</p>
        : (
          <div class="ops-table-wrap" role="region" aria-labelledby="bc-caption" tabIndex={0}>
            <table class="ops-table">
              <caption id="bc-caption" class="visually-hidden">
                {t("admin.broadcasts.caption")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.broadcasts.titleField")}</th>
                  <th scope="col">{t("admin.broadcasts.segment")}</th>
                  <th scope="col">{t("admin.users.state")}</th>
                  <th scope="col" class="num">{t("admin.broadcasts.progress")}</th>
                  <th scope="col">{t("admin.broadcasts.created")}</th>
                </tr>
              </thead>
              <tbody>
                {data.broadcasts.map((b) => (
                  <tr key={b.id} data-broadcast={b.id}>
                    <th scope="row">
                      <a href={opsBroadcastPath(b.id)}>{(b.texts.ru ?? b.texts.en)!.title}</a>
                    </th>
                    <td>
                      <SegmentName t={t} broadcast={b} />
                    </td>
                    <td>
                      <Badge
                        kind={b.status === "done"
                          ? "done"
                          : b.status === "sending"
                          ? "active"
                          : "paused"}
                      >
                        {t(`admin.broadcasts.status.${b.status}`)}
                      </Badge>
                    </td>
                    <td class="num">
                      {b.status === "draft" ? "—" : `${t.number(b.sent)} / ${t.number(b.total)}`}
                    </td>
                    <td>{when(state, b.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </>
  );
});
