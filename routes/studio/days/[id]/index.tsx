/**
 * `/studio/days/<id>`: edit a day, its ordered steps (add, up, down, remove)
 * and see the courses that use it. One URL, POSTs told apart by `_action`:
 * save (default), `add`, `up`, `down`, `remove` (a step link). "Where else
 * used" is named above the save button and after it (`from`: the course the
 * trainer came from); deleting or archiving the day is `…/remove`. Another
 * trainer's day answers 404 (core/studio/days.ts).
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import {
  addStepToDay,
  dayFormValues,
  getDay,
  moveDayStep,
  removeDayStep,
  stepChoices,
  type StudioDay,
  updateDay,
} from "@/core/studio/days.ts";
import type { FieldErrors } from "@/core/validation.ts";
import {
  studioCoursePath,
  studioDayApiPath,
  studioDayEditPath,
  studioDayPath,
  studioDaysPath,
  studioRemoveDayPath,
  studioStepEditPath,
} from "@/core/paths.ts";
import { type CourseRef, fromParam, whereElseUsed } from "@/core/studio/usage.ts";
import { WhereUsed } from "../../(_lib)/where_used.tsx";
import type { MessageKey } from "@/core/i18n/mod.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { FormNotice } from "@/components/forms.tsx";
import { DayForm, type DayFormValues, dayValuesFrom } from "../(_lib)/form.tsx";
import { AddForm, OrderedList } from "../../(_lib)/ordered.tsx";

const DONE = ["created", "saved", "removed", "archived", "unarchived"] as const;
type Done = typeof DONE[number];

interface Data {
  day: StudioDay;
  values: DayFormValues;
  errors: FieldErrors;
  addError?: string;
  choices: { id: string; title: string }[];
  done: Done | null;
  /** The course the trainer came from (kept through the form). */
  from: string | null;
  /** "Where else used" (null: no notice). */
  usedIn: CourseRef[] | null;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const svc = ctx.state.services;
    const day = await getDay(svc, ctx.state.user, ctx.params.id);
    const done = ctx.url.searchParams.get("done") ?? "";
    const from = fromParam(ctx.url.searchParams.get("from"));
    return page({
      day,
      from,
      usedIn: whereElseUsed(day.courses, from),
      values: dayFormValues(day),
      errors: {},
      choices: await stepChoices(svc, ctx.state.user),
      done: (DONE as readonly string[]).includes(done) ? done as Done : null,
    });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const svc = ctx.state.services;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    const back = studioDayPath(id);
    const from = fromParam(form.from);
    const linkId = typeof form.linkId === "string" ? form.linkId : "";
    try {
      switch (form._action) {
        case "up":
        case "down":
          await moveDayStep(svc, user, id, linkId, form._action);
          return redirect(`${back}#steps`);
        case "remove": {
          const r = await removeDayStep(svc, user, id, linkId);
          return redirect(`${back}?done=${r === "archived" ? "archived" : "removed"}#steps`);
        }
        case "add":
          await addStepToDay(svc, user, id, form);
          return redirect(`${back}#steps`);
        default:
          await updateDay(svc, user, id, form);
          return redirect(studioDayEditPath(id, { done: "saved", from }));
      }
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      const day = await getDay(svc, user, id);
      const add = form._action === "add";
      return page<Data>({
        day,
        from,
        usedIn: whereElseUsed(day.courses, from),
        values: add ? dayFormValues(day) : dayValuesFrom(form),
        errors: add ? {} : failure.errors,
        addError: add ? Object.values(failure.errors)[0] : undefined,
        choices: await stepChoices(svc, user),
        done: null,
      }, { status: failure.status });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { day } = data;
  const title = t("studio.days.edit.title", { title: day.title });
  const action = studioDayPath(day.id);
  const doneKey: Record<Done, MessageKey> = {
    created: "studio.build.created",
    saved: "studio.build.saved",
    removed: "studio.build.removed",
    archived: "studio.build.archived",
    unarchived: "studio.authoring.done.unarchived",
  };
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioDaysPath()}>{t("studio.days.back")}</a>
      </nav>
      <h1>{title}</h1>
      <p class="muted">{t("studio.build.author", { name: day.authorName })}</p>
      {data.done && <FormNotice>{t(doneKey[data.done])}</FormNotice>}
      {data.done === "saved" && <WhereUsed state={state} kind="day" courses={data.usedIn} saved />}
      <section aria-labelledby="usages-title">
        <h2 id="usages-title">{t("studio.days.usages")}</h2>
        {day.courses.length
          ? (
            <ul class="studio-usages">
              {day.courses.map((c) => (
                <li key={c.id}>
                  <a href={studioCoursePath(c.id)}>{c.name}</a>
                  {!c.published && ` (${t("studio.days.usages.draft")})`}
                </li>
              ))}
            </ul>
          )
          : <p class="muted">{t("studio.days.usages.none")}</p>}
      </section>
      <section aria-labelledby="steps" class="studio-section">
        <h2 id="steps">{t("studio.days.steps")}</h2>
        <OrderedList
          state={state}
          action={action}
          api={studioDayApiPath(day.id, "order")}
          kind="step"
          empty={t("studio.days.steps.empty")}
          items={day.steps.map((s) => ({
            linkId: s.linkId,
            title: s.title,
            href: studioStepEditPath(s.stepId, { from: data.from }),
            meta: t(`training.type.${s.type}` as MessageKey),
          }))}
        />
        <AddForm
          state={state}
          action={action}
          name="stepId"
          label={t("studio.days.steps.add")}
          choices={data.choices}
          none={t("studio.days.steps.noChoices")}
          error={data.addError}
        />
      </section>
      <DayForm
        state={state}
        action={action}
        values={data.values}
        errors={data.errors}
        submit={t("studio.build.save")}
        hidden={{ from: data.from }}
        notice={<WhereUsed state={state} kind="day" courses={data.usedIn} />}
      />
      <p class="studio-delete">
        <a href={studioRemoveDayPath(day.id)} class="button button--danger">
          {t("studio.authoring.remove")}
        </a>
      </p>
    </>
  );
});
