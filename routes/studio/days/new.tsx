/** `/studio/days/new`: create a day; an invalid form comes back with its errors and values. */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import { requireStudio } from "@/core/auth/guards.ts";
import { createDay } from "@/core/studio/days.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { studioDayPath, studioDaysPath, studioNewDayPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { DayForm, type DayFormValues, dayValuesFrom } from "./(_lib)/form.tsx";

interface Data {
  values: DayFormValues;
  errors: FieldErrors;
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    requireStudio(ctx.state.user);
    return page({ values: { type: "regular" }, errors: {} });
  },
  async POST(ctx) {
    const user = requireStudio(ctx.state.user);
    const form = await formObject(ctx);
    try {
      const day = await createDay(ctx.state.services, user, form);
      return redirect(`${studioDayPath(day.id)}?done=created`);
    } catch (err) {
      const failure = formFailure(err, ctx.state.t);
      if (!failure) throw err;
      return page({ values: dayValuesFrom(form), errors: failure.errors }, {
        status: failure.status,
      });
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  return (
    <>
      <PageTitle t={t} title={t("studio.days.new.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioDaysPath()}>{t("studio.days.back")}</a>
      </nav>
      <h1>{t("studio.days.new.title")}</h1>
      <DayForm
        state={state}
        action={studioNewDayPath()}
        values={data.values}
        errors={data.errors}
        submit={t("studio.days.create")}
      />
    </>
  );
});
