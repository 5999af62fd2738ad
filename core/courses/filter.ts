/**
 * Catalogue filters and sort orders, shared by the server (which renders the
 * list for the GET form) and the CourseSearch island (which re-filters the
 * rendered cards in place). One implementation, so the list looks the same
 * with and without JavaScript. Only browser-safe imports.
 */
import { matchesSearch } from "./search.ts";
import { fill, formatPlural, type Locale, type Message } from "../i18n/format.ts";

export const CATALOGUE_LEVELS = ["BEGINNER", "INTERMEDIATE", "ADVANCED", "EXPERT"] as const;
export const PROGRESS_FILTERS = ["NOT_STARTED", "IN_PROGRESS", "COMPLETED"] as const;
/** "4" = 4 and above, "3" = 3 and above, "any" = has at least one review. */
export const RATING_FILTERS = ["4", "3", "any"] as const;
export const CATALOGUE_SORTS = ["newest", "rating", "name", "progress"] as const;
export const CATALOGUE_TABS = ["all", "progress", "favorites"] as const;

export type CatalogueLevel = typeof CATALOGUE_LEVELS[number];
export type ProgressStatus = typeof PROGRESS_FILTERS[number];
export type RatingFilter = typeof RATING_FILTERS[number];
export type CatalogueSort = typeof CATALOGUE_SORTS[number];
export type CatalogueTab = typeof CATALOGUE_TABS[number];

/** What the form sends; "" means "no filter". */
export interface CatalogueFilters {
  q: string;
  level: CatalogueLevel | "";
  status: ProgressStatus | "";
  rating: RatingFilter | "";
  sort: CatalogueSort;
}

export const NO_FILTERS: CatalogueFilters = {
  q: "",
  level: "",
  status: "",
  rating: "",
  sort: "newest",
};

/** The fields a course needs for filtering and sorting (the island reads them from data-*). */
export interface FilterableCourse {
  searchText: string;
  level: string;
  avgRating: number | null;
  reviewCount: number;
  status: ProgressStatus;
  /** Completed share of the course's days, 0..1. */
  progress: number;
  name: string;
  /** Publication time in ms (newest first). */
  published: number;
}

export function isFiltered(f: CatalogueFilters): boolean {
  return Boolean(f.q.trim() || f.level || f.status || f.rating);
}

export function matchesFilters(c: FilterableCourse, f: CatalogueFilters): boolean {
  if (f.level && c.level !== f.level) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.rating) {
    if (c.avgRating === null) return false;
    if (f.rating !== "any" && c.avgRating < Number(f.rating)) return false;
  }
  return !f.q.trim() || matchesSearch(c.searchText, f.q);
}

/** A comparator for `sort`; ties fall back to newest first, then name. */
export function courseComparator(
  sort: CatalogueSort,
  collator: Intl.Collator,
): (a: FilterableCourse, b: FilterableCourse) => number {
  const newest = (a: FilterableCourse, b: FilterableCourse) =>
    b.published - a.published || collator.compare(a.name, b.name);
  switch (sort) {
    case "name":
      return (a, b) => collator.compare(a.name, b.name) || b.published - a.published;
    case "rating":
      // Unrated courses go last; among equal ratings the one with more reviews wins.
      return (a, b) =>
        (b.avgRating ?? -1) - (a.avgRating ?? -1) || b.reviewCount - a.reviewCount ||
        newest(a, b);
    case "progress":
      return (a, b) => b.progress - a.progress || statusRank(a) - statusRank(b) || newest(a, b);
    default:
      return newest;
  }
}

/** Among equal progress, courses under way come before untouched ones. */
function statusRank(c: FilterableCourse): number {
  return c.status === "IN_PROGRESS" ? 0 : c.status === "COMPLETED" ? 1 : 2;
}

export function catalogueCollator(locale: string): Intl.Collator {
  return new Intl.Collator(locale, { sensitivity: "base", numeric: true });
}

/** The query string for these filters (defaults left out), e.g. for links and history. */
export function filtersToSearch(f: CatalogueFilters, tab: CatalogueTab): string {
  const p = new URLSearchParams();
  if (tab !== "all") p.set("tab", tab);
  if (f.q.trim()) p.set("q", f.q.trim());
  if (f.level) p.set("level", f.level);
  if (f.status) p.set("status", f.status);
  if (f.rating) p.set("rating", f.rating);
  if (f.sort !== "newest") p.set("sort", f.sort);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** Messages for the result line, as stored in the dictionaries (`t.raw`). */
export interface StatusLabels {
  found: Message;
  nothingFound: string;
  nothingMatches: string;
}

/** The line under the form: how many courses match, or why none do; empty when unfiltered. */
export function statusMessage(
  f: CatalogueFilters,
  matches: number,
  locale: Locale,
  labels: StatusLabels,
): string {
  if (!isFiltered(f)) return "";
  if (matches > 0) return formatPlural(locale, labels.found, matches);
  return f.q.trim() ? fill(labels.nothingFound, { q: f.q.trim() }) : labels.nothingMatches;
}
