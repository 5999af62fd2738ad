/**
 * Names the service worker (static/sw.js, which cannot import modules) and
 * the page share for kept courses; tiny, so every page may import it.
 */
export const COURSE_CACHE_PREFIX = "gafus-course-";
/**
 * The Web Lock every writer and remover of one course's cache holds (the
 * page's downloads and removals, the worker's clearing on logout): a
 * deletion never lands in the middle of a download that would then bring
 * the copy, video key included, back.
 */
export const KEEP_LOCK_PREFIX = "gafus-keep-";
