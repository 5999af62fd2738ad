/**
 * "Where else used": a step or day is edited once for every course that
 * uses it, so before a change is saved the editor names the courses whose
 * learners will see it.
 */

export interface CourseRef {
  id: string;
  name: string;
  published: boolean;
}

/** The distinct courses in `lists`, by id, in first-seen order. */
export function distinctCourses(lists: readonly (readonly CourseRef[])[]): CourseRef[] {
  const seen = new Map<string, CourseRef>();
  for (const list of lists) {
    for (const c of list) if (!seen.has(c.id)) seen.set(c.id, c);
  }
  return [...seen.values()];
}

/**
 * The courses to name in the notice, or null for none: shown when the
 * content is in more than one course, or in a course other than the one the
 * trainer came from (`from`).
 */
export function whereElseUsed(
  courses: readonly CourseRef[],
  from: string | null,
): CourseRef[] | null {
  if (courses.length > 1) return [...courses];
  if (from && courses.some((c) => c.id !== from)) return [...courses];
  return null;
}

/** The `from` query or form value, when it looks like an id (it only chooses what the notice says). */
export function fromParam(v: unknown): string | null {
  return typeof v === "string" && /^[\w-]{1,64}$/.test(v) ? v : null;
}
