/**
 * The cache tag of everything shared that is read from courses (catalogue,
 * outlines, cached pages, learners' progress summaries). Content changes drop
 * it all at once (`invalidateCourses`); per-user data is keyed so it never
 * needs dropping by hand.
 */
import type { Services } from "../services.ts";

export const COURSES_TAG = "courses";
/** How long shared course data lives in the cache if nothing drops it first. */
export const CATALOGUE_TTL_MS = 60_000;

/** Call after any change to courses, days or steps. */
export function invalidateCourses(s: Services) {
  s.cache.invalidate(COURSES_TAG);
}
