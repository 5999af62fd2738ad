/**
 * The catalogue's search and filter form. It is a plain GET form, so every
 * filter works without JavaScript (the server answers the same query); with
 * it, cards are filtered and re-ordered in place as you type or pick, using
 * the same rules as the server (core/courses/filter.ts), and the address
 * keeps the query so a reload or a shared link shows the same list.
 */
import { useEffect, useState } from "preact/hooks";
import {
  catalogueCollator,
  type CatalogueFilters,
  type CatalogueTab,
  courseComparator,
  type FilterableCourse,
  filtersToSearch,
  isFiltered,
  matchesFilters,
  NO_FILTERS,
  type ProgressStatus,
  type StatusLabels,
  statusMessage,
} from "@/core/courses/filter.ts";
import type { Locale } from "@/core/i18n/format.ts";
import { cataloguePath } from "@/core/paths.ts";

interface Option {
  value: string;
  label: string;
}

interface Props {
  tab: CatalogueTab;
  filters: CatalogueFilters;
  locale: Locale;
  /** Progress filter and sort only make sense for a signed-in learner. */
  signedIn: boolean;
  labels: StatusLabels & {
    label: string;
    placeholder: string;
    submit: string;
    reset: string;
    legend: string;
    level: string;
    status: string;
    rating: string;
    sort: string;
    resetFilters: string;
  };
  options: { level: Option[]; status: Option[]; rating: Option[]; sort: Option[] };
}

function readCard(el: HTMLElement): FilterableCourse {
  const d = el.dataset;
  return {
    searchText: d.search ?? "",
    level: d.level ?? "",
    avgRating: d.rating ? Number(d.rating) : null,
    reviewCount: Number(d.reviews ?? 0),
    status: (d.status ?? "NOT_STARTED") as ProgressStatus,
    progress: Number(d.progress ?? 0),
    name: d.name ?? "",
    published: Number(d.published ?? 0),
  };
}

function apply(f: CatalogueFilters, props: Props) {
  const list = document.getElementById("course-list");
  const cards = [...document.querySelectorAll<HTMLElement>("[data-course-card]")]
    .map((el) => ({ el, c: readCard(el) }));
  let shown = 0;
  for (const { el, c } of cards) {
    const match = matchesFilters(c, f);
    el.hidden = !match;
    if (match) shown++;
  }
  if (list) {
    const compare = courseComparator(f.sort, catalogueCollator(props.locale));
    cards.sort((a, b) => compare(a.c, b.c));
    // Moving nodes keeps their hydrated islands (the stars) alive.
    cards.forEach(({ el }, i) => {
      if (list.children[i] !== el) list.insertBefore(el, list.children[i] ?? null);
    });
  }
  const status = document.getElementById("search-status");
  if (status) status.textContent = statusMessage(f, shown, props.locale, props.labels);
  const url = new URL(location.href);
  url.search = filtersToSearch(f, props.tab);
  history.replaceState(history.state, "", url);
}

export default function CourseSearch(props: Props) {
  const [f, setF] = useState<CatalogueFilters>(props.filters);
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  const { labels, options } = props;

  const update = (patch: Partial<CatalogueFilters>) => {
    const next = { ...f, ...patch };
    setF(next);
    apply(next, props);
  };

  const select = (
    name: "level" | "status" | "rating" | "sort",
    label: string,
    opts: Option[],
  ) => (
    <div class="filters__field">
      <label for={`f-${name}`}>{label}</label>
      <select
        id={`f-${name}`}
        name={name}
        value={f[name]}
        onChange={(e) => update({ [name]: e.currentTarget.value } as Partial<CatalogueFilters>)}
      >
        {opts.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </div>
  );

  return (
    <form
      class="search"
      method="get"
      action="/courses"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        apply(f, props);
      }}
    >
      {props.tab !== "all" && <input type="hidden" name="tab" value={props.tab} />}
      <label for="course-q">{labels.label}</label>
      <div class="search__row">
        <input
          id="course-q"
          type="search"
          name="q"
          value={f.q}
          placeholder={labels.placeholder}
          maxLength={100}
          autocomplete="off"
          aria-controls="course-list"
          aria-describedby="search-status"
          onInput={(e) => update({ q: e.currentTarget.value })}
        />
        {live && f.q && (
          <button
            type="button"
            class="button button--ghost"
            onClick={() => {
              update({ q: "" });
              document.getElementById("course-q")?.focus();
            }}
          >
            {labels.reset}
          </button>
        )}
      </div>
      <fieldset class="filters">
        <legend class="visually-hidden">{labels.legend}</legend>
        {select("level", labels.level, options.level)}
        {props.signedIn && select("status", labels.status, options.status)}
        {select("rating", labels.rating, options.rating)}
        {select("sort", labels.sort, options.sort)}
        <div class="filters__actions">
          {!live && <button type="submit" class="button">{labels.submit}</button>}
          {(isFiltered(f) || f.sort !== NO_FILTERS.sort) && (
            <a class="filters__reset" href={cataloguePath(filtersToSearch(NO_FILTERS, props.tab))}>
              {labels.resetFilters}
            </a>
          )}
        </div>
      </fieldset>
    </form>
  );
}
