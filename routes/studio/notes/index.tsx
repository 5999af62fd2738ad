/**
 * `/studio/notes`: the trainer's notes about their learners (every note for
 * staff), the latest changed first, with a search by title or learner and
 * a tag filter (GET form).
 */
import { define } from "@/define.ts";
import { page } from "@/framework/mod.ts";
import {
  listNotes,
  type NoteFilters,
  type NoteSummary,
  parseNoteFilters,
} from "@/core/studio/notes.ts";
import { studioNewNotePath, studioNotePath, studioNotesPath, studioPath } from "@/core/paths.ts";
import { PageTitle } from "@/components/PageTitle.tsx";
import { buttonClass } from "@/components/forms.tsx";

interface Data {
  notes: NoteSummary[];
  filters: NoteFilters;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const filters = parseNoteFilters(ctx.url.searchParams);
    const notes = await listNotes(ctx.state.services, ctx.state.user, filters);
    return page({ notes, filters }, { headers: { "cache-control": "private, no-store" } });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { t } = state;
  const { filters } = data;
  const filtered = !!(filters.q || filters.tag);
  return (
    <>
      <PageTitle t={t} title={t("studio.notes.title")} />
      <nav class="breadcrumbs" aria-label="breadcrumbs">
        <a href={studioPath()}>{t("studio.title")}</a>
      </nav>
      <h1>{t("studio.notes.title")}</h1>
      <p class="lead">{t("studio.notes.lead")}</p>
      <p>
        <a href={studioNewNotePath()} class={buttonClass("primary")}>{t("studio.notes.new")}</a>
      </p>
      <form method="get" action={studioNotesPath()} class="studio-search" role="search">
        <label for="q">{t("studio.notes.filter.q")}</label>
        <div class="studio-search__row">
          <input id="q" name="q" type="search" value={filters.q} maxLength={100} />
        </div>
        <label for="tag">{t("studio.notes.filter.tag")}</label>
        <div class="studio-search__row">
          <input id="tag" name="tag" type="search" value={filters.tag} maxLength={40} />
          <button type="submit" class="button">{t("studio.notes.filter.apply")}</button>
        </div>
      </form>
      {data.notes.length === 0
        ? (
          <p class="empty">
            {filtered ? t("studio.notes.emptyFiltered") : t("studio.notes.empty")}
          </p>
        )
        : (
          <ul class="studio-list">
            {data.notes.map((n) => (
              <li key={n.id} class="studio-list__item" data-note={n.id}>
                <a class="studio-list__title" href={studioNotePath(n.id)}>{n.title}</a>
                <span class="studio-list__meta">
                  {t("studio.notes.learnersOf", {
                    names: n.learners.map((l) => l.username).join(", "),
                  })}
                </span>
                <span class="studio-list__meta">
                  {[
                    t.plural("studio.notes.entries", n.entries),
                    n.tags.map((x) => `#${x}`).join(" "),
                  ]
                    .filter(Boolean).join(" · ")}
                </span>
              </li>
            ))}
          </ul>
        )}
    </>
  );
});
