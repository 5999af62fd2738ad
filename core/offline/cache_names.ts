/**
 * Names the service worker (static/sw.js, which cannot import modules) and
 * the page share for kept courses; tiny, so every page may import it.
 */
export const COURSE_CACHE_PREFIX = "gafus-course-";
