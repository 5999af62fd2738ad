/**
 * `/studio/courses/<id>/access`: who may open the course, for its author or
 * staff (another trainer gets 404). Search users (`?q=`: a username prefix
 * or an exact email; no email shown), grant and revoke (POST with
 * `_action`). A refused search or grant comes back on this page with the
 * message and what was typed; a change redirects here with a notice.
 * Ships no JavaScript.
 */
import { define } from "@/define.ts";
import { HttpError, page } from "@/framework/mod.ts";
import { formObject } from "@/http/forms.ts";
import { redirect } from "@/http/responses.ts";
import { formFailure } from "@/http/errors.ts";
import {
  courseAccess,
  type CourseAccessView,
  grantAccess,
  revokeAccess,
  searchUsers,
  type UserMatch,
} from "@/core/studio/access.ts";
import type { FieldErrors } from "@/core/validation.ts";
import { coursePath, studioAccessPath, studioCourseAccessPath, studioPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { ButtonForm } from "@/components/PostForm.tsx";
import { ErrorSummary, FormNotice } from "@/components/forms.tsx";
import { Section } from "@/components/Section.tsx";

const DONE = ["granted", "already", "revoked"] as const;
type Done = typeof DONE[number];

interface Data {
  view: CourseAccessView;
  q: string;
  results: UserMatch[] | null;
  done?: Done;
  errors: FieldErrors;
}

const noStore = { "cache-control": "private, no-store" };

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const { services, user, t } = ctx.state;
    const id = ctx.params.id;
    const view = await courseAccess(services, user, id);
    const q = ctx.url.searchParams.get("q") ?? "";
    const doneRaw = ctx.url.searchParams.get("done") ?? "";
    const done = (DONE as readonly string[]).includes(doneRaw) ? doneRaw as Done : undefined;
    if (!ctx.url.searchParams.has("q")) {
      return page({ view, q, results: null, done, errors: {} }, { headers: noStore });
    }
    try {
      const results = await searchUsers(services, user, id, { q });
      return page({ view, q, results, done, errors: {} }, { headers: noStore });
    } catch (err) {
      const failure = formFailure(err, t);
      if (!failure) throw err;
      return page(
        { view, q, results: null, errors: failure.errors },
        { status: failure.status, headers: noStore },
      );
    }
  },
  async POST(ctx) {
    const { services, user, t } = ctx.state;
    const id = ctx.params.id;
    const form = await formObject(ctx);
    const q = typeof form.q === "string" ? form.q : "";
    const back = (done: Done) =>
      redirect(`${studioCourseAccessPath(id, { q })}${q ? "&" : "?"}done=${done}`);
    try {
      switch (form._action) {
        case "grant":
          return back(await grantAccess(services, user, id, form) ? "granted" : "already");
        case "revoke":
          await revokeAccess(services, user, id, form);
          return back("revoked");
        default:
          throw new HttpError(400, "unknown access action");
      }
    } catch (err) {
      const failure = formFailure(err, t);
      if (!failure) throw err;
      const view = await courseAccess(services, user, id);
      return page(
        { view, q, results: null, errors: failure.errors },
        { status: failure.status, headers: noStore },
      );
    }
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { course, grants } = data.view;
  const self = studioCourseAccessPath(course.id);
  const when = (d: Date) => t.date(d, { day: "numeric", month: "long", year: "numeric" });
  const notices: Record<Done, string> = {
    granted: t("studio.access.flash.granted"),
    already: t("studio.access.flash.already"),
    revoked: t("studio.access.flash.revoked"),
  };
  const title = t("studio.access.course.title", { course: course.name });
  return (
    <>
      <PageTitle t={t} title={title} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
        {" / "}
        <a href={studioAccessPath()}>{t("studio.access.title")}</a>
      </nav>
      {data.done && <FormNotice>{notices[data.done]}</FormNotice>}
      <h1>{title}</h1>
      <p>
        <a href={coursePath(course.slug)}>{course.name}</a>
        {" · "}
        {t(`studio.access.kind.${course.access}`)}
        {course.published ? "" : ` · ${t("studio.access.draft")}`}
      </p>
      {course.access === "PUBLIC" && <p class="muted">{t("studio.access.publicNote")}</p>}

      <Section id="access-search" title={t("studio.access.search")}>
        <ErrorSummary
          errors={data.errors}
          title={t("form.errors.title")}
          labels={{ q: t("studio.access.search.q") }}
        />
        <form method="get" action={self} class="studio-search" role="search" novalidate>
          <label for="q">{t("studio.access.search.q")}</label>
          <p class="field-hint" id="q-hint">{t("studio.access.search.hint")}</p>
          {data.errors.q && <p class="field-error" id="q-error">{data.errors.q}</p>}
          <div class="studio-search__row">
            <input
              id="q"
              name="q"
              type="search"
              value={data.q}
              maxLength={254}
              autocomplete="off"
              aria-invalid={data.errors.q ? "true" : undefined}
              aria-describedby={data.errors.q ? "q-hint q-error" : "q-hint"}
            />
            <button type="submit" class="button">{t("studio.access.search.submit")}</button>
          </div>
        </form>
        {data.results && (
          data.results.length === 0
            ? <p class="empty" data-results="0">{t("studio.access.search.none")}</p>
            : (
              <ul class="studio-list" aria-label={t("studio.access.search.results")}>
                {data.results.map((u) => (
                  <li key={u.id} class="studio-list__item" data-match={u.username}>
                    <span class="studio-list__title">{u.username}</span>
                    {u.hasAccess
                      ? <span class="studio-list__meta">{t("studio.access.hasAccess")}</span>
                      : (
                        <ButtonForm
                          state={state}
                          action={self}
                          hidden={{ _action: "grant", userId: u.id, q: data.q }}
                          label={t("studio.access.grantFor", { user: u.username })}
                          variant="primary"
                        />
                      )}
                  </li>
                ))}
              </ul>
            )
        )}
        {data.errors.userId && <p class="field-error" role="alert">{data.errors.userId}</p>}
      </Section>

      <Section id="access-list" title={t("studio.access.list")}>
        {grants.length === 0
          ? <p class="empty">{t("studio.access.empty")}</p>
          : (
            <ul class="studio-list">
              {grants.map((g) => (
                <li key={g.userId} class="studio-list__item" data-grant={g.username}>
                  <span class="studio-list__title">{g.username}</span>
                  <span class="studio-list__meta">
                    {t("studio.access.since")}{" "}
                    <time dateTime={g.since.toISOString()}>{when(g.since)}</time>
                    {g.grantedBy ? ` · ${t("studio.access.grantedBy")}: ${g.grantedBy}` : ""}
                  </span>
                  <ButtonForm
                    state={state}
                    action={self}
                    hidden={{ _action: "revoke", userId: g.userId, q: data.q }}
                    label={t("studio.access.revokeFor", { user: g.username })}
                    variant="danger"
                  />
                </li>
              ))}
            </ul>
          )}
      </Section>
    </>
  );
});
