/**
 * Filters the course list as you type. The form is a plain GET form, so the
 * same search works without JavaScript; with it, cards are shown or hidden
 * in place and the address keeps `?q=` so a reload shows the same list.
 */
import { useEffect, useState } from "preact/hooks";
import { matchesSearch } from "../core/search.ts";
import { fill, formatPlural, type Locale, type Message } from "../core/i18n/format.ts";

interface Props {
  q: string;
  locale: Locale;
  labels: {
    label: string;
    placeholder: string;
    submit: string;
    reset: string;
    nothingFound: string;
    found: Message;
  };
}

function applyFilter(q: string, props: Props) {
  let shown = 0;
  for (const card of document.querySelectorAll<HTMLElement>("[data-course-card]")) {
    const match = !q.trim() || matchesSearch(card.dataset.search ?? "", q);
    card.hidden = !match;
    if (match) shown++;
  }
  const status = document.getElementById("search-status");
  if (status) {
    status.textContent = !q.trim()
      ? ""
      : shown
      ? formatPlural(props.locale, props.labels.found, shown)
      : fill(props.labels.nothingFound, { q: q.trim() });
  }
  const url = new URL(location.href);
  if (q.trim()) url.searchParams.set("q", q.trim());
  else url.searchParams.delete("q");
  history.replaceState(history.state, "", url);
}

export default function CourseSearch(props: Props) {
  const [q, setQ] = useState(props.q);
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  const { labels } = props;
  return (
    <form
      class="search"
      method="get"
      action="/courses"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        applyFilter(q, props);
      }}
    >
      <label for="course-q">{labels.label}</label>
      <div class="search__row">
        <input
          id="course-q"
          type="search"
          name="q"
          value={q}
          placeholder={labels.placeholder}
          maxLength={100}
          autocomplete="off"
          aria-controls="course-list"
          aria-describedby="search-status"
          onInput={(e) => {
            const value = e.currentTarget.value;
            setQ(value);
            applyFilter(value, props);
          }}
        />
        {!live && <button type="submit" class="button">{labels.submit}</button>}
        {live && q && (
          <button
            type="button"
            class="button button--ghost"
            onClick={() => {
              setQ("");
              applyFilter("", props);
              document.getElementById("course-q")?.focus();
            }}
          >
            {labels.reset}
          </button>
        )}
      </div>
    </form>
  );
}
